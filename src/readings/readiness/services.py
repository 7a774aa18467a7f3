"""Writes for the implementation plan: lay it out, re-date it, tasks, team and project log.

Every change to a task is recorded in TaskChange (who, when, old → new), so the
plan keeps the history the guide's shared to-do tool would have kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readings.accounts.models import User
from readings.core.exceptions import InvalidInput
from readings.institutions.models import Institution, Term
from readings.readiness import methodology
from readings.readiness.models import (
    Level,
    LogEntry,
    LogKind,
    LogStatus,
    Phase,
    Plan,
    Side,
    Task,
    TaskChange,
    TaskStatus,
    TeamMember,
    TeamRole,
)

TASK_FIELDS = (
    "title",
    "description",
    "phase",
    "side",
    "responsible_role",
    "due_date",
    "status",
    "notes",
)
# A team member who is not managing the plan may only report on their own tasks.
MEMBER_TASK_FIELDS = ("status", "notes")
LOG_FIELDS = (
    "kind",
    "title",
    "description",
    "likelihood",
    "impact",
    "owner",
    "mitigation",
    "status",
)


@dataclass
class PlanOutcome:
    plan: Plan
    created: bool
    runway_days: int
    short_runway: bool
    moved: int = 0
    kept_fixed: int = 0
    warnings: list[str] = field(default_factory=list)


def institution_today(institution: Institution) -> datetime.date:
    import zoneinfo

    return timezone.now().astimezone(zoneinfo.ZoneInfo(institution.time_zone)).date()


@transaction.atomic
def plan_create_or_redate(
    *,
    institution: Institution,
    go_live_date: datetime.date,
    by: User | None,
    today: datetime.date | None = None,
    reset_fixed_dates: bool = False,
) -> PlanOutcome:
    """Lay the plan out from the go-live date, or move it to a new one.

    Tasks keep their status and notes; a due date someone set by hand stays
    unless ``reset_fixed_dates``. With less runway than the methodology wants,
    the tasks are compressed into the days left and the outcome says so.
    """
    today = today or institution_today(institution)
    if go_live_date < today:
        raise InvalidInput({"go_live_date": [_("The go-live date cannot be in the past.")]})
    runway = (go_live_date - today).days
    plan = Plan.objects.select_for_update().filter(institution=institution).first()
    created = plan is None
    if created:
        plan = Plan(institution=institution)
    plan.go_live_date = go_live_date
    plan.scheduled_on = today
    plan.go_live_term = _term_for(institution, go_live_date)
    plan.save()
    outcome = PlanOutcome(
        plan=plan,
        created=created,
        runway_days=runway,
        short_runway=methodology.is_short_runway(runway),
    )
    existing = {task.key: task for task in plan.tasks.exclude(key="")}
    for position, spec in enumerate(methodology.TASKS):
        due = methodology.due_date(spec, go_live_date, runway)
        task = existing.get(spec.key)
        if task is None:
            Task.objects.create(
                plan=plan,
                key=spec.key,
                phase=spec.phase,
                title=str(spec.title),
                description=str(spec.description),
                side=spec.side,
                responsible_role=spec.role,
                due_date=due,
                check_id=spec.check_id,
                position=position,
                changed_by=by,
            )
            continue
        if task.due_date_fixed and not reset_fixed_dates:
            outcome.kept_fixed += 1
            continue
        if task.due_date != due or task.due_date_fixed:
            _record(task, by, {"due_date": due, "due_date_fixed": False})
            outcome.moved += 1
    outcome.warnings = plan_warnings(plan)
    return outcome


def plan_warnings(plan: Plan) -> list[str]:
    """What the plan must say out loud: a short runway, a go-live off a term start."""
    warnings = []
    if plan.scheduled_on is not None:
        runway = (plan.go_live_date - plan.scheduled_on).days
        if methodology.is_short_runway(runway):
            warnings.append(
                _(
                    "Short runway: %(weeks)s weeks (%(days)s days) from %(scheduled)s to go-live, "
                    "less than the %(wanted)s weeks the methodology plans. The tasks are "
                    "compressed into the time left; none is scheduled in the past, and many "
                    "are due now."
                )
                % {
                    "weeks": runway // 7,
                    "days": runway,
                    "scheduled": plan.scheduled_on.isoformat(),
                    "wanted": methodology.ACTIVE_IMPLEMENTATION_DAYS // 7,
                }
            )
    off_term_start = (
        plan.go_live_term_id is None or plan.go_live_term.start_date != plan.go_live_date
    )
    if off_term_start and Term.objects.filter(institution_id=plan.institution_id).exists():
        warnings.append(
            _(
                "The go-live date is not the first day of a term: going live at a term "
                "start lets instructors and students begin with Readings."
            )
        )
    return warnings


def _term_for(institution: Institution, day: datetime.date) -> Term | None:
    terms = Term.objects.filter(institution=institution)
    starting = terms.filter(start_date=day).first()
    if starting is not None:
        return starting
    return terms.filter(start_date__lte=day, end_date__gte=day).first() or (
        terms.filter(start_date__gt=day).order_by("start_date").first()
    )


def _display(task: Task, name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _record(task: Task, by: User | None, changes: Mapping[str, Any]) -> list[TaskChange]:
    """Apply the changes that differ and keep one TaskChange for each."""
    recorded = []
    for name, new in changes.items():
        old = getattr(task, name)
        if old == new:
            continue
        setattr(task, name, new)
        recorded.append(
            TaskChange(
                task=task,
                changed_by=by,
                field=name,
                old_value=_display(task, name, old),
                new_value=_display(task, name, new),
            )
        )
    if recorded:
        task.changed_by = by
        task.save()
        TaskChange.objects.bulk_create(recorded)
    return recorded


def _clean_task_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    choices = {
        "phase": Phase.values,
        "side": Side.values,
        "responsible_role": TeamRole.values,
        "status": TaskStatus.values,
    }
    cleaned = {}
    for name, value in fields.items():
        if name not in TASK_FIELDS:
            raise InvalidInput({name: [_("This field cannot be changed.")]})
        if name in choices and value not in choices[name]:
            errors[name] = [_("Choose one of the listed values.")]
        elif name == "title":
            value = (value or "").strip()
            if not value:
                errors[name] = [_("A task needs a title.")]
            elif len(value) > 255:
                errors[name] = [_("Keep the title under 255 characters.")]
        elif name == "due_date" and value is not None and not isinstance(value, datetime.date):
            errors[name] = [_("Enter a date.")]
        elif name in ("description", "notes"):
            value = (value or "").strip()
        cleaned[name] = value
    if errors:
        raise InvalidInput(errors)
    return cleaned


@transaction.atomic
def task_create(*, plan: Plan, by: User | None, **fields: Any) -> Task:
    """A task of the institution's own; a date given by hand is never moved by re-dating."""
    cleaned = _clean_task_fields({"status": TaskStatus.TODO, **fields})
    for required in ("title", "phase", "responsible_role"):
        if required not in cleaned:
            raise InvalidInput({required: [_("This field is required.")]})
    last = plan.tasks.order_by("-position").values_list("position", flat=True).first()
    task = Task.objects.create(
        plan=plan,
        position=(last or 0) + 1,
        due_date_fixed=cleaned.get("due_date") is not None,
        changed_by=by,
        **cleaned,
    )
    TaskChange.objects.create(task=task, changed_by=by, field="created", new_value=task.title)
    return task


