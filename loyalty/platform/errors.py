"""The base of every domain failure: a stable `code`, the HTTP status the API answers with and
a message for people. Each app owns its own subclasses (`loyalty.exceptions`,
`rewards.exceptions`, `referrals.exceptions`); pages show `message`, the API adds `code`."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 422
    default_message = _("The request could not be completed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class TryAgain(DomainError):
    """The database stayed busy (deadlocks) through every attempt; nothing was recorded."""

    code = "try_again"
    status = 503
    default_message = _("The system is busy. Please try again.")
