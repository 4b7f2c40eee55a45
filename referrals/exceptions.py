"""Failures of referrals (codes, attribution, review): each with its stable code and HTTP status."""

from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError


class InvalidReferralCode(DomainError):
    code = "invalid_referral_code"
    status = 422
    default_message = _("We don't know that referral code. Check it, or leave the field empty.")


class SelfReferral(DomainError):
    code = "self_referral"
    status = 422
    default_message = _("You cannot use your own referral code.")


class AlreadyReferred(DomainError):
    code = "already_referred"
    status = 422
    default_message = _("This member was already referred.")


class ReviewNotAllowed(DomainError):
    code = "review_not_allowed"
    status = 422
    default_message = _("This referral cannot be changed any more.")
