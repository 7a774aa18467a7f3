"""readings load courses|lists FILE [options] | readings load courses|lists --from-dir DIR

Exit status: 0 applied (or a clean dry run), 1 errors found (nothing applied
unless --apply-valid), 2 unusable invocation or unreadable file.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.core.exceptions import ApplicationError
from readings.institutions.models import Institution
from readings.loaders import selectors, services
from readings.loaders.models import LoadKind, LoadStatus
from readings.loaders.runs import LoadOptions
from readings.loaders.summary import summary_lines
from readings.loaders.values import DATE_FORMATS

_HELP = {
    LoadKind.COURSES: "Load courses from an Alma course-loader file (tab-separated, 34 or 31 "
    "columns, header ignored).",
    LoadKind.LISTS: "Load reading lists from a Leganto reading-list file (67 columns, tab- or "
    "comma-separated, header required).",
}


class Command(InstitutionCommand):
    help = "Load courses or reading lists from a file: every row is checked first, and the "
    help += "file is applied all-or-nothing."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
        for kind in LoadKind.values:
            kind_parser = sub.add_parser(kind, help=_HELP[kind], description=_HELP[kind])
            kind_parser.add_argument("file", nargs="?", help="The file to load.")
            kind_parser.add_argument(
                "--from-dir",
                metavar="DIR",
                help="Load every file in DIR newer than the last one loaded from it, oldest "
                "name first (for scheduled runs).",
            )
            kind_parser.add_argument(
                "--dry-run", action="store_true", help="Check and profile; apply nothing."
            )
            kind_parser.add_argument(
                "--apply-valid",
                action="store_true",
                help="Apply the rows without errors even when other rows have errors.",
            )
            kind_parser.add_argument(
                "--date-format",
                metavar="FMT",
                help=f"How dates are written: {', '.join(DATE_FORMATS)} "
                "(default: the institution setting, normally auto).",
            )
            kind_parser.add_argument(
                "--create-departments",
                action="store_true",
                help="Create academic departments the file names and Readings lacks.",
            )
            kind_parser.add_argument(
                "--report", metavar="PATH.json", help="Write the full report as JSON."
            )
            self.add_institution_option(kind_parser)

    def handle(self, *args, **options) -> None:
        if bool(options["file"]) == bool(options["from_dir"]):
            self._unusable("name one FILE to load, or --from-dir DIR (not both).")
        missing = selectors.unapplied_migrations()
        if missing:
            # Code updated under a database not yet migrated: the apply would fail on a
            # missing column only after the whole file was checked.
            self._unusable(
                f"the database lacks {len(missing)} migration(s) of this version of Readings "
                f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''}); run "
                "'readings migrate' first. Nothing was loaded."
            )
        try:
            institution = self.institution(options)
        except CommandError as exc:
            self._unusable(str(exc))
        load_options = LoadOptions(
            dry_run=options["dry_run"],
            apply_valid=options["apply_valid"],
            date_format=options["date_format"] or "",
            create_departments=options["create_departments"],
        )
        if options["from_dir"]:
            reports = self._from_dir(institution, options, load_options)
            self._write_report(options["report"], {"files": reports})
            worst = max((_exit_status(r) for r in reports), default=0)
        else:
            report = self._load(
                institution, options["kind"], Path(options["file"]), load_options, "cli"
            )
            self._write_report(options["report"], report)
            worst = _exit_status(report)
        if worst:
            raise SystemExit(worst)

    def _load(
        self,
        institution: Institution,
        kind: str,
        path: Path,
        load_options: LoadOptions,
        source: str,
    ) -> dict[str, Any]:
        load = _run(kind)
        progress = _Progress(path.name) if sys.stderr.isatty() else None
        try:
            record = load(
                institution=institution,
                path=path,
                options=load_options,
                source=source,
                progress=progress,
            )
        except ApplicationError as exc:
            self._unusable(exc.message)
        finally:
            if progress:
                progress.done()
        for line in summary_lines(record.report, profile=load_options.dry_run):
            self.stdout.write(line)
        return record.report

    def _from_dir(
        self, institution: Institution, options: dict, load_options: LoadOptions
    ) -> list[dict[str, Any]]:
        directory = Path(options["from_dir"])
        if not directory.is_dir():
            self._unusable(f"{directory} is not a directory.")
        pending = selectors.files_to_load(
            institution=institution, kind=options["kind"], directory=directory
        )
        if not pending:
            self.stdout.write(f"No new files in {directory}.")
        reports = []
        for path in pending:
            report = self._load(institution, options["kind"], path, load_options, "schedule")
            reports.append(report)
            if report["status"] not in (LoadStatus.APPLIED, LoadStatus.CHECKED):
                # Later files may build on this one: stop until it is fixed.
                if len(pending) > len(reports):
                    self.stdout.write(
                        f"Stopped: {len(pending) - len(reports)} newer files were not loaded."
                    )
                break
        return reports

    def _write_report(self, path: str | None, data: dict[str, Any]) -> None:
        if not path:
            return
        try:
            Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            self._unusable(f"cannot write the report to {path}: {exc.strerror or exc}.")

    def _unusable(self, message: str) -> None:
        self.stderr.write(f"readings load: {message}")
        raise SystemExit(2)


def _run(kind: str):
    if kind == LoadKind.COURSES:
        return services.courses_load
    return services.lists_load


def _exit_status(report: dict[str, Any]) -> int:
    if report.get("error_count"):
        return 1
    return 0


class _Progress:
    """A one-line progress bar on the terminal (stderr), redrawn a few times a second."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.last = 0.0
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r{stage:>9} {self.name} [{bar:<30}] {share:4.0%}")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
