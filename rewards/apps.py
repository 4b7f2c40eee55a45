from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    """The reward catalogue, redemptions and vouchers (built in the catalogue issue)."""

    name = "rewards"
    verbose_name = _("Rewards")
