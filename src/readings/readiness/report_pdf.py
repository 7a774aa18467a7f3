"""The readiness report as a PDF for stakeholders (fpdf2).

The same facts as ``readings readiness --json``: go-live date and phase, each
check with its status, explanation and evidence, the open tasks, and the life
in production figures. Fonts as in ``citations.pdf_export``: DejaVu Sans when
installed, else Helvetica with the text folded to Latin-1.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from readings.citations.exports import printable
from readings.citations.pdf_export import FONT_DIR, latin1_text
from readings.institutions.models import Institution
from readings.readiness.checks import evidence_text
from readings.readiness.models import Phase, TaskStatus

_STATUS_WORDS = {
    "pass": gettext_lazy("PASS"),
    "fail": gettext_lazy("FAIL"),
    "manual": gettext_lazy("NEEDS A PERSON"),
    "not_applicable": gettext_lazy("N/A"),
}


def build_report_pdf(
    *,
    institution: Institution,
    snapshot: dict,
    production: dict,
    generated_at: datetime.datetime,
    font_dir: Path = FONT_DIR,
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creator("Readings")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    family, text = _fonts(pdf, font_dir)
    title = _("Go-live readiness: %(name)s") % {"name": institution.name}
    pdf.set_title(text(title))
    pdf.add_page()

    def line(value: str, size: int = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    line(title, 16, "B", 8)
    line(_("Generated %(when)s") % {"when": generated_at.strftime("%Y-%m-%d %H:%M UTC")}, 9)
    go_live = snapshot["go_live_date"] or _("not set")
    line(_("Go-live date: %(date)s") % {"date": go_live}, 11)
    if snapshot["phase"]:
        line(_("Current phase: %(phase)s") % {"phase": _label(Phase, snapshot["phase"])}, 11)
    verdict = _("Ready for go-live.") if snapshot["ready"] else _("Not ready for go-live yet.")
    line(verdict, 12, "B", 7)
    pdf.ln(3)

    line(_("Checks from live state"), 13, "B", 7)
    for check in snapshot["checks"]:
        required = "" if check["required"] else " " + _("(not required)")
        line(f"[{_STATUS_WORDS[check['status']]}] {check['title']}{required}", 11, "B", 6)
        if check["explanation"]:
            line(check["explanation"], 10)
        seen = check["last_passed_at"] or _("never")
        line(_("Last seen true: %(when)s") % {"when": seen}, 9)
        for key, value in check["evidence"].items():
            if key != "url":
                line(f"{key.replace('_', ' ')}: {evidence_text(value)}"[:600], 8, "", 4.5)
        pdf.ln(2)

    open_tasks = [t for t in snapshot["tasks"] if t["status"] not in ("done", "not_applicable")]
    if snapshot["tasks"]:
        line(_("Open tasks"), 13, "B", 7)
        if not open_tasks:
            line(_("Every task is done or not applicable."))
        for task in open_tasks:
            phase, status = _label(Phase, task["phase"]), _label(TaskStatus, task["status"])
            line(f"{task['due_date'] or '—'}  {task['title']} ({phase}, {status})")
        pdf.ln(2)

    line(_("Life in production"), 13, "B", 7)
    for window in production.get("windows", []):
        rate = (
            f"{window.launch_success_percent}%"
            if window.launch_success_percent is not None
            else _("no launches")
        )
        line(
            _(
                "Last %(days)s days: LTI launch success %(rate)s; failed loads %(failed)s of "
                "%(loads)s; discovery errors %(errors)s of %(searches)s; slow pages %(slow)s."
            )
            % {
                "days": window.days,
                "rate": rate,
                "failed": window.load_failures,
                "loads": window.loads,
                "errors": window.search_errors,
                "searches": window.searches,
                "slow": window.slow_pages,
            }
        )
    return bytes(pdf.output())


def _label(choices: type[Phase] | type[TaskStatus], value: str) -> str:
    """The snapshot keeps codes (it is also the JSON report); the PDF shows their names."""
    return str(choices(value).label) if value in choices.values else value


def _fonts(pdf: FPDF, font_dir: Path):
    regular = font_dir / "DejaVuSans.ttf"
    if not regular.is_file():
        return "Helvetica", lambda value: latin1_text(printable(value))
    bold = font_dir / "DejaVuSans-Bold.ttf"
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold if bold.is_file() else regular))
    return "DejaVu", printable
