"""The plan exports to iCalendar (RFC 5545) and to formula-safe CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from readings.readiness.calendar import escape_text, fold, plan_calendar
from readings.readiness.csv_export import plan_csv
from readings.readiness.services import plan_create_or_redate, task_update

D = datetime.date
NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def plan(institution):
    return plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 1, 11), by=None, today=D(2026, 9, 1)
    ).plan


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_calendar_has_one_all_day_event_per_task_with_crlf_lines(plan):
    body = plan_calendar(plan, plan.tasks.all(), host="readings.example", now=NOW)

    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    lines = _unfold(body)
    assert lines.count("BEGIN:VEVENT") == plan.tasks.count()
    kickoff = plan.tasks.get(key="kickoff")
    assert f"UID:readiness-task-{kickoff.pk}@readings.example" in lines
    assert "DTSTAMP:20270301T120000Z" in lines
    assert "DTSTART;VALUE=DATE:20261102" in lines
    assert "DTSTART;VALUE=DATE:20270111" in lines  # go-live, after the year end
    assert "SUMMARY:Implementation kickoff" in lines


def test_long_lines_fold_at_75_octets_without_splitting_characters(plan):
    task = plan.tasks.get(key="kickoff")
    task_update(task=task, by=None, notes="Réunion; à Paris, salle 3\\B\n" + "é" * 80)
    task.refresh_from_db()

    body = plan_calendar(plan, [task], host="h", now=NOW)

    for line in body.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    description = next(line for line in _unfold(body) if line.startswith("DESCRIPTION:"))
    assert "Réunion\\; à Paris\\, salle 3\\\\B\\n" + "é" * 80 in description


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_folding_continues_with_a_space():
    folded = fold("X" * 150)
    assert folded.split("\r\n") == ["X" * 75, " " + "X" * 74, " X"]


def test_csv_cells_that_look_like_formulas_are_neutralised(plan):
    task = plan.tasks.get(key="kickoff")
    task_update(task=task, by=None, title='=HYPERLINK("http://x")', notes="@SUM(A1)")
    other = plan.tasks.get(key="training")
    task_update(task=other, by=None, notes="-1+1")

    rows = list(csv.reader(io.StringIO(plan_csv(plan.tasks.order_by("position")))))

    header, *body = rows
    assert header[:2] == ["Phase", "Task"]
    by_title = {row[1]: row for row in body}
    assert '\'=HYPERLINK("http://x")' in by_title
    assert by_title['\'=HYPERLINK("http://x")'][7] == "'@SUM(A1)"
    assert by_title["Train library staff and key instructors"][7] == "'-1+1"
    assert len(body) == plan.tasks.count()
