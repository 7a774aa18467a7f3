"""The plan as CSV, every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from readings.citations.exports import neutralise_formula
from readings.readiness.models import Task


def plan_csv(tasks: Iterable[Task]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Phase"),
            _("Task"),
            _("Side"),
            _("Responsible"),
            _("Due"),
            _("Status"),
            _("Check"),
            _("Notes"),
            _("Description"),
        ]
    )
    for task in tasks:
        row = [
            task.get_phase_display(),
            task.title,
            task.get_side_display(),
            task.get_responsible_role_display(),
            task.due_date.isoformat() if task.due_date else "",
            task.get_status_display(),
            task.check_id,
            task.notes,
            task.description,
        ]
        writer.writerow([neutralise_formula(str(cell)) for cell in row])
    return out.getvalue()
