"""readings catalogue import FILE… | search "QUERY" [--source NAME] [--limit N] [--json]"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from readings.citations.names import format_names
from readings.core.commands import InstitutionCommand
from readings.core.exceptions import ApplicationError
from readings.discovery.backends import backend_for, parse_query
from readings.discovery.catalogue import catalogue_import
from readings.discovery.marc import Record


class Command(InstitutionCommand):
    help = "Import MARC records into the built-in catalogue, and search catalogues."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = sub.add_parser("import", help="Import MARC 21 (binary) or MARCXML files.")
        load.add_argument("files", nargs="+", metavar="FILE")
        self.add_institution_option(load)
        find = sub.add_parser(
            "search",
            help="Search a catalogue. Words search everywhere; title:, author:, subject:, "
            "isbn: and issn: search one field.",
        )
        find.add_argument("query", metavar="QUERY")
        find.add_argument("--source", help="A source name (default: the built-in catalogue).")
        find.add_argument("--limit", type=int, default=10, help="At most this many (default 10).")
        find.add_argument("--json", action="store_true", help="Print the results as JSON.")
        self.add_institution_option(find)

    def handle(self, *args, **options) -> None:
        institution = self.institution(options)
        if options["action"] == "import":
            self._import(institution, options["files"])
        else:
            self._search(institution, options)

    def _import(self, institution, files: list[str]) -> None:
        tty = self.stderr.isatty()

        def progress(count: int) -> None:
            if tty:
                # Plain, not in the error colour Django gives stderr.
                self.stderr.write(f"\rImported {count} records…", style_func=str, ending="")

        try:
            report = catalogue_import(institution=institution, paths=files, progress=progress)
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename}: {exc.strerror}.") from exc
        if tty:
            self.stderr.write("", style_func=str)
        for problem in report.problems:
            record = f" ({problem.record_id})" if problem.record_id else ""
            self.stderr.write(f"record {problem.position}{record} skipped: {problem.message}")
        skipped = f"; {len(report.problems)} skipped" if report.problems else ""
        self.stdout.write(f"Imported {report.imported} records into {institution.code}{skipped}.")

    def _search(self, institution, options: dict) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            backend = backend_for(institution, options["source"])
            result = backend.search(parse_query(options["query"]), limit=options["limit"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps([_as_json(r) for r in result.records], indent=2))
            return
        about = "about " if result.estimated else ""
        self.stdout.write(f"{about}{result.total} found in {backend.name}.")
        for record in result.records:
            year = f" ({record.year})" if record.year else ""
            authors = format_names(record.authors)
            line = f"{record.record_id}\t{record.full_title}{year}"
            self.stdout.write(f"{line}\t{authors}" if authors else line)


def _as_json(record: Record) -> dict:
    data = record.as_dict()
    return {
        "record_id": record.record_id,
        "title": record.full_title,
        "authors": record.authors,
        "isbn": record.isbn,
        "year": record.year,
        "kind": record.kind,
        "publisher": record.publisher,
        "isbns": record.isbns,
        "holdings": data["holdings"],
    }
