"""Failures of the points engine, each with its stable `code`, HTTP status and default message."""

from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError


class LoyaltyError(DomainError):
    code = "loyalty_error"
    status = 422


class InsufficientPoints(LoyaltyError):
    code = "insufficient_points"
    status = 422
    default_message = _("Not enough points available.")


class MemberClosed(LoyaltyError):
    code = "member_closed"
    status = 409
    default_message = _("This member's account is closed: it neither earns nor spends points.")


class InvalidPurchase(LoyaltyError):
    code = "invalid_purchase"
    status = 422
    default_message = _("The purchase is not valid.")


class PurchaseConflict(LoyaltyError):
    code = "purchase_conflict"
    status = 409
    default_message = _("This receipt id was already recorded for a different purchase.")


class ReturnConflict(LoyaltyError):
    code = "return_conflict"
    status = 409
    default_message = _("This return id was already recorded for other lines of the purchase.")


class InvalidReturn(LoyaltyError):
    code = "invalid_return"
    status = 422
    default_message = _("The return is not valid.")


class VoidNotAllowed(LoyaltyError):
    """A purchase, or a redemption (`rewards` raises it too), that can no longer be voided."""

    code = "void_not_allowed"
    status = 409
    default_message = _("This purchase can no longer be voided.")


class InvalidAdjustment(LoyaltyError):
    code = "invalid_adjustment"
    status = 422
    default_message = _("The adjustment is not valid.")


class AlreadyReversed(LoyaltyError):
    code = "already_reversed"
    status = 422
    default_message = _("This entry was already reversed.")


class DuplicateRequest(LoyaltyError):
    code = "duplicate_request"
    status = 409
    default_message = _("This request key was already used for a different request.")


class NoStore(LoyaltyError):
    """A counter act (a sale, a return, a void, a voucher) by someone linked to no store."""

    code = "no_store"
    status = 403
    default_message = _(
        "Your login is not linked to a store. Ask a program manager to set your store."
    )


class OtherStore(LoyaltyError):
    """A return or a void at a store of what another store recorded or issued."""

    code = "other_store"
    status = 403
    default_message = _("This was recorded at another store; only that store can change it.")


class OwnAccount(LoyaltyError):
    """Staff serving their own member account at a counter."""

    code = "own_account"
    status = 403
    default_message = _(
        "Staff cannot record, return or redeem on their own member account. "
        "Ask a colleague to serve you."
    )


class LimitExceeded(LoyaltyError):
    """A purchase above a limit on made value, when the program refuses rather than holds."""

    code = "limit_exceeded"
    status = 422
    default_message = _("This purchase is above a limit of the program.")


class HoldDecided(LoyaltyError):
    """Approving a held purchase that was rejected, or rejecting one that was approved."""

    code = "hold_decided"
    status = 409
    default_message = _("This purchase was already reviewed the other way.")
