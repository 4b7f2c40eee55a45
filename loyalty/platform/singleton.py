"""Settings tables of one row (pk 1, held by a CHECK constraint), read or made on first use."""

from typing import TypeVar

from django.db import IntegrityError, models, transaction

SINGLETON_PK = 1
M = TypeVar("M", bound=models.Model)


def singleton_get(model: type[M], **defaults) -> M:
    """The one row of `model`, created with `defaults` the first time; when two requests
    create it at once, the loser reads the winner's row."""
    row = model._default_manager.filter(pk=SINGLETON_PK).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model._default_manager.create(pk=SINGLETON_PK, **defaults)
    except IntegrityError:
        return model._default_manager.get(pk=SINGLETON_PK)
