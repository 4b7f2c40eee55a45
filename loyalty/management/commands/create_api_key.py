"""`manage.py create_api_key --store <code>`: a new API key for a store's till or web shop.

Prints the key alone on standard output, once (only its hash is kept), so a script can take it:
    KEY=$(python manage.py create_api_key --store downtown --name "Till 1")
"""

from django.core.management.base import BaseCommand, CommandError

from loyalty.models import Store
from loyalty.services.api_keys import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a store and print it once. Revoke keys in the admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", required=True, help="The store's code, e.g. 'downtown'.")
        parser.add_argument("--name", default="", help="What uses the key, e.g. 'Till 1'.")

    def handle(self, *args, store: str, name: str, **options) -> None:
        store_row = Store.objects.filter(code=store).first()
        if store_row is None:
            known = ", ".join(Store.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No store has the code {store!r} (known: {known}).")
        api_key, raw_key = api_key_create(store=store_row, name=name or f"{store_row.code} key")
        self.stdout.write(raw_key)
        self.stderr.write(
            f"Created API key {api_key.prefix}… ({api_key.name}) for {store_row}. "
            "Copy it now: it is not shown again."
        )
