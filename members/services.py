"""Every state change of members, one transaction each."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from loyalty.services import points_account_open, signup_bonus_grant
from members.identifiers import card_number_generate, phone_normalize
from members.models import Member, User
from members.roles import PROGRAM_MANAGERS, STORE_STAFF
from members.unsubscribe import PURPOSES
from referrals.services import referral_code_for

# With 10^10 possible numbers a collision is rare; a few retries make it impossible in practice.
_CARD_NUMBER_ATTEMPTS = 8


class CardNumberExhausted(RuntimeError):
    """No free card number was found; the number space needs widening."""


class PhoneInUse(ValueError):
    """Another member already has this phone number."""


@transaction.atomic
def member_create(*, user: User) -> Member:
    """Give `user` a member profile with a fresh card number and an empty points account.

    Idempotent: a user who already is a member gets their existing profile back.
    """
    existing = Member.objects.filter(user=user).first()
    if existing is not None:
        points_account_open(member=existing)
        return existing
    for _attempt in range(_CARD_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                member = Member.objects.create(user=user, card_number=card_number_generate())
        except IntegrityError:
            if Member.objects.filter(user=user).exists():
                raise
            continue
        points_account_open(member=member)
        referral_code_for(member=member)
        signup_bonus_grant(member=member)
        return member
    raise CardNumberExhausted("Could not find a free card number.")


@transaction.atomic
def member_register(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    email_verified: bool = False,
) -> Member:
    """Create a customer account directly (demo data, support desk); sign-up goes via allauth."""
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    if email_verified:
        email_address_mark_verified(user=user)
    member = member_create(user=user)
    if phone:
        member.phone = phone_normalize(phone)
        member.save(update_fields=["phone"])
    return member


def email_address_mark_verified(*, user: User) -> None:
    """Record the user's email as verified and primary, as allauth does after confirmation."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def member_profile_update(
    *,
    member: Member,
    first_name: str,
    last_name: str,
    phone: str,
    birthday: datetime.date | None,
    reminder_emails: bool,
    marketing_emails: bool,
) -> Member:
    """Save what the member may change about themselves. The caller validated the input.

    Raises `PhoneInUse` when another member took the phone number in the meantime.
    """
    user = member.user
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    member.phone = phone_normalize(phone)
    member.birthday = birthday
    member.reminder_emails = reminder_emails
    member.marketing_emails = marketing_emails
    try:
        with transaction.atomic():
            member.save(update_fields=["phone", "birthday", "reminder_emails", "marketing_emails"])
    except IntegrityError as error:
        raise PhoneInUse(member.phone) from error
    return member


STORE_STAFF_GROUP = STORE_STAFF
PROGRAM_MANAGERS_GROUP = PROGRAM_MANAGERS


@transaction.atomic
def staff_user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    store=None,
    manager: bool = False,
    email_verified: bool = False,
) -> User:
    """A store staff member, or with `manager=True` a program manager (who may use the admin)."""
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        store=store,
        is_staff=manager,
    )
    group_name = PROGRAM_MANAGERS_GROUP if manager else STORE_STAFF_GROUP
    user.groups.add(Group.objects.get(name=group_name))
    if email_verified:
        email_address_mark_verified(user=user)
    return user


@transaction.atomic
def member_unsubscribe(*, member: Member, purpose: str) -> Member:
    """Turn off one kind of email ("reminders" or "marketing") for the member."""
    field = PURPOSES[purpose]
    setattr(member, field, False)
    member.save(update_fields=[field])
    return member
