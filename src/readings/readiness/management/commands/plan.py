"""readings plan --go-live YYYY-MM-DD [--institution CODE] [--reset-fixed-dates]"""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.core.exceptions import InvalidInput
from readings.readiness import selectors, services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"'{value}' is not a date: give the go-live date as YYYY-MM-DD, e.g. 2027-01-11.",
            returncode=2,
        ) from None


class Command(InstitutionCommand):
    help = "Create the implementation plan from a go-live date, or re-date it."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--go-live", required=True, metavar="YYYY-MM-DD", help="The go-live date."
        )
        parser.add_argument(
            "--reset-fixed-dates",
            action="store_true",
            help="Also move the due dates someone set by hand.",
        )
        self.add_institution_option(parser)

    def handle(self, *args, **options) -> None:
        go_live = _date(options["go_live"])
        institution = self.institution(options)
        try:
            outcome = services.plan_create_or_redate(
                institution=institution,
                go_live_date=go_live,
                by=None,
                reset_fixed_dates=options["reset_fixed_dates"],
            )
        except InvalidInput as exc:
            raise CommandError(exc.message, returncode=2) from exc
        plan = outcome.plan
        verb = "Created" if outcome.created else "Re-dated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the implementation plan of {institution}: go-live "
                f"{plan.go_live_date:%A %Y-%m-%d}"
                + (f" ({plan.go_live_term.name})" if plan.go_live_term else "")
                + f", {outcome.runway_days} days from today."
            )
        )
        if not outcome.created:
            self.stdout.write(
                f"{outcome.moved} tasks moved; {outcome.kept_fixed} dates set by hand kept."
            )
        tasks = selectors.plan_tasks(plan)
        for row in selectors.plan_phases(plan, tasks):
            self.stdout.write(
                f"  {row.label:<28} {row.start:%Y-%m-%d} to {row.end:%Y-%m-%d}  "
                f"{row.finished}/{len(row.tasks)} tasks done"
            )
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
