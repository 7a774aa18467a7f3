"""readings discovery add-sru NAME URL [--database DB] | list | search QUERY [--source NAME]

Every action takes [--institution CODE]. ``search`` is a recorded test search:
the go-live readiness check ``discovery_search`` counts it when it finds records.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.core.exceptions import ApplicationError, InvalidInput
from readings.discovery.backends import parse_query
from readings.discovery.models import DiscoverySource
from readings.discovery.recording import search_recorded
from readings.discovery.services import discovery_source_create


class Command(InstitutionCommand):
    help = "Register and list the catalogues an institution searches."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        add = sub.add_parser("add-sru", help="Register an SRU server as a catalogue source.")
        add.add_argument("name", help="A short name to choose the source by, e.g. 'library'.")
        add.add_argument("url", help="The server's base address, e.g. http://host:210.")
        add.add_argument("--database", default="", help="The SRU database, e.g. 'Default'.")
        self.add_institution_option(add)
        listing = sub.add_parser("list", help="List the institution's catalogue sources.")
        self.add_institution_option(listing)
        search = sub.add_parser("search", help="Run a test search and record how it went.")
        search.add_argument("query", help="What to search for, e.g. 'title:middlemarch'.")
        search.add_argument(
            "--source", default=None, help="A source's name (default: the built-in catalogue)."
        )
        self.add_institution_option(search)

    def handle(self, *args, **options) -> None:
        institution = self.institution(options)
        if options["action"] == "search":
            self._search(institution, options)
            return
        if options["action"] == "list":
            for source in DiscoverySource.objects.filter(institution=institution):
                where = f"{source.url} {source.database}".strip()
                self.stdout.write(f"{source.name}\t{source.kind}\t{where}")
            return
        try:
            source = discovery_source_create(
                institution=institution,
                name=options["name"],
                url=options["url"],
                database=options["database"],
            )
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Added the SRU source '{source.name}' for {institution.code}.")
        )

    def _search(self, institution, options) -> None:
        try:
            found = search_recorded(
                institution=institution,
                query=parse_query(options["query"]),
                text=options["query"],
                source=options["source"],
                is_test=True,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{found.total} record(s) found.")
        for record in found.records:
            self.stdout.write(f"{record.record_id}\t{record.title}")
