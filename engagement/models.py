"""What brings members back beyond a purchase: stamp cards (challenges) and NPS surveys.

These models moved here from the points engine; their tables keep the names they had there
(`db_table`), so the move changed no table.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.ledger import PointsAccount, PointsLot
from loyalty.models.program import Store
from loyalty.models.purchases import Purchase
from loyalty.models.rules import ProductCategory


class Challenge(models.Model):
    """A stamp card: N qualifying purchases within a window earn bonus points or a voucher."""

    name = models.CharField(
        _("name"), max_length=120, help_text=_("Shown to members, e.g. 'The 10th coffee is free'.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("on"), default=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    purchases_needed = models.PositiveIntegerField(
        _("purchases needed"), validators=[MinValueValidator(1)]
    )
    min_amount = models.DecimalField(
        _("each at least"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("with a product of category"),
    )
    stores = models.ManyToManyField(
        Store,
        blank=True,
        related_name="challenges",
        verbose_name=_("stores"),
        help_text=_("Empty = every store."),
    )
    reward_points = models.PositiveIntegerField(_("bonus points"), null=True, blank=True)
    reward = models.ForeignKey(
        "rewards.Reward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("or a reward voucher"),
    )
    repeatable = models.BooleanField(
        _("repeatable"), default=False, help_text=_("A new card starts when one is complete.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "loyalty_challenge"
        ordering = ["-starts_at", "name"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=Q(reward_points__isnull=False) | Q(reward__isnull=False),
                name="challenge_has_a_prize",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="challenge_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChallengeCard(models.Model):
    """One member's card for a challenge (a repeatable challenge gives a new card each round)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="cards")
    account = models.ForeignKey(
        PointsAccount, on_delete=models.CASCADE, related_name="challenge_cards"
    )
    round = models.PositiveIntegerField(_("round"), default=1)
    stamps = models.PositiveIntegerField(_("stamps"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    prize_lot = models.OneToOneField(
        PointsLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prize_redemption = models.OneToOneField(
        "rewards.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "loyalty_challengecard"
        verbose_name = _("challenge card")
        verbose_name_plural = _("challenge cards")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "account", "round"], name="challenge_card_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge}: {self.stamps}"


class ChallengeStamp(models.Model):
    card = models.ForeignKey(ChallengeCard, on_delete=models.CASCADE, related_name="stamp_rows")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.CASCADE, related_name="challenge_stamps"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        db_table = "loyalty_challengestamp"
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "purchase"], name="stamp_once_per_purchase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}:{self.purchase_id}"


class SurveyInvitation(models.Model):
    """A "how likely are you to recommend us?" question after a purchase, answerable once."""

    account = models.ForeignKey(PointsAccount, on_delete=models.CASCADE, related_name="surveys")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    bonus_lot = models.OneToOneField(
        PointsLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "loyalty_surveyinvitation"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="survey_score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.score}"
