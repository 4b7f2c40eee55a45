"""Reads about members."""

from django.db.models import QuerySet

from members.identifiers import card_number_is_valid, card_number_normalize, phone_normalize
from members.models import Member


def _members() -> QuerySet[Member]:
    return Member.objects.select_related("user", "points_account")


def member_get_by_card(*, card_number: str) -> Member | None:
    card_number = card_number_normalize(card_number)
    if not card_number_is_valid(card_number):
        return None
    return _members().filter(card_number=card_number).first()


def member_find(*, query: str) -> Member | None:
    """The one member that `query` names exactly: a card number, an email or a phone number.

    Exact matches only, never a partial list: staff find the customer in front of them, and no
    one can browse the member base by typing a few letters.
    """
    query = (query or "").strip()
    if not query:
        return None
    if "@" in query:
        return _members().filter(user__email__iexact=query).first()
    card_number = card_number_normalize(query)
    if card_number.isdigit() and card_number_is_valid(card_number):
        member = member_get_by_card(card_number=card_number)
        if member is not None:
            return member
    return member_get_by_phone(phone=query)


def member_get_by_phone(*, phone: str) -> Member | None:
    """The member who verified this number, read as the profile reads it (`phone_to_e164`).

    An unverified number never finds anyone: anybody may type any number on their profile.
    """
    phone = phone_normalize(phone)
    if not phone:
        return None
    return _members().filter(phone=phone, phone_verified_at__isnull=False).first()


def member_for_user(user) -> Member | None:
    """The signed-in user's member profile; None for visitors and work accounts."""
    if not user.is_authenticated:
        return None
    member = Member.objects.select_related("points_account__tier").filter(user=user).first()
    if member is not None:
        user.member = member  # the page's `user.member` (the menu) needs no query of its own
    return member
