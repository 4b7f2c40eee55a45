"""Reads about members."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from members.identifiers import (
    card_number_is_valid,
    card_number_normalize,
    name_letters,
    phone_normalize,
)
from members.models import Member

# A name search needs this many letters, so that one or two letters cannot page through the
# member base; it lists at most NAME_SEARCH_LIMIT members and says "refine" beyond that.
NAME_SEARCH_MIN_LETTERS = 3
NAME_SEARCH_LIMIT = 10


def _members() -> QuerySet[Member]:
    return Member.objects.select_related("user", "points_account")


def member_get_by_card(*, card_number: str) -> Member | None:
    card_number = card_number_normalize(card_number)
    if not card_number_is_valid(card_number):
        return None
    return _members().filter(card_number=card_number).first()


def member_find(*, query: str) -> Member | None:
    """The one member that `query` names exactly: a card number, an email or a phone number.

    Exact matches only, never a partial list. A name, which may match several members, is
    `member_search_by_name`'s, with its own minimum and maximum.
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


@dataclass(frozen=True)
class NameMatches:
    """The open members a name search finds: `members` (at most `NAME_SEARCH_LIMIT`), and
    whether more matched than that (`too_many`: the list is withheld, the search refined)."""

    members: list[Member]
    too_many: bool


def member_search_by_name(*, query: str) -> NameMatches:
    """Members whose first or last name holds each word of `query`, case-insensitively
    ("ali and" finds Alice Andersen; so does "Andersen Alice").

    Closed accounts and deactivated users are left out: the list is for serving someone at
    the counter, and a closed member stays findable by card, email or phone. The caller checks
    `name_letters(query) >= NAME_SEARCH_MIN_LETTERS` first; a shorter query finds no one here.
    """
    words = query.split()
    if name_letters(query) < NAME_SEARCH_MIN_LETTERS:
        return NameMatches(members=[], too_many=False)
    members = _members().filter(user__is_active=True, points_account__closed_at__isnull=True)
    for word in words:
        members = members.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
        )
    found = list(
        members.order_by("user__last_name", "user__first_name", "pk")[: NAME_SEARCH_LIMIT + 1]
    )
    if len(found) > NAME_SEARCH_LIMIT:
        return NameMatches(members=[], too_many=True)
    return NameMatches(members=found, too_many=False)


def member_for_user(user) -> Member | None:
    """The signed-in user's member profile; None for visitors and work accounts."""
    if not user.is_authenticated:
        return None
    member = Member.objects.select_related("points_account__tier").filter(user=user).first()
    if member is not None:
        user.member = member  # the page's `user.member` (the menu) needs no query of its own
    return member
