from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty program")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from loyalty.services import rulebook  # connects the rules-changed receivers

        post_migrate.connect(rulebook.rules_changed_by_migrations, sender=self)
