"""Demo data for `make run`: three logins, two stores, a handful of members. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from loyalty.models import Store
from members.models import User
from members.services import member_register, staff_user_create

DEMO_PASSWORD = "loyalty-demo"  # noqa: S105 - documented demo login, never used in production

STORES = [("downtown", "Downtown"), ("harbour", "Harbour Mall")]
CUSTOMERS = [
    ("alice@example.com", "Alice", "Andersen", "+15550100001"),
    ("bob@example.com", "Bob", "Brown", "+15550100002"),
    ("chloe@example.com", "Chloé", "Caron", ""),
    ("dmitri@example.com", "Dmitri", "Dvořák", "+15550100004"),
    ("emma@example.com", "Emma", "Evans", ""),
]


class Command(BaseCommand):
    help = "Create the demo logins, stores and members (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        stores = {}
        for code, name in STORES:
            stores[code], _created = Store.objects.get_or_create(code=code, defaults={"name": name})

        created = 0
        for email, first_name, last_name, phone in CUSTOMERS:
            if User.objects.filter(email=email).exists():
                continue
            member_register(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
                email_verified=True,
            )
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
        self.stdout.write(
            f"Demo data ready ({created} users created). Logins use the password "
            f"'{DEMO_PASSWORD}'; Alice's card number is {alice.card_number}."
        )
