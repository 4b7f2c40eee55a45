"""Domain failures of the points engine. Views show `message`; the API adds the stable `code`."""

from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError


class LoyaltyError(DomainError):
    code = "loyalty_error"


class InsufficientPoints(LoyaltyError):
    code = "insufficient_points"
    default_message = _("Not enough points available.")


class InvalidPurchase(LoyaltyError):
    code = "invalid_purchase"
    default_message = _("The purchase is not valid.")


class PurchaseConflict(LoyaltyError):
    code = "purchase_conflict"
    default_message = _("This receipt id was already recorded for a different purchase.")


class InvalidReturn(LoyaltyError):
    code = "invalid_return"
    default_message = _("The return is not valid.")


class VoidNotAllowed(LoyaltyError):
    code = "void_not_allowed"
    default_message = _("This purchase can no longer be voided.")


class InvalidAdjustment(LoyaltyError):
    code = "invalid_adjustment"
    default_message = _("The adjustment is not valid.")


class AlreadyReversed(LoyaltyError):
    code = "already_reversed"
    default_message = _("This entry was already reversed.")


class DuplicateRequest(LoyaltyError):
    code = "duplicate_request"
    default_message = _("This request key was already used for a different request.")


class RewardUnavailable(LoyaltyError):
    code = "reward_unavailable"
    default_message = _("This reward is not available now.")


class RewardOutOfStock(LoyaltyError):
    code = "out_of_stock"
    default_message = _("This reward is out of stock.")


class RewardLimitReached(LoyaltyError):
    code = "limit_reached"
    default_message = _("This reward was already redeemed as often as one member may.")


class InvalidVoucher(LoyaltyError):
    code = "invalid_voucher"
    default_message = _("That is not a valid voucher code. Check it and try again.")


class VoucherUsed(LoyaltyError):
    code = "voucher_used"
    default_message = _("This voucher was already used.")


class VoucherVoid(LoyaltyError):
    code = "voucher_void"
    default_message = _("This voucher was cancelled.")


class VoucherExpired(LoyaltyError):
    code = "voucher_expired"
    default_message = _("This voucher has expired.")


class InvalidReferralCode(LoyaltyError):
    code = "invalid_referral_code"
    default_message = _("We don't know that referral code. Check it, or leave the field empty.")


class SelfReferral(LoyaltyError):
    code = "self_referral"
    default_message = _("You cannot use your own referral code.")


class AlreadyReferred(LoyaltyError):
    code = "already_referred"
    default_message = _("This member was already referred.")


class ReviewNotAllowed(LoyaltyError):
    code = "review_not_allowed"
    default_message = _("This referral cannot be changed any more.")
