"""Test data made through the same services the portal uses."""

import datetime
import itertools

import factory

from loyalty.models import Store
from members.models import Member, User
from members.services import member_register, staff_user_create

PASSWORD = "correct-horse-battery"
# Before any time a test travels to.
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
_sequence = itertools.count(1)


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda number: f"store-{number}")
    name = factory.Sequence(lambda number: f"Store {number}")


def create_store(*, code: str | None = None, name: str | None = None) -> Store:
    fields = {key: value for key, value in {"code": code, "name": name}.items() if value}
    return StoreFactory(**fields)


def create_customer(
    *,
    email: str | None = None,
    first_name: str = "Test",
    last_name: str = "Member",
    phone: str = "",
    phone_verified: bool = False,
    joined_at: datetime.datetime | None = None,
) -> Member:
    """A member who signs up now, or who joined at `joined_at` (`LONG_AGO`: before any time a
    test travels to, so that no purchase is refused as older than the member)."""
    member = member_register(
        email=email or f"member{next(_sequence)}@example.com",
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        phone_verified=phone_verified,
        email_verified=True,
    )
    if joined_at is not None:
        member.joined_at = joined_at
        Member.objects.filter(pk=member.pk).update(joined_at=joined_at)
    return member


def create_staff(*, email: str | None = None, store: Store) -> User:
    return staff_user_create(
        email=email or f"staff{next(_sequence)}@example.com",
        password=PASSWORD,
        first_name="Sam",
        store=store,
        email_verified=True,
    )


def create_manager(*, email: str | None = None, store: Store | None = None) -> User:
    return staff_user_create(
        email=email or f"manager{next(_sequence)}@example.com",
        password=PASSWORD,
        first_name="Morgan",
        store=store,
        manager=True,
        email_verified=True,
    )
