"""A member's phone number: set it, prove it by a one-time code, remove it.

The rules (docs/architecture.md, "Phones"):

- A number is stored in E.164 (`members.identifiers.phone_to_e164`). It finds the member at the
  till and in the API only once verified (`members.selectors.member_get_by_phone`).
- Verifying means typing the 6-digit code sent to the number by text message. The code is kept
  only as an HMAC keyed by the site's secret key, works for 10 minutes and for 5 tries; a new
  code replaces the old. Sending is rate-limited per member and per number.
- A number another member has verified stays theirs until they remove it. Anyone may still type
  it: it is saved unverified, the pages say a code was sent, but no message goes out and no code
  can verify it. So the profile never tells whose number it is, and a claim never takes a number
  from the member who holds it.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loyalty.platform import ratelimit
from loyalty.platform.errors import DomainError
from loyalty.platform.sms import sms_send
from members.models import Member, PhoneVerification

logger = logging.getLogger(__name__)

PHONE_CODE_DIGITS = 6
PHONE_CODE_LIFETIME = datetime.timedelta(minutes=10)
PHONE_CODE_ATTEMPTS = 5


class PhoneCodeError(DomainError):
    code = "phone_code_error"
    status = 400


class PhoneCodesTooMany(PhoneCodeError):
    code = "phone_codes_too_many"
    status = 429
    default_message = _(
        "Too many codes were sent in a short time. Wait a quarter of an hour, then try again."
    )


class PhoneNothingToVerify(PhoneCodeError):
    code = "phone_nothing_to_verify"
    default_message = _("There is no unverified phone number on your profile.")


class PhoneCodeMissing(PhoneCodeError):
    code = "phone_code_missing"
    default_message = _("No code is waiting for this number. Ask for a new code.")


class PhoneCodeExpired(PhoneCodeError):
    code = "phone_code_expired"
    default_message = _("This code has expired. Ask for a new code.")


class PhoneCodeUsedUp(PhoneCodeError):
    code = "phone_code_used_up"
    default_message = _("Too many wrong tries for this code. Ask for a new code.")


class PhoneCodeWrong(PhoneCodeError):
    code = "phone_code_wrong"
    default_message = _("That code is not right. Check the text message and try again.")


def _code_hash(*, member: Member, phone: str, code: str) -> str:
    # Keyed by SECRET_KEY: a copy of the table alone cannot be searched for the million codes.
    # The member and number are in the message, so a hash never fits another claim.
    return salted_hmac(
        "members.phones.code", f"{member.pk}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _verified_elsewhere(*, member: Member, phone: str) -> bool:
    return (
        Member.objects.filter(phone=phone, phone_verified_at__isnull=False)
        .exclude(pk=member.pk)
        .exists()
    )


def _limit_identities(*, member: Member, phone: str) -> list[str]:
    return [f"member:{member.pk}", f"phone:{phone}"]


def phone_codes_exhausted(*, member: Member, phone: str) -> bool:
    """Whether a new code for `phone` would be refused now; counts nothing."""
    return any(
        ratelimit.hits(ratelimit.PHONE_CODES, identity) >= ratelimit.PHONE_CODES.count
        for identity in _limit_identities(member=member, phone=phone)
    )


def _code_issue_locked(*, member: Member, now: datetime.datetime) -> PhoneVerification:
    """A fresh code for the member's (unverified) number, replacing any earlier one. The
    caller holds the member's row lock and checked the rate limit."""
    phone = member.phone
    code = f"{secrets.randbelow(10**PHONE_CODE_DIGITS):0{PHONE_CODE_DIGITS}d}"
    deliver = not _verified_elsewhere(member=member, phone=phone)
    verification, _created = PhoneVerification.objects.update_or_create(
        member=member,
        defaults={
            "phone": phone,
            "code_hash": _code_hash(member=member, phone=phone, code=code),
            "sent": deliver,
            "attempts": 0,
            "created_at": now,
            "expires_at": now + PHONE_CODE_LIFETIME,
        },
    )
    for identity in _limit_identities(member=member, phone=phone):
        ratelimit.hit(ratelimit.PHONE_CODES, identity)
    if deliver:
        body = gettext(
            "%(code)s is your %(program)s code to confirm this phone number. It works for "
            "10 minutes. Nobody from us will ask you for it."
        ) % {"code": code, "program": settings.LOYALTY_PROGRAM_NAME}
        transaction.on_commit(lambda: _deliver(member_pk=member.pk, phone=phone, body=body))
    else:
        logger.info(
            "Phone code for member %s not sent: the number is verified elsewhere", member.pk
        )
    return verification


