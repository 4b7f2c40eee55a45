"""Print a new VAPID key pair for web push, as the two environment variables."""

from django.core.management.base import BaseCommand

from loyalty.platform.webpush import vapid_key_pair_new


class Command(BaseCommand):
    help = "Print a new VAPID key pair for web push (LOYALTY_VAPID_PUBLIC_KEY / _PRIVATE_KEY)."

    def handle(self, *args, **options):
        public, private = vapid_key_pair_new()
        self.stdout.write(f"LOYALTY_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"LOYALTY_VAPID_PRIVATE_KEY={private}")
