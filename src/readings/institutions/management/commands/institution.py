"""readings institution add CODE NAME | list | show [--institution CODE]"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.core.exceptions import InvalidInput
from readings.institutions.models import CitationStyle, Institution, ProcessingDepartment
from readings.institutions.selectors import SETTING_DEFAULTS, institution_setting
from readings.institutions.services import institution_create


class Command(InstitutionCommand):
    help = "Add, list or show institutions."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        add = sub.add_parser(
            "add", help="Add an institution with the standard tags and a main library."
        )
        add.add_argument("code", help="Short code: letters, digits, '.', '_' or '-'.")
        add.add_argument("name", help="Full name, e.g. 'University of Example'.")
        add.add_argument("--time-zone", default="UTC", help="e.g. Europe/London (default: UTC).")
        add.add_argument(
            "--citation-style",
            default=CitationStyle.APA,
            choices=CitationStyle.values,
            help="Default citation style (default: apa).",
        )
        sub.add_parser("list", help="List institutions: code, name, time zone.")
        show = sub.add_parser("show", help="Show an institution's settings.")
        self.add_institution_option(show)

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "add":
            self._add(options)
        elif action == "list":
            self._list()
        else:
            self._show(self.institution(options))

    def _add(self, options: dict) -> None:
        try:
            institution = institution_create(
                code=options["code"],
                name=options["name"],
                time_zone=options["time_zone"],
                default_citation_style=options["citation_style"],
            )
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        tags = ", ".join(institution.tags.values_list("name", flat=True))
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {institution} with the tags {tags} and the processing department MAIN."
            )
        )

    def _list(self) -> None:
        institutions = Institution.objects.order_by("code")
        if not institutions:
            self.stderr.write("No institution yet; add one with 'readings institution add'.")
        for institution in institutions:
            self.stdout.write(f"{institution.code}\t{institution.name}\t{institution.time_zone}")

    def _show(self, institution: Institution) -> None:
        tags = ", ".join(f"{t.code} ({t.name})" for t in institution.tags.order_by("position"))
        departments = ", ".join(
            f"{d.code} ({d.name})"
            for d in ProcessingDepartment.objects.filter(institution=institution)
        )
        lines = [
            f"code: {institution.code}",
            f"name: {institution.name}",
            f"time_zone: {institution.time_zone}",
            f"default_citation_style: {institution.default_citation_style}",
            f"require_library_completion: {json.dumps(institution.require_library_completion)}",
            f"tags: {tags}",
            f"processing_departments: {departments}",
            "settings:",
            *(
                f"  {key}: {json.dumps(institution_setting(institution, key))}"
                for key in sorted(SETTING_DEFAULTS)
            ),
        ]
        self.stdout.write("\n".join(lines))