def _deliver(*, member_pk: int, phone: str, body: str) -> None:
    """Hand the text to the backend after commit. A provider that fails (down, refusing the
    number) is logged, not shown as a server error: the member asks for a new code."""
    try:
        sms_send(to=phone, body=body)
    except Exception:  # any backend's failure
        logger.exception("Phone code for member %s could not be sent", member_pk)


def _lock_member(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).get(pk=member.pk)


@transaction.atomic
def phone_code_send(*, member: Member, now: datetime.datetime | None = None) -> PhoneVerification:
    """Send a new code to the member's unverified number (the old code stops working).

    Raises `PhoneNothingToVerify` when there is no such number, `PhoneCodesTooMany` past the
    rate limit; then nothing changes.
    """
    now = now or timezone.now()
    locked = _lock_member(member)
    if not locked.phone or locked.phone_verified_at is not None:
        raise PhoneNothingToVerify()
    if phone_codes_exhausted(member=locked, phone=locked.phone):
        raise PhoneCodesTooMany()
    return _code_issue_locked(member=locked, now=now)


@dataclass(frozen=True)
class PhoneChange:
    member: Member
    code_requested: bool  # a code was asked for: show the page where it is typed


def phone_set_locked(
    *, member: Member, phone: str, now: datetime.datetime | None = None
) -> PhoneChange:
    """Put `phone` (E.164, or '' to remove it) on the member's profile. The caller holds the
    member's row lock in its transaction (`member_profile_update` does).

    The same number again changes nothing (a verified number stays verified). A new number is
    saved unverified and a code goes out for it; `PhoneCodesTooMany` when no code may be sent
    now, before anything is written.
    """
    now = now or timezone.now()
    if phone == member.phone:
        return PhoneChange(member=member, code_requested=False)
    if phone and phone_codes_exhausted(member=member, phone=phone):
        raise PhoneCodesTooMany()
    member.phone = phone
    member.phone_verified_at = None
    member.save(update_fields=["phone", "phone_verified_at"])
    PhoneVerification.objects.filter(member=member).delete()
    if not phone:
        return PhoneChange(member=member, code_requested=False)
    _code_issue_locked(member=member, now=now)
    return PhoneChange(member=member, code_requested=True)


def phone_code_verify(*, member: Member, code: str, now: datetime.datetime | None = None) -> Member:
    """Check the code typed for the member's number; on success the number is verified.

    Every check of a waiting code counts one try, kept even when the code is wrong (so five
    wrong tries use the code up); then one of `PhoneCodeMissing`, `PhoneCodeExpired`,
    `PhoneCodeUsedUp` or `PhoneCodeWrong` is raised and nothing else changed. A code that was
    never sent (the number is verified elsewhere) answers `PhoneCodeWrong`, as a wrong code does.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_member(member)
        outcome = _verify_locked(member=locked, code=code, now=now)
    if isinstance(outcome, PhoneCodeError):
        raise outcome
    member.phone, member.phone_verified_at = outcome.phone, outcome.phone_verified_at
    return outcome


def _verify_locked(*, member: Member, code: str, now: datetime.datetime):
    """The verified member, or the error to raise once the try is committed."""
    verification = PhoneVerification.objects.filter(member=member).first()
    if not member.phone or member.phone_verified_at is not None:
        return PhoneNothingToVerify()
    if verification is None or verification.phone != member.phone:
        return PhoneCodeMissing()
    if now >= verification.expires_at:
        return PhoneCodeExpired()
    if verification.attempts >= PHONE_CODE_ATTEMPTS:
        return PhoneCodeUsedUp()
    verification.attempts += 1
    verification.save(update_fields=["attempts"])
    expected = _code_hash(member=member, phone=member.phone, code=code)
    right = verification.sent and constant_time_compare(expected, verification.code_hash)
    if not right or _verified_elsewhere(member=member, phone=member.phone):
        if verification.attempts >= PHONE_CODE_ATTEMPTS:
            return PhoneCodeUsedUp()
        return PhoneCodeWrong()
    member.phone_verified_at = now
    try:
        with transaction.atomic():
            member.save(update_fields=["phone_verified_at"])
    except IntegrityError:
        # Another member verified the same number a moment ago (both had codes sent to it).
        member.phone_verified_at = None
        return PhoneCodeWrong()
    verification.delete()
    return member


@transaction.atomic
def phone_remove(*, member: Member) -> Member:
    """Take the number off the member's profile, verified or not, with any waiting code."""
    locked = _lock_member(member)
    locked.phone = ""
    locked.phone_verified_at = None
    locked.save(update_fields=["phone", "phone_verified_at"])
    PhoneVerification.objects.filter(member=locked).delete()
    member.phone, member.phone_verified_at = "", None
    return locked
