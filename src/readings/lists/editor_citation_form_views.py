"""The list editor's citation forms: add (with an identifier look-up) and edit.

A refused save keeps the input on the form; after a stale-version refusal the
edit form also shows what someone else saved meanwhile, field by field.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from readings.citations import services as citation_services
from readings.citations.forms import CitationEditorForm, add_service_errors, fields_for_kind
from readings.citations.models import Citation, CitationKind
from readings.citations.names import format_names
from readings.core.exceptions import Conflict, InvalidInput
from readings.lists.editor_selectors import other_editable_lists
from readings.lists.editor_views import (
    citation_of,
    current_version,
    done,
    editable_list,
    invalid_form,
    item_html_for,
    posted_version,
    section_of,
    wants_json,
)
from readings.lists.models import ReadingList, Section, Tag


def _tags_queryset(reading_list: ReadingList) -> QuerySet[Tag]:
    return Tag.objects.filter(institution_id=reading_list.institution_id)


def _lookup(form_data: dict[str, Any], identifier: str) -> tuple[dict[str, Any], str]:
    """Fill the add form from an identifier; returns the new initial values and any problem."""
    try:
        from readings.citations.resolvers import resolve_identifier
    except ImportError:
        return form_data, _("Looking up identifiers is not available yet; fill in the form.")
    try:
        fields = resolve_identifier(identifier)
    except InvalidInput as exc:
        return form_data, " ".join(m for ms in exc.errors.values() for m in ms)
    filled = dict(form_data)
    for name, value in fields.items():
        if name in ("authors", "editors") and isinstance(value, list):
            value = format_names(value)
        if name in CitationEditorForm.base_fields and value not in (None, "", []):
            filled[name] = value
    return filled, ""


@login_required
@require_http_methods(["GET", "POST"])
def citation_add(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("section"):
        raise InvalidInput({"section": [_("Choose the section to add the citation to.")]})
    section = section_of(reading_list, source.get("section"))
    tags = _tags_queryset(reading_list)
    token = source.get("form_token") or secrets.token_urlsafe(16)
    problem = lookup_problem = ""
    if request.method == "POST" and "lookup" in request.POST:
        data = {k: request.POST.get(k) for k in CitationEditorForm.base_fields}
        data["tags"] = request.POST.getlist("tags")
        initial, lookup_problem = _lookup(data, request.POST.get("identifier", ""))
        form = CitationEditorForm(tags=tags, initial=initial)
    elif request.method == "POST" and "retype" not in request.POST:
        form = CitationEditorForm(request.POST, tags=tags)
        version = posted_version(request)
        if form.is_valid():
            try:
                citation, created = citation_services.citation_add(
                    section=section,
                    fields=form.saved_fields,
                    tags=form.cleaned_data["tags"],
                    read_by_week=form.cleaned_data["read_by_week"],
                    form_token=token,
                    expected_version=version,
                )
            except (InvalidInput, Conflict) as exc:
                problem = _kept_on_form(request, form, exc)
            else:
                return done(
                    request,
                    reading_list,
                    _("Added “%(title)s”.") % {"title": citation.title[:80]}
                    if created
                    else _("“%(title)s” was already added.") % {"title": citation.title[:80]},
                    anchor=f"c{citation.pk}",
                    id=citation.pk,
                    section=section.pk,
                    created=created,
                    item=item_html_for(request, citation, reading_list),
                )
        elif wants_json(request):
            raise invalid_form(form)
    elif request.method == "POST":
        form = CitationEditorForm(request.POST, tags=tags)
        form.errors.clear()  # choosing another type is not a submission
    else:
        kind = request.GET.get("type") or CitationKind.BOOK
        form = CitationEditorForm(tags=tags, initial={"secondary_type": kind})
    context = {
        "list": reading_list,
        "section": section,
        "form": form,
        "form_token": token,
        "problem": problem,
        # After a refusal the form carries the current version, so saving again here applies.
        "version": current_version(reading_list)
        if problem
        else source.get("version") or reading_list.version,
        "identifier": request.POST.get("identifier", ""),
        "lookup_problem": lookup_problem,
        "adding": True,
    }
    status = 409 if problem else 200
    return render(request, "citations/form_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def citation_edit(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    citation = citation_of(reading_list, citation_id)
    tags = _tags_queryset(reading_list)
    problem = ""
    if request.method == "POST" and "retype" not in request.POST:
        form = CitationEditorForm(request.POST, tags=tags)
        version = posted_version(request)
        if form.is_valid():
            try:
                citation = citation_services.citation_update(
                    citation_id=citation.pk,
                    fields=form.saved_fields,
                    read_by_week=form.cleaned_data["read_by_week"],
                    expected_version=version,
                )
                citation_services.citation_set_tags(
                    citation=citation, tags=form.cleaned_data["tags"]
                )
            except (InvalidInput, Conflict) as exc:
                problem = _kept_on_form(request, form, exc)
            else:
                return done(
                    request,
                    reading_list,
                    _("Saved “%(title)s”.") % {"title": citation.title[:80]},
                    anchor=f"c{citation.pk}",
                    id=citation.pk,
                    item=item_html_for(request, citation, reading_list),
                )
        elif wants_json(request):
            raise invalid_form(form)
    elif request.method == "POST":
        form = CitationEditorForm(request.POST, tags=tags)
        form.errors.clear()
    else:
        tag_ids = list(citation.tags.values_list("pk", flat=True))
        form = CitationEditorForm(
            tags=tags, initial=CitationEditorForm.initial_for(citation, tag_ids)
        )
    sections = list(Section.objects.filter(reading_list=reading_list).order_by("position"))
    context = {
        "list": reading_list,
        "citation": citation,
        "section": citation.section,
        "sections": sections,
        "targets": other_editable_lists(user=request.user, reading_list=reading_list),
        "form": form,
        "problem": problem,
        "saved_now": _saved_now(form, citation) if problem else [],
        # After a refusal the form carries the current version, so saving again here applies.
        "version": current_version(reading_list)
        if problem
        else request.POST.get("version") or reading_list.version,
        "adding": False,
    }
    return render(request, "citations/form_page.html", context, status=409 if problem else 200)


def _kept_on_form(
    request: HttpRequest, form: CitationEditorForm, exc: InvalidInput | Conflict
) -> str:
    """Keep a refused save on the form page; return the conflict to show there, if any.

    Fetch requests get the refusal itself, which the editor shows in place.
    """
    if wants_json(request):
        raise exc
    if isinstance(exc, InvalidInput):
        add_service_errors(form, exc)
        return ""
    return exc.message


def _saved_now(form: CitationEditorForm, citation: Citation) -> list[tuple[str, str, str]]:
    """Each field whose saved value differs from the refused input: (label, saved now, input).

    Shown beside the kept input so the user sees what someone else saved
    before making their own change again.
    """
    fresh = Citation.objects.filter(pk=citation.pk).first()
    if fresh is None:
        return []
    saved = CitationEditorForm.initial_for(fresh, [])
    saved["tags"] = sorted(fresh.tags.values_list("name", flat=True))
    shown = fields_for_kind(form.kind) | {"read_by_week", "tags"}
    rows = []
    for name, field in form.fields.items():
        if name not in shown or name not in form.cleaned_data:
            continue
        mine, now = form.cleaned_data[name], saved.get(name)
        if name == "tags":
            mine = sorted(tag.name for tag in mine)
        elif name == "secondary_type":
            kinds = dict(CitationKind.choices)
            mine, now = kinds.get(mine, mine), kinds.get(now, now)
        if _shown(now) != _shown(mine):
            rows.append((str(field.label), _shown(now), _shown(mine)))
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
