"""`manage.py points_audit`: check every account's ledger invariant; exit 1 on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from loyalty.audit import account_audits


class Command(BaseCommand):
    help = (
        "Check that every account's balance equals the sum of its entries and of its available "
        "lots, and its pending points the sum of its pending lots. Streams; exits 1 on mismatch."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Accounts read per round trip."
        )

    def handle(self, *args, chunk_size: int, **options) -> None:
        checked = mismatches = 0
        for audit in account_audits(chunk_size=chunk_size):
            checked += 1
            problems = audit.problems
            if problems:
                mismatches += 1
                for problem in problems:
                    self.stderr.write(f"account {audit.account_id}: {problem}")
        summary = f"{checked} accounts checked, {mismatches} mismatches"
        if mismatches:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
