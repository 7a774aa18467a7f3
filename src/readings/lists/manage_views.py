"""Pages for running a list: create, settings, syllabus, publishing, deletion.

Every write names the list version the form was shown with; a stale one is
refused with the conflict page (and a link to reload) rather than applied.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from readings.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from readings.courses.access import access_course_by_id
from readings.courses.models import Course
from readings.lists import syllabus as syllabus_files
from readings.lists.access import (
    access_list_by_id,
    can_create_list_for_course,
    can_create_lists,
    courses_for_new_list,
    may_link_any_course,
)
from readings.lists.forms import (
    ListCreateForm,
    ListSettingsForm,
    PublicationForm,
    StartFrom,
    VersionForm,
)
from readings.lists.models import PublicationStatus, ReadingList
from readings.lists.selectors import list_summary, my_editable_lists, template_lists
from readings.lists.services import (
    list_change_settings,
    list_create,
    list_create_from,
    list_delete,
    list_send_to_library,
    list_set_publication,
)
from readings.lists.visibility import list_audience_note, list_hidden_reasons


def conflict_response(
    request: HttpRequest, reading_list: ReadingList, exc: Conflict, *, retry_url: str
) -> HttpResponse:
    """The stale-version answer: what happened and a link to the current state."""
    if _wants_json(request):
        raise exc
    context = {"list": reading_list, "message": exc.message, "retry_url": retry_url}
    return render(request, "lists/conflict.html", context, status=409)


def _apply_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@login_required
def list_new(request: HttpRequest) -> HttpResponse:
    course = _course_for_new_list(request)
    if not can_create_lists(request.user):
        raise Forbidden(_("Only instructors and library staff create reading lists."))
    courses = courses_for_new_list(request.user)
    if course is not None:
        courses = (courses | Course.objects.filter(pk=course.pk)).distinct()
    form = ListCreateForm(
        request.POST or None,
        sources=my_editable_lists(user=request.user),
        templates=template_lists(user=request.user),
        courses=courses,
        institution_id=request.user.institution_id,
        by_code=may_link_any_course(request.user),
        initial={"courses": [course.pk]} if course else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            reading_list = _create(request, form.cleaned_data)
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("List created. It is a draft until you publish it."))
            return redirect("lists:detail", reading_list.pk)
    return render(request, "lists/new.html", {"form": form, "course": course})


def _course_for_new_list(request: HttpRequest) -> Course | None:
    raw = request.GET.get("course", "")
    if not raw.isdigit():
        return None
    course = access_course_by_id(request.user, int(raw))
    if not can_create_list_for_course(request.user, course):
        raise Forbidden(_("Only the course's instructors and library staff add lists to it."))
    return course


def _create(request: HttpRequest, data: dict) -> ReadingList:
    start = data["start"]
    if start == StartFrom.SCRATCH:
        return list_create(
            institution=request.user.institution,
            name=data["name"],
            acting_user=request.user,
            courses=data["courses"],
            description=data["description"],
            subject=data["subject"],
        )
    source = data["source"] if start == StartFrom.DUPLICATE else data["template"]
    return list_create_from(
        source=source, acting_user=request.user, name=data["name"], courses=data["courses"]
    )


@login_required
def list_settings(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_edit=True)
    linked = list(reading_list.courses.values_list("pk", flat=True))
    courses = (courses_for_new_list(request.user) | Course.objects.filter(pk__in=linked)).distinct()
    initial = {
        "version": reading_list.version,
        "name": reading_list.name,
        "description": reading_list.description,
        "subject": reading_list.subject,
        "due_back_date": reading_list.due_back_date,
        "courses": linked,
        "visibility": reading_list.visibility,
        "is_template": reading_list.is_template,
    }
    form = ListSettingsForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        courses=courses,
        manage=access.manage,
        has_syllabus=bool(reading_list.syllabus),
        institution_id=reading_list.institution_id,
        by_code=may_link_any_course(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_settings(reading_list, form.cleaned_data)
        except Conflict as exc:
            retry = reverse("lists:settings", args=[reading_list.pk])
            return conflict_response(request, reading_list, exc, retry_url=retry)
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("lists:settings", reading_list.pk)
    context = {
        "form": form,
        "list": reading_list,
        "access": access,
        "summary": list_summary(reading_list=reading_list),
        "hidden": list_hidden_reasons(reading_list, course_count=len(linked)),
        "audience": list_audience_note(reading_list),
        "syllabus_name": _syllabus_name(reading_list),
    }
    return render(request, "lists/settings.html", context)


def _save_settings(reading_list: ReadingList, data: dict) -> None:
    fields = {k: data[k] for k in ("name", "description", "subject", "due_back_date")}
    for optional in ("visibility", "is_template"):
        if optional in data:
            fields[optional] = data[optional]
    list_change_settings(
        list_id=reading_list.pk,
        expected_version=data["version"],
        fields=fields,
        courses=data["courses"],
        syllabus=data.get("syllabus"),
        remove_syllabus=bool(data.get("remove_syllabus")),
    )


def _syllabus_name(reading_list: ReadingList) -> str:
    return syllabus_files.download_name(reading_list.syllabus.name) if reading_list.syllabus else ""


@login_required
def syllabus_download(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id)
    if not reading_list.syllabus:
        raise NotFound(_("This list has no syllabus file."))
    try:
        handle = reading_list.syllabus.open("rb")
    except FileNotFoundError as exc:
        missing = _("The syllabus file is missing; ask the list's owner to upload it again.")
        raise NotFound(missing) from exc
    name = reading_list.syllabus.name
    response = FileResponse(handle, as_attachment=True, filename=syllabus_files.download_name(name))
    response["Content-Type"] = syllabus_files.content_type(name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def list_publication(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_manage=True)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors)
    status = form.cleaned_data["publication_status"]
    try:
        updated = list_set_publication(
            list_id=reading_list.pk,
            publication_status=status,
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as exc:
        return conflict_response(request, reading_list, exc, retry_url=_back(request, reading_list))
    done = {
        PublicationStatus.PUBLISHED: _("List published."),
        PublicationStatus.DRAFT: _("List moved back to draft; students no longer see it."),
        PublicationStatus.ARCHIVED: _("List archived; students no longer see it."),
    }
    return _done(request, reading_list, updated, done[status])


def _done(
    request: HttpRequest, reading_list: ReadingList, updated: ReadingList, message: str
) -> HttpResponse:
    """Redirect a plain form; answer a fetch with the list's new state and version."""
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": message,
                "version": updated.version,
                "publication_status": updated.publication_status,
                "status": updated.status,
                "hidden": list_hidden_reasons(updated),
            }
        )
    messages.success(request, message)
    return redirect(_back(request, reading_list))


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


