"""Failures of rewards (redemptions, vouchers): each with its stable code and HTTP status."""

from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError


class RewardUnavailable(DomainError):
    code = "reward_unavailable"
    status = 422
    default_message = _("This reward is not available now.")


class RewardOutOfStock(DomainError):
    code = "out_of_stock"
    status = 409
    default_message = _("This reward is out of stock.")


class RewardLimitReached(DomainError):
    code = "limit_reached"
    status = 422
    default_message = _("This reward was already redeemed as often as one member may.")


class InvalidVoucher(DomainError):
    code = "invalid_voucher"
    status = 404
    default_message = _("That is not a valid voucher code. Check it and try again.")


class VoucherUsed(DomainError):
    code = "voucher_used"
    status = 409
    default_message = _("This voucher was already used.")


class VoucherVoid(DomainError):
    code = "voucher_void"
    status = 409
    default_message = _("This voucher was cancelled.")


class VoucherExpired(DomainError):
    code = "voucher_expired"
    status = 409
    default_message = _("This voucher has expired.")
