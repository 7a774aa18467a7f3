"""The plan's dates: from the go-live date, at term starts, across a year end, short runways."""

from __future__ import annotations

import datetime

import pytest

from readings.core.exceptions import InvalidInput
from readings.institutions.services import term_create
from readings.readiness import methodology, selectors
from readings.readiness.models import Phase, Task, TaskChange, TaskStatus
from readings.readiness.services import plan_create_or_redate, plan_warnings, task_update

D = datetime.date


def _due(plan, key: str) -> datetime.date:
    return plan.tasks.get(key=key).due_date


def test_every_methodology_task_is_laid_out_with_its_side_role_and_check(institution):
    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=None, today=D(2027, 3, 1)
    )

    tasks = {t.key: t for t in outcome.plan.tasks.all()}
    assert set(tasks) == {spec.key for spec in methodology.TASKS}
    assert tasks["kickoff"].due_date == D(2027, 9, 6) - datetime.timedelta(weeks=10)
    assert tasks["go_live"].due_date == D(2027, 9, 6)
    assert tasks["go_live"].check_id == "go_live"
    assert tasks["courses_verified"].side == "institution"
    assert tasks["activation"].side == "implementation"
    assert tasks["kickoff"].side == "both"
    assert tasks["instructor_launch"].responsible_role == "instructor"
    assert {t.check_id for t in tasks.values()} - {""} == {
        "production_settings", "domain", "authentication", "lms_registered",
        "instructor_launch", "student_launch", "discovery_search", "courses_loaded",
        "courses_verified", "lists_ready", "lists_reviewed", "go_live",
    }  # fmt: skip
    assert all(t.status == TaskStatus.TODO for t in tasks.values())
    assert not outcome.short_runway


def test_a_go_live_at_a_term_start_is_linked_to_that_term_without_warning(institution):
    term = term_create(
        institution=institution, code="AUT27", name="Autumn 2027",
        start_date=D(2027, 9, 6), end_date=D(2027, 12, 17),
    )  # fmt: skip

    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=None, today=D(2027, 3, 1)
    )

    assert outcome.plan.go_live_term == term
    assert outcome.warnings == []


def test_a_go_live_off_a_term_start_is_flagged(institution):
    term_create(
        institution=institution, code="AUT27", name="Autumn 2027",
        start_date=D(2027, 9, 6), end_date=D(2027, 12, 17),
    )  # fmt: skip

    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 15), by=None, today=D(2027, 3, 1)
    )

    assert any("not the first day of a term" in w for w in outcome.warnings)


def test_dates_run_across_the_year_end_for_a_january_go_live(institution):
    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 1, 11), by=None, today=D(2026, 9, 1)
    )
    plan = outcome.plan

    assert _due(plan, "kickoff") == D(2026, 11, 2)
    assert _due(plan, "production_loads") == D(2027, 1, 4)
    assert _due(plan, "switch_to_support") == D(2027, 2, 8)
    phases = {row.phase: row for row in selectors.plan_phases(plan, plan.tasks.all())}
    assert phases[Phase.DEFINE].start == D(2026, 11, 2)
    assert phases[Phase.BUILD].end == D(2027, 1, 10)
    assert phases[Phase.GO_LIVE].start == phases[Phase.GO_LIVE].end == D(2027, 1, 11)
    assert phases[Phase.DEPLOY].start == D(2027, 1, 12)
    dates = [t.due_date for t in plan.tasks.order_by("position")]
    assert dates == sorted(dates)


def test_a_six_week_runway_says_so_and_schedules_nothing_in_the_past(institution):
    today = D(2026, 11, 30)
    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 1, 11), by=None, today=today
    )

    assert outcome.short_runway
    assert any("Short runway: 6 weeks" in w for w in outcome.warnings)
    assert any("Short runway" in w for w in plan_warnings(outcome.plan))
    dates = [t.due_date for t in outcome.plan.tasks.order_by("position")]
    assert min(dates) == today
    assert all(today <= d for d in dates)
    assert dates == sorted(dates)
    assert _due(outcome.plan, "go_live") == D(2027, 1, 11)
    phases = selectors.plan_phases(outcome.plan, [])
    assert all(row.start >= today for row in phases)


def test_the_short_runway_warning_stays_as_the_weeks_pass(institution):
    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 1, 11), by=None, today=D(2026, 11, 30)
    )
    outcome.plan.refresh_from_db()

    assert any("Short runway" in w for w in plan_warnings(outcome.plan))


def test_a_full_runway_is_not_short(institution):
    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 1, 11), by=None, today=D(2026, 11, 2)
    )

    assert not outcome.short_runway
    assert not any("Short runway" in w for w in outcome.warnings)


def test_a_go_live_date_in_the_past_is_refused(institution):
    with pytest.raises(InvalidInput) as caught:
        plan_create_or_redate(
            institution=institution, go_live_date=D(2026, 1, 5), by=None, today=D(2026, 2, 1)
        )
    assert "go_live_date" in caught.value.errors


def test_re_dating_keeps_statuses_notes_and_dates_fixed_by_hand(institution, make_user):
    pm = make_user("pm", roles=["administrator"])
    plan = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=pm, today=D(2027, 3, 1)
    ).plan
    kickoff = plan.tasks.get(key="kickoff")
    task_update(task=kickoff, by=pm, status=TaskStatus.DONE, notes="Held on Teams")
    training = plan.tasks.get(key="training")
    task_update(task=training, by=pm, due_date=D(2027, 8, 2))

    outcome = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 13), by=pm, today=D(2027, 3, 1)
    )

    assert not outcome.created
    assert outcome.kept_fixed == 1
    kickoff.refresh_from_db()
    training.refresh_from_db()
    assert (kickoff.status, kickoff.notes) == (TaskStatus.DONE, "Held on Teams")
    assert kickoff.due_date == D(2027, 7, 5)
    assert training.due_date == D(2027, 8, 2)
    moved = TaskChange.objects.filter(task=kickoff, field="due_date").get()
    assert (moved.old_value, moved.new_value, moved.changed_by) == ("2027-06-28", "2027-07-05", pm)
    assert Task.objects.filter(plan=plan).count() == len(methodology.TASKS)


def test_re_dating_can_also_move_the_dates_fixed_by_hand(institution):
    plan = plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 6), by=None, today=D(2027, 3, 1)
    ).plan
    training = plan.tasks.get(key="training")
    task_update(task=training, by=None, due_date=D(2027, 8, 2))

    plan_create_or_redate(
        institution=institution, go_live_date=D(2027, 9, 13), by=None,
        today=D(2027, 3, 1), reset_fixed_dates=True,
    )  # fmt: skip

    training.refresh_from_db()
    assert training.due_date == D(2027, 8, 30)
    assert not training.due_date_fixed
