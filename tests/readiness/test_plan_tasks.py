"""Tasks are added, edited, re-dated, marked not applicable; each change is in the audit trail."""

from __future__ import annotations

import datetime

import pytest

from readings.core.exceptions import InvalidInput
from readings.readiness.models import Phase, TaskChange, TaskStatus, TeamRole
from readings.readiness.services import plan_create_or_redate, task_create, task_update

D = datetime.date


@pytest.fixture
def plan(institution):
    return plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=None, today=D(2027, 3, 1)
    ).plan


def test_every_change_to_a_task_is_recorded_with_who_and_old_and_new(plan, make_user):
    pm = make_user("pm", roles=["administrator"])
    task = plan.tasks.get(key="custom_domain")

    task_update(task=task, by=pm, status=TaskStatus.NOT_APPLICABLE, notes="Campus host is fine")

    changes = {c.field: c for c in TaskChange.objects.filter(task=task)}
    assert set(changes) == {"status", "notes"}
    assert (changes["status"].old_value, changes["status"].new_value) == ("todo", "not_applicable")
    assert changes["notes"].new_value == "Campus host is fine"
    assert all(c.changed_by == pm and c.changed_at for c in changes.values())
    task.refresh_from_db()
    assert task.changed_by == pm


def test_saving_a_task_unchanged_records_nothing(plan):
    task = plan.tasks.get(key="kickoff")

    assert task_update(task=task, by=None, title=task.title, status=task.status) == []
    assert not TaskChange.objects.filter(task=task).exists()


def test_re_dating_a_task_by_hand_fixes_its_date(plan):
    task = plan.tasks.get(key="training")

    task_update(task=task, by=None, due_date=D(2027, 8, 9))

    task.refresh_from_db()
    assert task.due_date == D(2027, 8, 9)
    assert task.due_date_fixed
    assert TaskChange.objects.filter(task=task, field="due_date_fixed", new_value="yes").exists()


def test_an_added_task_keeps_its_date_and_records_its_creation(plan, make_user):
    pm = make_user("pm", roles=["administrator"])

    task = task_create(
        plan=plan, by=pm, title="Communicate the launch to students", phase=Phase.BUILD,
        side="institution", responsible_role=TeamRole.PROJECT_MANAGER, due_date=D(2027, 8, 30),
    )  # fmt: skip

    assert task.key == ""
    assert task.due_date_fixed
    assert TaskChange.objects.get(task=task).field == "created"
    plan_create_or_redate(
        institution=plan.institution, go_live_date=D(2027, 9, 20), by=pm, today=D(2027, 3, 1)
    )
    task.refresh_from_db()
    assert task.due_date == D(2027, 8, 30)


def test_unknown_values_are_refused_field_by_field(plan):
    task = plan.tasks.get(key="kickoff")

    with pytest.raises(InvalidInput) as caught:
        task_update(task=task, by=None, status="finished", title="  ")

    assert set(caught.value.errors) == {"status", "title"}


def test_a_member_restricted_update_refuses_other_fields(plan):
    task = plan.tasks.get(key="kickoff")

    with pytest.raises(InvalidInput):
        task_update(task=task, by=None, allowed=("status", "notes"), due_date=D(2027, 1, 1))
