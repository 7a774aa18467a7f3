"""readings demo [--no-serve] [--host H] [--port P]: a sample institution, ready to try."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from readings.core.exceptions import InvalidInput
from readings.demo.build import build_demo
from readings.demo.credentials import credentials_table


class Command(BaseCommand):
    help = (
        "Prepare the database, add the sample institution Northfield University (DEMO) "
        "if it is missing, print its accounts and serve Readings."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Set up the demo, then stop.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Preparing the database ({_where()})…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Building the demo institution…")
        try:
            result = build_demo(progress=self.stdout.write)
        except InvalidInput as exc:
            raise CommandError(f"cannot build the demo: {exc.message}") from exc
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Built {result.institution}."))
        self.stdout.write("\nDemo accounts:\n")
        self.stdout.write(credentials_table())
        if options["no_serve"]:
            return
        host, port = options["host"], options["port"]
        self.stdout.write(f"\nSign in at http://{host}:{port}/accounts/login/\n")
        call_command("serve", host=host, port=port)


def _where() -> str:
    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"SQLite file {db['NAME']}"
    return f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
