"""A base for management commands that act on one institution.

``--institution CODE`` names it; when omitted, the only institution is used,
so a single-institution installation never has to type it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from readings.core.exceptions import InvalidInput
from readings.institutions.models import Institution
from readings.institutions.selectors import institution_resolve


class InstitutionCommand(BaseCommand):
    """Add the option with ``add_institution_option`` and read it with ``institution``.

    A command with subcommands adds the option to the subparsers that need it.
    """

    def add_institution_option(self, parser) -> None:
        parser.add_argument(
            "--institution",
            metavar="CODE",
            help="The institution's code (default: the only institution, when there is one).",
        )

    def institution(self, options: dict) -> Institution:
        try:
            return institution_resolve(options.get("institution"))
        except InvalidInput as exc:
            raise CommandError(" ".join(exc.errors.get("institution", [exc.message]))) from exc
