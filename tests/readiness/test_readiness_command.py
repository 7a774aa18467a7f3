"""`readings readiness`: the checklist, its JSON, and an exit status monitoring can use."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from readings.institutions.selectors import institution_today
from readings.readiness.checks import CHECK_IDS
from readings.readiness.models import Task, TaskStatus
from readings.readiness.services import plan_create_or_redate


def readiness(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("readiness", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_a_fresh_institution_is_not_ready_and_exits_1(institution):
    status, text = readiness()
    assert status == 1
    assert "[FAIL] Courses loaded" in text
    assert "Not ready for go-live." in text


def test_the_json_has_the_plan_the_checks_and_the_tasks(institution):
    day = institution_today(institution) + datetime.timedelta(weeks=12)
    plan_create_or_redate(institution=institution, go_live_date=day, by=None)
    status, text = readiness("--json", "--institution", "UNI")
    assert status == 1
    data = json.loads(text)
    assert set(data) == {"go_live_date", "phase", "checks", "tasks"}
    assert data["go_live_date"] == day.isoformat()
    assert data["phase"] == "preparation"
    assert [check["id"] for check in data["checks"]] == list(CHECK_IDS)
    for check in data["checks"]:
        assert check["status"] in {"pass", "fail", "manual", "not_applicable"}
        assert isinstance(check["evidence"], dict)
        datetime.datetime.fromisoformat(check["checked_at"])
    task = next(t for t in data["tasks"] if t["key"] == "courses_loaded")
    assert set(task) == {"key", "title", "phase", "due_date", "status", "check_id"}
    assert task["check_id"] == "courses_loaded"
    assert task["status"] == "todo"


def test_without_a_plan_the_json_has_no_date_and_no_tasks(institution):
    _status, text = readiness("--json")
    data = json.loads(text)
    assert data["go_live_date"] is None
    assert data["tasks"] == []


def test_the_json_reflects_a_real_action_as_it_happens(institution, make_user, client):
    make_user("alice", roles=["instructor"])
    before = json.loads(readiness("--json")[1])
    assert next(c for c in before["checks"] if c["id"] == "authentication")["status"] == "fail"
    client.login(username="alice", password="correct-horse-battery")
    after = json.loads(readiness("--json")[1])
    check = next(c for c in after["checks"] if c["id"] == "authentication")
    assert check["status"] == "pass"
    assert check["evidence"]["users_signed_in"] == 1


def test_it_exits_0_once_every_required_check_holds_or_is_waived(institution):
    day = institution_today(institution) + datetime.timedelta(weeks=12)
    plan = plan_create_or_redate(institution=institution, go_live_date=day, by=None).plan
    Task.objects.filter(plan=plan).exclude(check_id="").update(status=TaskStatus.NOT_APPLICABLE)
    status, text = readiness()
    assert status == 0, text
    assert "Ready for go-live." in text


def test_an_unknown_institution_is_an_error(institution):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("readiness", "--institution", "NOPE", stdout=io.StringIO())
