"""The demo's implementation plan: go-live at the start of the coming term, a team, a log."""

from __future__ import annotations

import datetime

from readings.accounts.models import User
from readings.institutions.models import Institution, Term
from readings.readiness import services
from readings.readiness.models import Level, LogKind, LogStatus, Plan, TaskStatus, TeamRole

# The preparation is behind the demo institution: its first tasks are done.
DONE_FIRST = 6


def build_readiness_plan(
    institution: Institution, users: dict[str, User], today: datetime.date
) -> Plan:
    upcoming = (
        Term.objects.filter(institution=institution, start_date__gt=today)
        .order_by("start_date")
        .first()
    )
    go_live = upcoming.start_date if upcoming else today + datetime.timedelta(weeks=12)
    admin = users["admin"]
    outcome = services.plan_create_or_redate(
        institution=institution, go_live_date=go_live, by=admin, today=today
    )
    plan = outcome.plan
    for username, role in (
        ("admin", TeamRole.PROJECT_MANAGER),
        ("librarian", TeamRole.LIBRARY),
        ("instructor", TeamRole.INSTRUCTOR),
    ):
        services.team_member_add(plan=plan, user=users[username], role=role, by=admin)
    for task in plan.tasks.order_by("position")[:DONE_FIRST]:
        services.task_update(task=task, by=admin, status=TaskStatus.DONE)
    services.log_entry_create(
        plan=plan,
        by=admin,
        kind=LogKind.RISK,
        title="LMS staff busy with the start of term",
        description="The LMS team has little time for the Readings link in the weeks before term.",
        likelihood=Level.HIGH,
        impact=Level.HIGH,
        owner=admin,
        mitigation="Book the LMS administrator's time for the embedding and the student test now.",
    )
    services.log_entry_create(
        plan=plan,
        by=admin,
        kind=LogKind.ISSUE,
        title="Registrar extract misses cross-listed sections",
        likelihood=Level.MEDIUM,
        impact=Level.MEDIUM,
        owner=users["librarian"],
        mitigation="The registrar adds the searchable ids column to the next extract.",
        status=LogStatus.OPEN,
    )
    return plan
