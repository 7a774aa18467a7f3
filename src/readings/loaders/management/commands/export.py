"""readings export courses|lists [--institution CODE] [--output PATH] [--format tsv|csv]

Writes the files ``readings load`` reads: exporting and loading again gives
back what the model holds.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.loaders.exports import courses_export, lists_export


class Command(InstitutionCommand):
    help = "Export courses or reading lists in the loader file formats."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
        courses = sub.add_parser("courses", help="Courses as a 34-column course-loader file.")
        lists = sub.add_parser("lists", help="Reading lists as a 67-column reading-list file.")
        lists.add_argument(
            "--format",
            choices=("tsv", "csv"),
            default="tsv",
            help="Tab- or comma-separated (default: tsv).",
        )
        for kind_parser in (courses, lists):
            kind_parser.add_argument(
                "--output", metavar="PATH", help="Write to PATH (default: standard output)."
            )
            self.add_institution_option(kind_parser)

    def handle(self, *args, **options) -> None:
        try:
            institution = self.institution(options)
        except CommandError as exc:
            self._unusable(str(exc))
        output = options["output"]
        with contextlib.ExitStack() as stack:
            stream = self.stdout
            if output:
                try:
                    stream = stack.enter_context(
                        Path(output).open("w", encoding="utf-8", newline="")
                    )
                except OSError as exc:
                    self._unusable(f"cannot write {output}: {exc.strerror or exc}.")
            if options["kind"] == "courses":
                count = courses_export(institution=institution, stream=stream)
                what = "courses"
            else:
                delimiter = "," if options["format"] == "csv" else "\t"
                count = lists_export(institution=institution, stream=stream, delimiter=delimiter)
                what = "reading lists"
        if output:
            self.stdout.write(f"Exported {count} {what} to {output}.")

    def _unusable(self, message: str) -> None:
        self.stderr.write(f"readings export: {message}")
        raise SystemExit(2)
