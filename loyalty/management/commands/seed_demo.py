"""Demo data for `make run`: logins, stores, members, rules and purchases. Safe to run again."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from engagement.models import Challenge
from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.management.demo_pictures import demo_picture
from loyalty.management.demo_translations import demo_text_translate
from loyalty.models import (
    EarningRule,
    ExpiryPolicy,
    ProductCategory,
    Purchase,
    RuleKind,
    Store,
    Tier,
)
from loyalty.services import BasketLine, ReturnRequest
from loyalty.services.earning_rules import earning_rule_create
from loyalty.services.program import program_settings_get
from members.models import Member, User
from members.services import member_register, staff_user_create
from referrals.models import Referral
from referrals.services import referral_attach, referral_code_for
from rewards.images import reward_image_renditions_make
from rewards.models import Cause, RedemptionChannel, Reward, RewardCategory, RewardKind
from rewards.services import reward_redeem

DEMO_PASSWORD = "loyalty-demo"  # noqa: S105 - documented demo login, never used in production

# The catalogue's shelves, and which demo reward sits on which.
REWARD_CATEGORIES = [
    ("food-and-drink", "Food and drink", ["free-filter-coffee", "free-pastry", "holiday-hamper"]),
    ("money-off", "Money off", ["5-off-your-next-purchase", "15-off-one-item", "10-store-credit"]),
    ("experiences", "Experiences", ["coffee-tasting-evening", "barista-for-a-day"]),
    ("goods-and-giving", "Goods and giving", ["reusable-tote-bag", "give-a-meal"]),
]

STORES = [("downtown", "Downtown"), ("harbour", "Harbour Mall")]
CUSTOMERS = [
    ("alice@example.com", "Alice", "Andersen", "+15550100001"),
    ("bob@example.com", "Bob", "Brown", "+15550100002"),
    ("chloe@example.com", "Chloé", "Caron", ""),
    ("dmitri@example.com", "Dmitri", "Dvořák", "+15550100004"),
    ("emma@example.com", "Emma", "Evans", ""),
]
# How long the demo's members have been in the program.
MEMBERS_FOR = datetime.timedelta(days=60)


class Command(BaseCommand):
    help = "Create the demo logins, stores and members (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        stores = {}
        for code, name in STORES:
            stores[code], _created = Store.objects.get_or_create(code=code, defaults={"name": name})

        created = 0
        now = timezone.now()
        for email, first_name, last_name, phone in CUSTOMERS:
            if User.objects.filter(email=email).exists():
                continue
            member = member_register(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
                # Demo numbers are fictional (555-01xx): nobody could type a code sent to them.
                phone_verified=True,
                email_verified=True,
            )
            # Members of a while: their purchases of last week are not older than they are.
            Member.objects.filter(pk=member.pk).update(joined_at=now - MEMBERS_FOR)
            created += 1

        for email, first_name, manager in [
            ("staff@example.com", "Sam", False),
            ("manager@example.com", "Morgan", True),
        ]:
            if User.objects.filter(email=email).exists():
                continue
            staff_user_create(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name="Demo",
                store=stores["downtown"],
                manager=manager,
                email_verified=True,
            )
            created += 1

        alice = User.objects.get(email="alice@example.com").member
        self._program()
        categories = self._categories()
        self._rules(categories)
        self._tiers()
        self._engagement(categories)
        self._purchases(alice, stores, categories)
        self._rewards(alice)
        self._referrals(alice, stores)
        demo_text_translate()
        self.stdout.write(
            f"Demo data ready ({created} users created). Logins use the password "
            f"'{DEMO_PASSWORD}'; Alice's card number is {alice.card_number}."
        )

    def _program(self) -> None:
        """Points expire a year after earning, at the end of that month, in the demo."""
        program = program_settings_get()
        if program.expiry_policy == ExpiryPolicy.NEVER and not EarningRule.objects.exists():
            program.expiry_policy = ExpiryPolicy.END_OF_MONTH
            program.expiry_months = 12
            program.save()

    def _engagement(self, categories) -> None:
        """A stamp card, a birthday treat and the survey with its thank-you bonus."""
        if Challenge.objects.exists():
            return
        Challenge.objects.create(
            name="Coffee club: the 5th coffee purchase earns 100 points",
            starts_at=timezone.now() - datetime.timedelta(days=60),
            purchases_needed=5,
            category=categories["coffee"],
            reward_points=100,
            repeatable=True,
        )
        EarningRule.objects.get_or_create(
            kind=RuleKind.BIRTHDAY_BONUS, defaults={"name": "Birthday treat", "points": 150}
        )
        EarningRule.objects.get_or_create(
            kind=RuleKind.SURVEY_BONUS, defaults={"name": "Thanks for your feedback", "points": 20}
        )
        program = program_settings_get()
        program.nps_enabled = True
        program.save(update_fields=["nps_enabled"])

    def _tiers(self) -> None:
        if Tier.objects.exists():
            return
        Tier.objects.create(
            name="Silver",
            rank=1,
            threshold=Decimal("100"),
            earn_multiplier=Decimal("1.25"),
            colour="#9aa3ad",
            # The page states the multiplier itself; benefits are what it cannot say.
            benefits="",
        )
        Tier.objects.create(
            name="Gold",
            rank=2,
            threshold=Decimal("500"),
            earn_multiplier=Decimal("1.5"),
            colour="#c9a227",
            benefits="Gold-only rewards, such as a day as a barista.",
        )

    def _categories(self) -> dict[str, ProductCategory]:
        names = {
            "coffee": "Coffee",
            "bakery": "Bakery",
            "groceries": "Groceries",
            "gift-cards": "Gift cards",
        }
        return {
            code: ProductCategory.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in names.items()
        }

    def _rules(self, categories: dict[str, ProductCategory]) -> None:
        if EarningRule.objects.exists():
            return  # a manager's own rules are never touched
        earning_rule_create(name="1 point per dollar", kind=RuleKind.BASE_RATE, rate=Decimal("1"))
        earning_rule_create(
            name="Double points on coffee",
            kind=RuleKind.CATEGORY_MULTIPLIER,
            multiplier=Decimal("2"),
            categories=[categories["coffee"]],
        )
        earning_rule_create(
            name="No points on gift cards",
            kind=RuleKind.CATEGORY_EXCLUSION,
            categories=[categories["gift-cards"]],
        )
        earning_rule_create(
            name="Triple Tuesday", kind=RuleKind.PROMOTION, multiplier=Decimal("3"), weekdays="2"
        )
        earning_rule_create(
            name="Spend 50, get 25",
            kind=RuleKind.THRESHOLD_BONUS,
            threshold_amount=Decimal("50"),
            points=25,
        )

    def _purchases(self, alice, stores, categories) -> None:
        if Purchase.objects.filter(member=alice).exists():
            return
        staff = User.objects.get(email="staff@example.com")
        now = timezone.now()
        baskets = [
            (
                "demo-1001",
                now - datetime.timedelta(days=6),
                [("Flat white", "coffee", 1, "4.50"), ("Croissant", "bakery", 2, "6.00")],
            ),
            (
                "demo-1002",
                now - datetime.timedelta(days=4),
                [
                    ("Weekly groceries", "groceries", 1, "58.40"),
                    ("Gift card", "gift-cards", 1, "25.00"),
                ],
            ),
            (
                "demo-1003",
                now - datetime.timedelta(days=2),
                [("Coffee beans 1kg", "coffee", 1, "24.00"), ("Sourdough", "bakery", 1, "7.50")],
            ),
        ]
        for external_id, occurred_at, lines in baskets:
            checkout_purchase(
                member=alice,
                store=stores["downtown"],
                external_id=external_id,
                occurred_at=occurred_at,
                actor=staff,
                lines=[
                    BasketLine(
                        description=description,
                        category=categories[code],
                        quantity=quantity,
                        amount=Decimal(amount),
                    )
                    for description, code, quantity, amount in lines
                ],
            )
        returned = Purchase.objects.get(store=stores["downtown"], external_id="demo-1003")
        bread = returned.lines.get(description="Sourdough")
        checkout_return(
            purchase=returned,
            lines=[ReturnRequest(line_id=bread.pk, quantity=1)],
            actor=staff,
            store=stores["downtown"],
            external_id="demo-return-1",
        )

    def _rewards(self, alice) -> None:
        if Reward.objects.exists():
            return  # a manager's own catalogue is never touched
        cause, _created = Cause.objects.get_or_create(
            slug="city-food-bank",
            defaults={
                "name": "City Food Bank",
                "description": "Meals for families in our neighbourhood.",
            },
        )
        catalogue = [
            (
                "Free filter coffee",
                RewardKind.FREE_PRODUCT,
                50,
                None,
                {"per_member_limit": 1, "limit_period": "day"},
            ),
            ("Free pastry", RewardKind.FREE_PRODUCT, 80, None, {}),
            ("$5 off your next purchase", RewardKind.FIXED_DISCOUNT, 250, Decimal("5"), {}),
            ("15% off one item", RewardKind.PERCENT_DISCOUNT, 400, Decimal("15"), {}),
            ("$10 store credit", RewardKind.STORE_CREDIT, 1000, None, {"max_steps": 5}),
            ("Reusable tote bag", RewardKind.FREE_PRODUCT, 300, None, {"stock": 3}),
            ("Coffee tasting evening", RewardKind.EXPERIENCE, 1500, None, {"stock": 12}),
            (
                "Barista for a day",
                RewardKind.EXPERIENCE,
                5000,
                None,
                {
                    "stock": 1,
                    "per_member_limit": 1,
                    "minimum_tier": Tier.objects.filter(name="Gold").first(),
                },
            ),
            ("Give a meal", RewardKind.DONATION, 100, None, {"cause": cause, "max_steps": 20}),
            (
                "Holiday hamper",
                RewardKind.FREE_PRODUCT,
                2500,
                None,
                {"available_from": timezone.now() + datetime.timedelta(days=14)},
            ),
        ]
        shelves = {}
        for order, (slug, name, reward_slugs) in enumerate(REWARD_CATEGORIES):
            category = RewardCategory.objects.create(slug=slug, name=name, display_order=order)
            shelves.update(dict.fromkeys(reward_slugs, category))
        for order, (name, kind, points, value, extra) in enumerate(catalogue):
            reward = Reward.objects.create(
                name=name,
                slug=slugify(name),
                kind=kind,
                points_cost=points,
                value=value,
                display_order=order,
                category=shelves.get(slugify(name)),
                **extra,
            )
            picture = demo_picture(reward.slug)
            if picture is not None:
                reward.image.save(picture.name, picture)
                reward_image_renditions_make(reward=reward)
        reward_redeem(
            member=alice,
            reward=Reward.objects.get(slug="free-pastry"),
            channel=RedemptionChannel.ONLINE,
            idempotency_key="demo-alice-pastry",
        )

    def _referrals(self, alice, stores) -> None:
        """Alice invited two friends: Greta bought and both are rewarded, pending until her
        purchase's return window has passed; Hugo only joined."""
        if Referral.objects.filter(referrer=alice).exists():
            return
        code = referral_code_for(member=alice).code
        greta = member_register(
            email="greta@example.com",
            password=DEMO_PASSWORD,
            first_name="Greta",
            last_name="Gomez",
            email_verified=True,
        )
        hugo = member_register(
            email="hugo@example.com",
            password=DEMO_PASSWORD,
            first_name="Hugo",
            last_name="Hall",
            email_verified=True,
        )
        referral_attach(friend=greta, code=code)
        referral_attach(friend=hugo, code=code)
        checkout_purchase(
            member=greta,
            store=stores["harbour"],
            external_id="demo-2001",
            lines=[BasketLine(description="Welcome basket", amount=Decimal("32.00"))],
        )
