"""The team holds the guide's roles, each member sees their tasks; the project log."""

from __future__ import annotations

import datetime

import pytest

from readings.core.exceptions import InvalidInput
from readings.readiness import selectors
from readings.readiness.models import Level, LogEntry, LogKind, LogStatus, TeamRole
from readings.readiness.services import (
    log_entry_create,
    log_entry_delete,
    log_entry_update,
    plan_create_or_redate,
    team_member_add,
)

D = datetime.date


@pytest.fixture
def plan(institution):
    return plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=None, today=D(2027, 3, 1)
    ).plan


def test_a_member_sees_only_the_tasks_of_their_roles(plan, make_user):
    it = make_user("it", roles=["librarian"])
    team_member_add(plan=plan, user=it, role=TeamRole.IT, by=None)

    mine = selectors.my_tasks(plan, [TeamRole.IT])

    assert mine
    assert {t.responsible_role for t in mine} == {TeamRole.IT}
    assert "lms_registered" in {t.key for t in mine}
    assert [t.due_date for t in mine] == sorted(t.due_date for t in mine)


def test_a_person_of_another_institution_cannot_join_the_team(plan, make_user, other_institution):
    stranger = make_user("stranger", inst=other_institution)

    with pytest.raises(InvalidInput):
        team_member_add(plan=plan, user=stranger, role=TeamRole.SPONSOR, by=None)


def test_adding_the_same_role_twice_keeps_one_membership(plan, make_user):
    pm = make_user("pm")
    team_member_add(plan=plan, user=pm, role=TeamRole.PROJECT_MANAGER, by=None)
    team_member_add(plan=plan, user=pm, role=TeamRole.PROJECT_MANAGER, by=None)

    assert plan.team.count() == 1


def test_risks_and_issues_are_logged_updated_and_deleted(plan, make_user):
    owner = make_user("owner")
    entry = log_entry_create(
        plan=plan, by=None, kind=LogKind.RISK, title="LMS staff unavailable",
        likelihood=Level.HIGH, impact=Level.MEDIUM, owner=owner, mitigation="Book time now",
    )  # fmt: skip

    log_entry_update(entry=entry, by=None, status=LogStatus.MITIGATED)
    assert selectors.open_log(plan) == [entry]
    log_entry_update(entry=entry, by=None, status=LogStatus.CLOSED)
    entry.refresh_from_db()
    assert (entry.status, entry.owner, entry.likelihood) == ("closed", owner, "high")
    assert selectors.open_log(plan) == []

    log_entry_delete(entry=entry, by=None)
    assert not LogEntry.objects.exists()


def test_a_log_entry_needs_a_title_and_known_levels(plan):
    with pytest.raises(InvalidInput) as caught:
        log_entry_create(plan=plan, by=None, kind=LogKind.ISSUE, title=" ", impact="huge")

    assert set(caught.value.errors) == {"title", "impact"}