@login_required
@require_POST
def list_library(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors)
    try:
        updated = list_send_to_library(
            list_id=reading_list.pk, expected_version=form.cleaned_data["version"]
        )
    except Conflict as exc:
        return conflict_response(request, reading_list, exc, retry_url=_back(request, reading_list))
    return _done(request, reading_list, updated, _("List sent to the library for processing."))


def _back(request: HttpRequest, reading_list: ReadingList) -> str:
    """Return to the page the button was on: the settings page or the list itself."""
    if request.POST.get("next") == "settings":
        return reverse("lists:settings", args=[reading_list.pk])
    return reverse("lists:detail", args=[reading_list.pk])


@login_required
def list_delete_page(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_manage=True)
    if request.method == "POST":
        form = VersionForm(request.POST)
        if not form.is_valid():
            raise InvalidInput(form.errors)
        try:
            list_delete(list_id=reading_list.pk, expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            retry = reverse("lists:delete", args=[reading_list.pk])
            return conflict_response(request, reading_list, exc, retry_url=retry)
        gone = _("The list “%(name)s” was deleted.") % {"name": reading_list.name}
        messages.success(request, gone)
        return redirect("courses:home")
    context = {
        "list": reading_list,
        "summary": list_summary(reading_list=reading_list),
        "courses": list(reading_list.courses.order_by("code", "section")),
    }
    return render(request, "lists/delete.html", context)
