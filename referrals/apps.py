from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referral codes, attribution and rewards (built in the referrals issue)."""

    name = "referrals"
    verbose_name = _("Referrals")
