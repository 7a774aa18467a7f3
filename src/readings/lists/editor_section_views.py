"""The list editor's section views: add, settings, move and delete."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from readings.citations.forms import add_service_errors
from readings.core.exceptions import Conflict, InvalidInput
from readings.institutions.selectors import institution_today
from readings.lists import services as list_services
from readings.lists.editor_conflict_views import explains_stale_posts
from readings.lists.editor_forms import SectionEditorForm
from readings.lists.editor_selectors import section_citation_count
from readings.lists.editor_views import (
    as_int,
    citations_base,
    current_version,
    done,
    editable_list,
    invalid_form,
    posted_version,
    section_of,
    wants_json,
)
from readings.lists.models import ReadingList, Section
from readings.lists.selectors import SectionView
from readings.lists.visibility import section_hidden_reasons


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Add a section"))
def section_add(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    form = SectionEditorForm(request.POST, prefix="new")
    if not form.is_valid():
        raise invalid_form(form)
    section = list_services.section_create(
        reading_list=reading_list, expected_version=posted_version(request), **form.cleaned_data
    )
    extra = {}
    if wants_json(request):
        view = SectionView(section, [], section_hidden_reasons(section, today=_today(reading_list)))
        view.items_html = ""
        extra = {
            "id": section.pk,
            "name": section.name,
            "section_html": render_to_string(
                "lists/_editor_section.html",
                {"sv": view, "list": reading_list, "cbase": citations_base(reading_list)},
                request=request,
            ),
        }
    return done(
        request,
        reading_list,
        _("Section “%(name)s” added.") % {"name": section.name},
        anchor=f"s{section.pk}",
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_settings(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    section = section_of(reading_list, section_id)
    conflict = ""
    if request.method == "POST":
        form = SectionEditorForm(request.POST)
        version = posted_version(request)
        if form.is_valid():
            try:
                list_services.section_update(
                    section_id=section.pk, expected_version=version, **form.cleaned_data
                )
            except InvalidInput as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                if wants_json(request):
                    raise
                conflict = exc.message
            else:
                return done(
                    request,
                    reading_list,
                    _("Section “%(name)s” saved.") % {"name": form.cleaned_data["name"]},
                    anchor=f"s{section.pk}",
                )
        if wants_json(request) and form.errors:
            raise invalid_form(form)
    else:
        form = SectionEditorForm(
            initial={
                "name": section.name,
                "description": section.description,
                "start_date": section.start_date,
                "end_date": section.end_date,
            }
        )
    context = {
        "list": reading_list,
        "section": section,
        "form": form,
        "conflict": conflict,
        "version": current_version(reading_list) if not conflict else reading_list.version,
        "citation_count": section_citation_count(section),
    }
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "lists/_editor_section_settings.html", context, status=status)


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Move a section"))
def section_move(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    section = section_of(reading_list, section_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        position = section.position + (-1 if direction == "up" else 1)
    else:
        position = as_int(request.POST.get("position"))
    if position < 0:
        position = 0
    moved = list_services.section_move(
        section_id=section.pk, position=position, expected_version=posted_version(request)
    )
    order = list(
        Section.objects.filter(reading_list=reading_list)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    return done(
        request,
        reading_list,
        _("Section “%(name)s” is now number %(n)s of %(total)s.")
        % {"name": moved.name, "n": moved.position + 1, "total": len(order)},
        anchor=f"s{section.pk}",
        sections=order,
    )


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Delete this section"))
def section_delete(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    section = section_of(reading_list, section_id)
    if request.POST.get("confirm") != "yes":
        raise InvalidInput({"confirm": [_("Tick the box to confirm the deletion.")]})
    count = section_citation_count(section)
    list_services.section_delete(section_id=section.pk, expected_version=posted_version(request))
    message = ngettext(
        "Section “%(name)s” and its %(n)s citation were deleted.",
        "Section “%(name)s” and its %(n)s citations were deleted.",
        count,
    ) % {"name": section.name, "n": count}
    return done(request, reading_list, message, removed_section=section.pk)


def _today(reading_list: ReadingList) -> date:
    return institution_today(reading_list.institution)
