"""readings plan --go-live YYYY-MM-DD creates or re-dates the plan and prints a summary."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readings.readiness.models import Plan


def _run(*args) -> str:
    out = io.StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_the_plan_and_prints_phases_and_warnings(institution):
    go_live = datetime.date.today() + datetime.timedelta(weeks=6)

    out = _run("--go-live", go_live.isoformat(), "--institution", "UNI")

    assert "Created the implementation plan" in out
    assert "Define" in out and "Life in production" in out
    assert "Warning: Short runway" in out
    assert Plan.objects.get(institution=institution).go_live_date == go_live


def test_running_it_again_re_dates_the_plan(institution):
    first = datetime.date.today() + datetime.timedelta(weeks=14)
    _run("--go-live", first.isoformat())

    out = _run("--go-live", (first + datetime.timedelta(days=7)).isoformat())

    assert "Re-dated" in out
    assert "tasks moved" in out
    assert "Short runway" not in out


@pytest.mark.parametrize("value", ["2027-13-01", "next monday", "2001-01-01"])
def test_a_bad_date_exits_with_status_2_and_says_why(institution, value):
    with pytest.raises(CommandError) as caught:
        _run("--go-live", value)

    assert caught.value.returncode == 2
    assert "date" in str(caught.value)
    assert not Plan.objects.exists()
