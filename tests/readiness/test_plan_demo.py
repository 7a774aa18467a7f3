"""The demo's plan: go-live at the start of the coming term, a team, tasks done, a log."""

from __future__ import annotations

import datetime

from readings.demo.readiness import DONE_FIRST, build_readiness_plan
from readings.institutions.services import term_create
from readings.readiness.models import TaskStatus, TeamRole


def test_the_demo_plan_goes_live_at_the_coming_term_with_a_team_and_a_log(institution, make_user):
    today = datetime.date(2026, 11, 29)
    term_create(
        institution=institution, code="AUT", name="Autumn 2026",
        start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    spring = term_create(
        institution=institution, code="SPR", name="Spring 2027",
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 4, 30),
    )  # fmt: skip
    users = {
        "admin": make_user("admin", roles=["administrator"]),
        "librarian": make_user("librarian", roles=["librarian"]),
        "instructor": make_user("instructor", roles=["instructor"]),
    }

    plan = build_readiness_plan(institution, users, today)

    assert (plan.go_live_date, plan.go_live_term) == (spring.start_date, spring)
    roles = {(m.user.username, m.role) for m in plan.team.select_related("user")}
    assert roles == {
        ("admin", TeamRole.PROJECT_MANAGER),
        ("librarian", TeamRole.LIBRARY),
        ("instructor", TeamRole.INSTRUCTOR),
    }
    assert plan.tasks.filter(status=TaskStatus.DONE).count() == DONE_FIRST
    assert plan.log.count() == 2
    assert all(t.due_date >= today for t in plan.tasks.all())
