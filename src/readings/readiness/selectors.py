"""Reads for the plan: the dashboard's figures, the timeline's geometry, "my tasks"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from readings.readiness import methodology
from readings.readiness.models import (
    CheckStatus,
    LogEntry,
    LogStatus,
    Phase,
    Plan,
    Task,
    TaskStatus,
    TeamMember,
)

FINISHED = frozenset({TaskStatus.DONE, TaskStatus.NOT_APPLICABLE})


@dataclass
class PhaseRow:
    phase: str
    label: str
    start: datetime.date
    end: datetime.date  # inclusive
    tasks: list[Task] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return sum(1 for task in self.tasks if task.status in FINISHED)

    @property
    def percent(self) -> int:
        return round(100 * self.finished / len(self.tasks)) if self.tasks else 0


def runway_days(plan: Plan) -> int:
    scheduled = plan.scheduled_on or plan.created_at.date()
    return (plan.go_live_date - scheduled).days


def plan_phases(plan: Plan, tasks: Iterable[Task]) -> list[PhaseRow]:
    """The phases with their dates (compressed like the tasks on a short runway)."""
    runway = runway_days(plan)
    labels = dict(Phase.choices)
    rows = []
    for spec in methodology.PHASES:
        start = plan.go_live_date + datetime.timedelta(
            days=methodology.scheduled_offset(spec.start, runway)
        )
        end = plan.go_live_date + datetime.timedelta(
            days=methodology.scheduled_offset(spec.end, runway) - 1
        )
        rows.append(PhaseRow(spec.phase, labels[spec.phase], start, max(start, end)))
    by_phase = {row.phase: row for row in rows}
    for task in tasks:
        by_phase[task.phase].tasks.append(task)
    return rows


def current_phase(phases: Sequence[PhaseRow], today: datetime.date) -> PhaseRow:
    for row in phases:
        if row.start <= today <= row.end:
            return row
    return phases[0] if today < phases[0].start else phases[-1]


def is_overdue(task: Task, today: datetime.date) -> bool:
    return task.due_date is not None and task.due_date < today and task.status not in FINISHED


def blockers(tasks: Iterable[Task], checks: Iterable, today: datetime.date) -> dict:
    """What stands between today and go-live: failing required checks, late or blocked tasks."""
    failing = [c for c in checks if c.required and c.status == CheckStatus.FAIL]
    overdue = [t for t in tasks if is_overdue(t, today)]
    blocked = [t for t in tasks if t.status == TaskStatus.BLOCKED]
    return {
        "checks": failing,
        "overdue": overdue,
        "blocked": blocked,
        "count": len(failing) + len(overdue) + len(blocked),
    }


def plan_tasks(plan: Plan) -> list[Task]:
    return list(plan.tasks.select_related("changed_by").order_by("due_date", "position", "pk"))


def my_tasks(plan: Plan, roles: Iterable[str]) -> list[Task]:
    return list(
        plan.tasks.filter(responsible_role__in=list(roles)).order_by("due_date", "position", "pk")
    )


def team(plan: Plan) -> list[TeamMember]:
    return list(plan.team.select_related("user").order_by("role", "user__last_name", "pk"))


def open_log(plan: Plan) -> list[LogEntry]:
    return list(plan.log.exclude(status=LogStatus.CLOSED).select_related("owner"))


# The timeline: a Gantt strip of the phases, milestones as diamonds, a line for today.
SVG_WIDTH = 760
LABEL_WIDTH = 210
ROW_HEIGHT = 30
TOP = 28


@dataclass
class Timeline:
    width: int
    height: int
    bars: list[dict]
    milestones: list[dict]
    ticks: list[dict]
    today_x: float | None
    go_live_x: float
    milestone_y: float


def timeline(
    phases: Sequence[PhaseRow], tasks: Iterable[Task], today: datetime.date, go_live: datetime.date
) -> Timeline:
    first = min(phases[0].start, today)
    last = phases[-1].end
    span = max((last - first).days + 1, 1)
    chart = SVG_WIDTH - LABEL_WIDTH - 10

    def x(day: datetime.date) -> float:
        return round(LABEL_WIDTH + chart * (day - first).days / span, 1)

    bars = []
    for index, row in enumerate(phases):
        left = x(row.start)
        right = x(row.end + datetime.timedelta(days=1))
        bars.append(
            {
                "label": row.label,
                "phase": row.phase,
                "x": left,
                "y": TOP + index * ROW_HEIGHT,
                "width": max(round(right - left, 1), 3),
                "text_y": TOP + index * ROW_HEIGHT + 19,
                "start": row.start,
                "end": row.end,
                "percent": row.percent,
            }
        )
    milestone_y = TOP + len(phases) * ROW_HEIGHT + 14
    milestones = []
    for task in tasks:
        spec = methodology.TASKS_BY_KEY.get(task.key)
        if spec is None or not spec.milestone or task.due_date is None:
            continue
        cx = x(task.due_date)
        milestones.append(
            {
                "title": task.title,
                "date": task.due_date,
                "done": task.status in FINISHED,
                "points": f"{cx},{milestone_y - 7} {cx + 7},{milestone_y} "
                f"{cx},{milestone_y + 7} {cx - 7},{milestone_y}",
            }
        )
    ticks = []
    month = datetime.date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            ticks.append({"x": x(month), "date": month})
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Timeline(
        width=SVG_WIDTH,
        height=milestone_y + 20,
        bars=bars,
        milestones=milestones,
        ticks=ticks,
        today_x=x(today) if first <= today <= last else None,
        go_live_x=x(go_live),
        milestone_y=milestone_y,
    )
