"""`manage.py run_task <name>`: run one of the worker's tasks now, in this process."""

from django.core.management.base import BaseCommand, CommandError

from loyalty.celery import app


def _our_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(
        name for name in app.tasks if name.startswith(("loyalty.", "rewards.", "referrals."))
    )


class Command(BaseCommand):
    help = "Run a worker task by name, here and now (for operators). Without a name: list them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", nargs="?", help="e.g. loyalty.expire_points")

    def handle(self, *args, name: str | None, **options) -> None:
        names = _our_tasks()
        if not name:
            self.stdout.write("\n".join(names))
            return
        if name not in names:
            raise CommandError(f"Unknown task {name!r}. Known tasks: {', '.join(names)}")
        result = app.tasks[name].apply(throw=True)
        self.stdout.write(f"{name}: {result.get()}")
