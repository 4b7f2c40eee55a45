"""Every state change of members, one transaction each."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from loyalty.services import points_account_open, signup_bonus_grant
from members.identifiers import card_number_generate, phone_to_e164
from members.models import Member, User
from members.phones import PhoneChange, phone_set_locked
from members.roles import PROGRAM_MANAGERS, STORE_STAFF
from members.unsubscribe import PURPOSES
from referrals.services import referral_code_for

# With 10^10 possible numbers a collision is rare; a few retries make it impossible in practice.
_CARD_NUMBER_ATTEMPTS = 8


class CardNumberExhausted(RuntimeError):
    """No free card number was found; the number space needs widening."""


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
    phone_verified: bool = False,
    email_verified: bool = False,
) -> Member:
    """Create a customer account directly (demo data, support desk); sign-up goes via allauth.

    `phone` is read by `phone_to_e164` (`PhoneNumberInvalid` when it is no number). It stays
    unverified unless `phone_verified` says the caller saw proof (demo data, a support desk
    that checked it); a number another member has verified is then an `IntegrityError`.
    """
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    if email_verified:
        email_address_mark_verified(user=user)
    member = member_create(user=user)
    if phone:
        member.phone = phone_to_e164(phone)
        member.phone_verified_at = timezone.now() if phone_verified else None
        member.save(update_fields=["phone", "phone_verified_at"])
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
    language: str | None = None,
) -> PhoneChange:
    """Save what the member may change about themselves. The caller validated the input;
    `phone` is E.164 or '' (`members.forms.ProfileForm`).

    A new phone number is saved unverified and a code is sent for it (`members/phones.py`);
    `PhoneCodesTooMany` when none may be sent now, and then nothing is saved. `language`
    (one of settings.LANGUAGES) writes their pages, emails and notifications; None keeps it.
    """
    locked = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    change = phone_set_locked(member=locked, phone=phone)
    user = member.user
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    locked.birthday = birthday
    locked.reminder_emails = reminder_emails
    locked.marketing_emails = marketing_emails
    if language is not None:
        locked.language = language
    locked.save(update_fields=["birthday", "reminder_emails", "marketing_emails", "language"])
    fields = ("phone", "phone_verified_at", "birthday", "reminder_emails", "marketing_emails")
    for field in (*fields, "language"):
        setattr(member, field, getattr(locked, field))
    return PhoneChange(member=member, code_requested=change.code_requested)


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
