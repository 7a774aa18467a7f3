"""Who may see and change the implementation plan.

Administrators of the institution and the plan's team see it; administrators,
the sponsor and the project manager change the plan and its team; other team
members update the status and notes of their own tasks. Everyone else gets
"not found", so nothing tells them a plan exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext

from readings.accounts.models import User
from readings.core.exceptions import NotFound
from readings.institutions.models import Institution
from readings.readiness.models import LogEntry, Plan, Task, TeamMember, TeamRole

MANAGING_ROLES = frozenset({TeamRole.SPONSOR, TeamRole.PROJECT_MANAGER})


@dataclass(frozen=True)
class PlanAccess:
    institution: Institution
    plan: Plan | None
    roles: frozenset[str]
    is_admin: bool

    @property
    def view(self) -> bool:
        return self.is_admin or bool(self.roles)

    @property
    def manage(self) -> bool:
        return self.is_admin or bool(self.roles & MANAGING_ROLES)

    def own_task(self, task: Task) -> bool:
        return task.responsible_role in self.roles

    def edit_task(self, task: Task) -> bool:
        return self.manage or self.own_task(task)


def plan_access(user: User | AnonymousUser) -> PlanAccess:
    """The user's access to their institution's plan; NotFound when they may not see it."""
    if not (user.is_authenticated and user.institution_id):
        raise NotFound(gettext("No such page."))
    institution = user.institution
    plan = Plan.objects.filter(institution=institution).first()
    roles: frozenset[str] = frozenset()
    if plan is not None:
        roles = frozenset(
            TeamMember.objects.filter(plan=plan, user=user).values_list("role", flat=True)
        )
    access = PlanAccess(
        institution=institution, plan=plan, roles=roles, is_admin=user.is_administrator
    )
    if not access.view:
        raise NotFound(gettext("No such page."))
    return access


def access_plan(user: User | AnonymousUser) -> PlanAccess:
    """As plan_access, but the plan must exist."""
    access = plan_access(user)
    if access.plan is None:
        raise NotFound(gettext("No plan yet."))
    return access


def access_task_by_id(user: User | AnonymousUser, task_id: int) -> tuple[Task, PlanAccess]:
    access = access_plan(user)
    task = Task.objects.filter(pk=task_id, plan=access.plan).first()
    if task is None:
        raise NotFound(gettext("No such task."))
    return task, access


def access_log_entry_by_id(
    user: User | AnonymousUser, entry_id: int
) -> tuple[LogEntry, PlanAccess]:
    access = access_plan(user)
    entry = LogEntry.objects.select_related("plan").filter(pk=entry_id, plan=access.plan).first()
    if entry is None:
        raise NotFound(gettext("No such entry."))
    return entry, access


def access_team_member_by_id(
    user: User | AnonymousUser, member_id: int
) -> tuple[TeamMember, PlanAccess]:
    access = access_plan(user)
    member = TeamMember.objects.filter(pk=member_id, plan=access.plan).first()
    if member is None:
        raise NotFound(gettext("No such team member."))
    return member, access