@transaction.atomic
def task_update(
    *, task: Task, by: User | None, allowed: tuple[str, ...] = TASK_FIELDS, **fields: Any
) -> list[TaskChange]:
    """Change a task; a new due date counts as fixed by hand. Returns what changed."""
    refused = [name for name in fields if name not in allowed]
    if refused:
        raise InvalidInput({name: [_("You may not change this field.")] for name in refused})
    task = Task.objects.select_for_update().get(pk=task.pk)
    cleaned = _clean_task_fields(fields)
    if "due_date" in cleaned and cleaned["due_date"] != task.due_date:
        cleaned["due_date_fixed"] = cleaned["due_date"] is not None
    return _record(task, by, cleaned)


@transaction.atomic
def team_member_add(*, plan: Plan, user: User, role: str, by: User | None) -> TeamMember:
    if user.institution_id != plan.institution_id:
        raise InvalidInput({"user": [_("Choose a person of this institution.")]})
    if role not in TeamRole.values:
        raise InvalidInput({"role": [_("Choose one of the listed roles.")]})
    member, _created = TeamMember.objects.get_or_create(plan=plan, user=user, role=role)
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by: User | None) -> None:
    member.delete()


def _clean_log_fields(plan: Plan, fields: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    choices = {
        "kind": LogKind.values,
        "likelihood": Level.values,
        "impact": Level.values,
        "status": LogStatus.values,
    }
    cleaned = {}
    for name, value in fields.items():
        if name not in LOG_FIELDS:
            raise InvalidInput({name: [_("This field cannot be changed.")]})
        if name in choices and value not in choices[name]:
            errors[name] = [_("Choose one of the listed values.")]
        elif name == "title":
            value = (value or "").strip()
            if not value:
                errors[name] = [_("An entry needs a title.")]
        elif name == "owner" and value is not None and value.institution_id != plan.institution_id:
            errors[name] = [_("Choose a person of this institution.")]
        elif name in ("description", "mitigation"):
            value = (value or "").strip()
        cleaned[name] = value
    if errors:
        raise InvalidInput(errors)
    return cleaned


@transaction.atomic
def log_entry_create(*, plan: Plan, by: User | None, **fields: Any) -> LogEntry:
    cleaned = _clean_log_fields(plan, fields)
    for required in ("kind", "title"):
        if required not in cleaned:
            raise InvalidInput({required: [_("This field is required.")]})
    return LogEntry.objects.create(plan=plan, **cleaned)


@transaction.atomic
def log_entry_update(*, entry: LogEntry, by: User | None, **fields: Any) -> LogEntry:
    cleaned = _clean_log_fields(entry.plan, fields)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.save()
    return entry


@transaction.atomic
def log_entry_delete(*, entry: LogEntry, by: User | None) -> None:
    entry.delete()
