"""readings institution add CODE NAME | readings institution list"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from readings.core.exceptions import InvalidInput
from readings.institutions.models import Institution
from readings.institutions.services import institution_create


class Command(BaseCommand):
    help = "Add or list institutions."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an institution.")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--time-zone", default="UTC")
        add.add_argument("--citation-style", default="apa")
        sub.add_parser("list", help="List institutions.")

    def handle(self, *args, **options) -> None:
        if options["action"] == "list":
            for institution in Institution.objects.order_by("code"):
                self.stdout.write(
                    f"{institution.code}\t{institution.name}\t{institution.time_zone}"
                )
            return
        try:
            institution = institution_create(
                code=options["code"],
                name=options["name"],
                time_zone=options["time_zone"],
                default_citation_style=options["citation_style"],
            )
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Added {institution}."))
