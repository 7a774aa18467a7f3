"""The plan pages: dashboard, tasks, team, project log, "my tasks" and the exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from readings.core.exceptions import Forbidden, InvalidInput
from readings.readiness import checks, production, selectors, services
from readings.readiness.access import (
    PlanAccess,
    access_log_entry_by_id,
    access_plan,
    access_task_by_id,
    access_team_member_by_id,
    plan_access,
)
from readings.readiness.calendar import plan_calendar
from readings.readiness.csv_export import plan_csv
from readings.readiness.forms import (
    GoLiveForm,
    LogEntryForm,
    TaskForm,
    TaskProgressForm,
    TeamMemberForm,
)
from readings.readiness.models import TaskStatus, TeamRole


def _require_manage(access: PlanAccess) -> None:
    if not access.manage:
        raise Forbidden(
            _("Only administrators, the sponsor and the project manager change the plan.")
        )


def _add_errors(form, exc: InvalidInput) -> None:
    for name, problems in exc.errors.items():
        form.add_error(name if name in form.fields else None, problems)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    if access.plan is None:
        return render(
            request,
            "readiness/start.html",
            {"access": access, "form": GoLiveForm() if access.manage else None},
        )
    return _render_dashboard(
        request, access, GoLiveForm(initial={"go_live_date": access.plan.go_live_date})
    )


def _render_dashboard(request, access: PlanAccess, go_live_form, status: int = 200) -> HttpResponse:
    plan = access.plan
    today = services.institution_today(access.institution)
    tasks = selectors.plan_tasks(plan)
    check_results = checks.run_checks(access.institution)
    phases = selectors.plan_phases(plan, tasks)
    context = {
        "access": access,
        "plan": plan,
        "today": today,
        "days_to_go_live": (plan.go_live_date - today).days,
        "days_live": (today - plan.go_live_date).days,
        "warnings": services.plan_warnings(plan),
        "phases": phases,
        "current_phase": selectors.current_phase(phases, today),
        "blockers": selectors.blockers(tasks, check_results, today),
        "timeline": selectors.timeline(phases, tasks, today, plan.go_live_date),
        "checks": check_results,
        "production": production.production_stats(access.institution),
        "go_live_form": go_live_form,
        "statuses": TaskStatus.choices,
        "overdue_ids": {t.pk for t in tasks if selectors.is_overdue(t, today)},
    }
    return render(request, "readiness/dashboard.html", context, status=status)


@require_POST
@login_required
def plan_set_go_live(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    _require_manage(access)
    form = GoLiveForm(request.POST)
    if form.is_valid():
        try:
            outcome = services.plan_create_or_redate(
                institution=access.institution,
                go_live_date=form.cleaned_data["go_live_date"],
                by=request.user,
                reset_fixed_dates=form.cleaned_data["reset_fixed_dates"],
            )
        except InvalidInput as exc:
            _add_errors(form, exc)
        else:
            if outcome.created:
                messages.success(request, _("The plan is laid out from the go-live date."))
            else:
                messages.success(
                    request,
                    _(
                        "The plan is re-dated: %(moved)s tasks moved, "
                        "%(kept)s dates set by hand kept."
                    )
                    % {"moved": outcome.moved, "kept": outcome.kept_fixed},
                )
            return redirect("readiness:dashboard")
    if access.plan is None:
        return render(request, "readiness/start.html", {"access": access, "form": form}, status=400)
    return _render_dashboard(request, access, form, status=400)


@never_cache
@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task, access = access_task_by_id(request.user, task_id)
    if request.method == "POST" and not access.edit_task(task):
        raise Forbidden(_("You may update only the tasks of your role."))
    full = access.manage
    form_class = TaskForm if full else TaskProgressForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.task_update(task=task, by=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Task saved."))
                return redirect(_next_page(request))
        status = 400
    else:
        form = form_class(initial={name: getattr(task, name) for name in form_class.base_fields})
        status = 200
    context = {
        "task": task,
        "access": access,
        "form": form,
        "can_edit": access.edit_task(task),
        "changes": task.changes.select_related("changed_by")[:50],
    }
    return render(request, "readiness/task_edit.html", context, status=status)


@require_POST
@login_required
def task_set_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """The status select on the dashboard and "my tasks"; fetch gets JSON back."""
    task, access = access_task_by_id(request.user, task_id)
    if not access.edit_task(task):
        raise Forbidden(_("You may update only the tasks of your role."))
    services.task_update(task=task, by=request.user, status=request.POST.get("status", ""))
    task.refresh_from_db()
    if _wants_json(request):
        return JsonResponse(
            {
                "id": task.pk,
                "status": task.status,
                "message": _("%(task)s: %(status)s.")
                % {"task": task.title, "status": task.get_status_display()},
            }
        )
    messages.success(request, _("Task saved."))
    return redirect(_next_page(request))


@never_cache
@login_required
def task_add(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    _require_manage(access)
    if request.method == "POST":
        form = TaskForm(request.POST)
        if form.is_valid():
            try:
                services.task_create(plan=access.plan, by=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Task added."))
                return redirect("readiness:dashboard")
        return render(request, "readiness/task_add.html", {"form": form}, status=400)
    return render(
        request, "readiness/task_add.html", {"form": TaskForm(initial={"status": TaskStatus.TODO})}
    )


@never_cache
@login_required
def team_page(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    form = TeamMemberForm(institution=access.institution)
    status = 200
    if request.method == "POST":
        _require_manage(access)
        form = TeamMemberForm(request.POST, institution=access.institution)
        if form.is_valid():
            try:
                services.team_member_add(plan=access.plan, by=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Team member added."))
                return redirect("readiness:team")
        status = 400
    context = {"access": access, "team": selectors.team(access.plan), "form": form}
    return render(request, "readiness/team.html", context, status=status)


@require_POST
@login_required
def team_member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member, access = access_team_member_by_id(request.user, member_id)
    _require_manage(access)
    services.team_member_remove(member=member, by=request.user)
    messages.success(request, _("Team member removed."))
    return redirect("readiness:team")


@never_cache
@require_safe
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    today = services.institution_today(access.institution)
    tasks = selectors.my_tasks(access.plan, access.roles)
    context = {
        "access": access,
        "tasks": tasks,
        "role_labels": [TeamRole(role).label for role in sorted(access.roles)],
        "today": today,
        "statuses": TaskStatus.choices,
        "overdue_ids": {t.pk for t in tasks if selectors.is_overdue(t, today)},
    }
    return render(request, "readiness/my_tasks.html", context)


@never_cache
@login_required
def log_page(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    form = LogEntryForm(institution=access.institution)
    status = 200
    if request.method == "POST":
        _require_manage(access)
        form = LogEntryForm(request.POST, institution=access.institution)
        if form.is_valid():
            try:
                services.log_entry_create(plan=access.plan, by=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Log entry added."))
                return redirect("readiness:log")
        status = 400
    entries = access.plan.log.select_related("owner")
    context = {"access": access, "entries": entries, "form": form}
    return render(request, "readiness/log.html", context, status=status)


@never_cache
@login_required
def log_entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, access = access_log_entry_by_id(request.user, entry_id)
    fields = list(LogEntryForm.base_fields)
    form = LogEntryForm(
        initial={name: getattr(entry, name) for name in fields}, institution=access.institution
    )
    status = 200
    if request.method == "POST":
        _require_manage(access)
        form = LogEntryForm(request.POST, institution=access.institution)
        if form.is_valid():
            try:
                services.log_entry_update(entry=entry, by=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Log entry saved."))
                return redirect("readiness:log")
        status = 400
    return render(
        request,
        "readiness/log_edit.html",
        {"access": access, "entry": entry, "form": form},
        status=status,
    )


@require_POST
@login_required
def log_entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, access = access_log_entry_by_id(request.user, entry_id)
    _require_manage(access)
    services.log_entry_delete(entry=entry, by=request.user)
    messages.success(request, _("Log entry deleted."))
    return redirect("readiness:log")


@require_safe
@login_required
def plan_ics(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    body = plan_calendar(
        access.plan,
        selectors.plan_tasks(access.plan),
        host=request.get_host().split(":")[0] or "readings",
        now=timezone.now(),
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{access.institution.code}.ics"'
    return response


@require_safe
@login_required
def plan_csv_download(request: HttpRequest) -> HttpResponse:
    access = access_plan(request.user)
    body = plan_csv(selectors.plan_tasks(access.plan))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{access.institution.code}.csv"'
    return response


def _next_page(request: HttpRequest) -> str:
    mine = request.POST.get("next_page") == "mine"
    return "readiness:my_tasks" if mine else "readiness:dashboard"
