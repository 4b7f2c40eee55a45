"""The points engine's schema: stores and points accounts."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Store(models.Model):
    """A shop of the program; staff belong to one, purchases are recorded at one."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short identifier used by tills and the API, e.g. 'downtown'."),
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PointsAccount(models.Model):
    """One per member. Changed only by the points services, under a row lock."""

    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="points_account",
        verbose_name=_("member"),
    )
    balance = models.BigIntegerField(_("available points"), default=0)
    pending = models.BigIntegerField(_("pending points"), default=0)
    debt = models.BigIntegerField(_("debt"), default=0)
    lifetime_earned = models.BigIntegerField(_("lifetime earned"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="points_account_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(pending__gte=0), name="points_account_pending_gte_0"
            ),
            models.CheckConstraint(condition=Q(debt__gte=0), name="points_account_debt_gte_0"),
            models.CheckConstraint(
                condition=Q(lifetime_earned__gte=0), name="points_account_lifetime_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.balance}"
