"""Every state change of the points engine, one transaction each."""

from django.db import transaction

from .models import PointsAccount


@transaction.atomic
def points_account_open(*, member) -> PointsAccount:
    """The member's points account, created empty if it does not exist yet."""
    account, _created = PointsAccount.objects.get_or_create(member=member)
    return account
