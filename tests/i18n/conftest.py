"""The authorization matrix's world (one of each kind of user, a purchase, a voucher) serves
the pages walked in each language."""

from tests.test_url_authorization import world  # noqa: F401
