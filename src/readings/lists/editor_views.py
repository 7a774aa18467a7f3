"""The list editor: sections and citations, every action a form POST that fetch can enhance.

Each write names the list version the editor was showing; a stale one is
refused (409) by the services. Answers are JSON for fetch requests (the new
version and what changed, small) and a redirect back to the editor otherwise.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from readings.citations import services as citation_services
from readings.citations.forms import CitationEditorForm, add_service_errors, fields_for_kind
from readings.citations.models import Citation, CitationKind
from readings.citations.names import format_names
from readings.core.exceptions import ApplicationError, Conflict, InvalidInput, NotFound
from readings.institutions.selectors import institution_today
from readings.lists import services as list_services
from readings.lists.access import access_list_by_id
from readings.lists.editor_forms import SectionEditorForm
from readings.lists.editor_render import Labels, item_html, items_html
from readings.lists.editor_selectors import (
    editor_page,
    institution_tags,
    other_editable_lists,
    section_citation_count,
)
from readings.lists.models import ReadingList, Section, Tag
from readings.lists.selectors import CitationRow, SectionView
from readings.lists.visibility import citation_hidden_reasons, section_hidden_reasons

# ---------------------------------------------------------------------------
# Helpers


def _editable_list(request: HttpRequest, list_id: int) -> ReadingList:
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    return reading_list


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        raise InvalidInput(
            {"version": [_("The page did not say which version of the list it showed.")]}
        ) from None


def _edit_url(reading_list: ReadingList, anchor: str = "") -> str:
    url = reverse("editor:edit", args=[reading_list.pk])
    return f"{url}#{anchor}" if anchor else url


def _section_of(reading_list: ReadingList, section_id: Any) -> Section:
    section = Section.objects.filter(pk=_int(section_id), reading_list=reading_list).first()
    if section is None:
        raise NotFound(_("No such section on this list."))
    return section


def _citation_of(reading_list: ReadingList, citation_id: Any) -> Citation:
    citation = Citation.objects.filter(pk=_int(citation_id), reading_list=reading_list).first()
    if citation is None:
        raise NotFound(_("No such citation on this list."))
    return citation


def _target_section(request: HttpRequest, reading_list: ReadingList, section_id: Any) -> Section:
    """A section of this list, or of another list this user may edit."""
    section = Section.objects.select_related("reading_list").filter(pk=_int(section_id)).first()
    if section is None:
        raise InvalidInput({"section": [_("Choose a section to move to.")]})
    if section.reading_list_id != reading_list.pk:
        access_list_by_id(request.user, section.reading_list_id, for_edit=True)
    return section


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _current_version(reading_list: ReadingList) -> int:
    return ReadingList.objects.values_list("version", flat=True).get(pk=reading_list.pk)


def _done(
    request: HttpRequest, reading_list: ReadingList, message: str, anchor: str = "", **data: Any
) -> HttpResponse:
    if _wants_json(request):
        version = data.pop("version", None) or _current_version(reading_list)
        return JsonResponse({"version": version, "message": message, **data})
    messages.success(request, message)
    return redirect(_edit_url(reading_list, anchor))


def _today(reading_list: ReadingList):
    return institution_today(reading_list.institution)


def _cbase(reading_list: ReadingList) -> str:
    """The citations' URL prefix: items add their id, so 1,500 rows need no reverse() each."""
    return reverse("editor:citation", args=[reading_list.pk, 0]).removesuffix("0/")


def _row(citation: Citation, reading_list: ReadingList) -> CitationRow:
    require = reading_list.institution.require_library_completion
    return CitationRow(
        citation,
        citation_hidden_reasons(citation, require_completion=require),
        list(citation.tags.all()),
    )


def _item_html(request: HttpRequest, citation: Citation, reading_list: ReadingList) -> str:
    return item_html(
        _row(citation, reading_list), cbase=_cbase(reading_list), labels=Labels.current()
    )


def _order(reading_list: ReadingList, section_ids: set[int]) -> dict[str, list[int]]:
    """The order of citations in the named sections of this list, for the page to check."""
    order: dict[str, list[int]] = {str(pk): [] for pk in section_ids}
    rows = (
        Citation.objects.filter(reading_list=reading_list, section_id__in=section_ids)
        .order_by("section_id", "position")
        .values_list("section_id", "pk")
    )
    for section_id, pk in rows:
        order[str(section_id)].append(pk)
    return order


# ---------------------------------------------------------------------------
# Stale posts from the page without JavaScript

_BULK_ACTIONS = {
    "move": gettext_lazy("Move to section"),
    "tag": gettext_lazy("Add tag"),
    "untag": gettext_lazy("Remove tag"),
    "delete": gettext_lazy("Delete"),
}


_TITLES_SHOWN = 20  # of the ticked citations, on the stale-post page


def _is_stale(exc: Conflict) -> bool:
    return exc.code == "stale_version"


def _explains_stale_posts(what: str) -> Callable:
    """Answer a stale plain form post with what happened, what was sent and a way back.

    Fetch requests keep the JSON conflict (the editor shows it in place); a
    plain post would otherwise reach the generic error page and lose the input.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, list_id: int, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, list_id, **kwargs)
            except Conflict as exc:
                if _wants_json(request) or not _is_stale(exc):
                    raise
                return _stale_page(request, list_id, exc, what=what, **kwargs)

        return wrapper

    return decorate


def _stale_page(
    request: HttpRequest,
    list_id: int,
    exc: Conflict,
    *,
    what: str,
    section_id: int | None = None,
    citation_id: int | None = None,
) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    # The other change may have deleted the very item this post was about.
    citation = (
        Citation.objects.filter(pk=citation_id, reading_list=reading_list).first()
        if citation_id
        else None
    )
    section = (
        Section.objects.filter(pk=section_id, reading_list=reading_list).first()
        if section_id
        else None
    )
    gone = bool(citation_id and citation is None) or bool(section_id and section is None)
    anchor = f"c{citation.pk}" if citation else (f"s{section.pk}" if section else "")
    context = {
        "list": reading_list,
        "message": exc.message,
        "what": what,
        "gone": gone,
        "submitted": _submitted(request, reading_list, citation=citation, section=section),
        "resend": [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "version")
            for value in values
        ],
        # The version of this request's fresh read: resending applies to what is there now.
        "version": reading_list.version,
        "edit_url": _edit_url(reading_list, anchor),
    }
    return render(request, "lists/editor_conflict.html", context, status=409)


def _submitted(
    request: HttpRequest,
    reading_list: ReadingList,
    *,
    citation: Citation | None,
    section: Section | None,
) -> list[tuple[str, str]]:
    """The posted values as the user chose them (names, not ids), to reapply by hand."""
    post = request.POST
    rows: list[tuple[str, str]] = []
    if citation is not None:
        rows.append((_("Citation"), citation.title))
    if section is not None:
        rows.append((_("Section"), section.name))
    for name, field in SectionEditorForm.base_fields.items():
        value = post.get(f"new-{name}", "").strip()
        if value:
            rows.append((str(field.label), value))
    action = post.get("action")
    if action in _BULK_ACTIONS:
        rows.append((_("Action"), str(_BULK_ACTIONS[action])))
    ticked = [_int(v) for v in post.getlist("citation")]
    if ticked:
        titles = list(
            Citation.objects.filter(pk__in=ticked, reading_list=reading_list)
            .order_by("section__position", "position")
            .values_list("title", flat=True)[: _TITLES_SHOWN + 1]
        )
        shown = "; ".join(t[:80] for t in titles[:_TITLES_SHOWN])
        if len(titles) > _TITLES_SHOWN:
            more = len(set(ticked)) - _TITLES_SHOWN
            shown += " " + ngettext("and %(n)s more", "and %(n)s more", more) % {"n": more}
        rows.append((_("Ticked citations"), shown))
    direction = post.get("direction")
    if direction in ("up", "down"):
        up = direction == "up"
        if citation is not None:
            label = _("Move up one") if up else _("Move down one")
        else:
            label = _("Move section up") if up else _("Move section down")
        rows.append((_("Move"), label))
    elif post.get("section") and action in (None, "move"):
        rows.append((_("Move to section"), _target_name(request, reading_list, post["section"])))
    if action in ("tag", "untag"):
        tag = Tag.objects.filter(
            pk=_int(post.get("tag")), institution_id=reading_list.institution_id
        ).first()
        rows.append((_("Tag"), tag.name if tag else "?"))
    if post.get("confirm") == "yes" and (action in (None, "delete")):
        rows.append((_("Deletion confirmed"), _("Yes")))
    return rows


def _target_name(request: HttpRequest, reading_list: ReadingList, section_id: str) -> str:
    try:
        target = _target_section(request, reading_list, section_id)
    except ApplicationError:
        return "?"  # gone meanwhile, or never the user's to name
    if target.reading_list_id == reading_list.pk:
        return target.name
    return f"{target.name} ({target.reading_list.name})"


# ---------------------------------------------------------------------------
# The page


@login_required
def edit_list(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, access = access_list_by_id(request.user, list_id, for_edit=True)
    today = institution_today(reading_list.institution)
    page = editor_page(reading_list=reading_list, access=access, today=today)
    cbase = _cbase(reading_list)
    for sv in page.sections:
        sv.items_html = items_html(sv.rows, cbase=cbase)
    tags = institution_tags(reading_list)
    context = {
        "list": reading_list,
        "page": page,
        "tags": tags,
        "targets": other_editable_lists(user=request.user, reading_list=reading_list),
        "cbase": cbase,
        "section_form": SectionEditorForm(prefix="new"),
    }
    return render(request, "lists/edit.html", context)


# ---------------------------------------------------------------------------
# Sections


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Add a section"))
def section_add(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    form = SectionEditorForm(request.POST, prefix="new")
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    section = list_services.section_create(
        reading_list=reading_list, expected_version=_version(request), **form.cleaned_data
    )
    extra = {}
    if _wants_json(request):
        view = SectionView(section, [], section_hidden_reasons(section, today=_today(reading_list)))
        view.items_html = ""
        extra = {
            "id": section.pk,
            "name": section.name,
            "section_html": render_to_string(
                "lists/_editor_section.html",
                {"sv": view, "list": reading_list, "cbase": _cbase(reading_list)},
                request=request,
            ),
        }
    return _done(
        request,
        reading_list,
        _("Section “%(name)s” added.") % {"name": section.name},
        anchor=f"s{section.pk}",
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_settings(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    section = _section_of(reading_list, section_id)
    conflict = ""
    if request.method == "POST":
        form = SectionEditorForm(request.POST)
        version = _version(request)
        if form.is_valid():
            try:
                list_services.section_update(
                    section_id=section.pk, expected_version=version, **form.cleaned_data
                )
            except InvalidInput as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                if _wants_json(request):
                    raise
                conflict = exc.message
            else:
                return _done(
                    request,
                    reading_list,
                    _("Section “%(name)s” saved.") % {"name": form.cleaned_data["name"]},
                    anchor=f"s{section.pk}",
                )
        if _wants_json(request) and form.errors:
            raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
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
        "version": _current_version(reading_list) if not conflict else reading_list.version,
        "citation_count": section_citation_count(section),
    }
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "lists/_editor_section_settings.html", context, status=status)


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Move a section"))
def section_move(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    section = _section_of(reading_list, section_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        position = section.position + (-1 if direction == "up" else 1)
    else:
        position = _int(request.POST.get("position"))
    if position < 0:
        position = 0
    moved = list_services.section_move(
        section_id=section.pk, position=position, expected_version=_version(request)
    )
    order = list(
        Section.objects.filter(reading_list=reading_list)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    return _done(
        request,
        reading_list,
        _("Section “%(name)s” is now number %(n)s of %(total)s.")
        % {"name": moved.name, "n": moved.position + 1, "total": len(order)},
        anchor=f"s{section.pk}",
        sections=order,
    )


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Delete this section"))
def section_delete(request: HttpRequest, list_id: int, section_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    section = _section_of(reading_list, section_id)
    if request.POST.get("confirm") != "yes":
        raise InvalidInput({"confirm": [_("Tick the box to confirm the deletion.")]})
    count = section_citation_count(section)
    list_services.section_delete(section_id=section.pk, expected_version=_version(request))
    message = ngettext(
        "Section “%(name)s” and its %(n)s citation were deleted.",
        "Section “%(name)s” and its %(n)s citations were deleted.",
        count,
    ) % {"name": section.name, "n": count}
    return _done(request, reading_list, message, removed_section=section.pk)


# ---------------------------------------------------------------------------
# Citations: the add and edit forms


def _tags_queryset(reading_list: ReadingList):
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
    reading_list = _editable_list(request, list_id)
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("section"):
        raise InvalidInput({"section": [_("Choose the section to add the citation to.")]})
    section = _section_of(reading_list, source.get("section"))
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
        version = _version(request)
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
            except InvalidInput as exc:
                if _wants_json(request):
                    raise
                add_service_errors(form, exc)
            except Conflict as exc:
                if _wants_json(request):
                    raise
                problem = exc.message
            else:
                return _done(
                    request,
                    reading_list,
                    _("Added “%(title)s”.") % {"title": citation.title[:80]}
                    if created
                    else _("“%(title)s” was already added.") % {"title": citation.title[:80]},
                    anchor=f"c{citation.pk}",
                    id=citation.pk,
                    section=section.pk,
                    created=created,
                    item=_item_html(request, citation, reading_list),
                )
        elif _wants_json(request):
            raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
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
        "version": _current_version(reading_list)
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
    reading_list = _editable_list(request, list_id)
    citation = _citation_of(reading_list, citation_id)
    tags = _tags_queryset(reading_list)
    problem = ""
    if request.method == "POST" and "retype" not in request.POST:
        form = CitationEditorForm(request.POST, tags=tags)
        version = _version(request)
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
            except InvalidInput as exc:
                if _wants_json(request):
                    raise
                add_service_errors(form, exc)
            except Conflict as exc:
                if _wants_json(request):
                    raise
                problem = exc.message
            else:
                return _done(
                    request,
                    reading_list,
                    _("Saved “%(title)s”.") % {"title": citation.title[:80]},
                    anchor=f"c{citation.pk}",
                    id=citation.pk,
                    item=_item_html(request, citation, reading_list),
                )
        elif _wants_json(request):
            raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
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
        "version": _current_version(reading_list)
        if problem
        else request.POST.get("version") or reading_list.version,
        "adding": False,
    }
    return render(request, "citations/form_page.html", context, status=409 if problem else 200)


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


# ---------------------------------------------------------------------------
# Citations: moves, copies, deletions


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Move a citation"))
def citation_move(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    """Move one citation to a position in a section, of this list or another: one small request."""
    reading_list = _editable_list(request, list_id)
    citation = _citation_of(reading_list, citation_id)
    version = _version(request)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        section = citation.section
        position = max(0, citation.position + (-1 if direction == "up" else 1))
    else:
        section = _target_section(request, reading_list, request.POST.get("section"))
        raw = request.POST.get("position", "")
        position = _int(raw) if raw not in ("", "end") else 1_000_000_000
        if position < 0:
            raise InvalidInput({"position": [_("Give a position of 1 or more.")]})
    from_section = citation.section_id
    new_version = citation_services.citations_move_within(
        reading_list_id=reading_list.pk,
        citation_ids=[citation.pk],
        section=section,
        position=position,
        expected_version=version,
    )
    moved = Citation.objects.only("position").get(pk=citation.pk)
    if section.reading_list_id == reading_list.pk:
        message = _("Moved “%(title)s” to position %(n)s in “%(section)s”.") % {
            "title": citation.title[:60],
            "n": moved.position + 1,
            "section": section.name,
        }
    else:
        message = _("Moved “%(title)s” to “%(list)s”.") % {
            "title": citation.title[:60],
            "list": section.reading_list.name,
        }
    here = {from_section} | ({section.pk} if section.reading_list_id == reading_list.pk else set())
    return _done(
        request,
        reading_list,
        message,
        anchor=f"c{citation.pk}",
        version=new_version,
        order=_order(reading_list, here),
    )


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Delete a citation"))
def citation_delete(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    citation = _citation_of(reading_list, citation_id)
    if request.POST.get("confirm") != "yes":
        raise InvalidInput({"confirm": [_("Tick the box to confirm the deletion.")]})
    version = citation_services.citations_delete(
        reading_list_id=reading_list.pk,
        citation_ids=[citation.pk],
        expected_version=_version(request),
    )
    return _done(
        request,
        reading_list,
        _("Deleted “%(title)s”.") % {"title": citation.title[:80]},
        anchor=f"s{citation.section_id}",
        version=version,
        removed=[citation.pk],
    )


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("Duplicate"))
def citation_duplicate(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    reading_list = _editable_list(request, list_id)
    citation = _citation_of(reading_list, citation_id)
    copy = citation_services.citation_duplicate(
        citation_id=citation.pk, expected_version=_version(request)
    )
    return _done(
        request,
        reading_list,
        _("Duplicated “%(title)s”; the copy is just below it.") % {"title": citation.title[:80]},
        anchor=f"c{copy.pk}",
        id=copy.pk,
        after=citation.pk,
        item=_item_html(request, copy, reading_list),
    )


@login_required
@require_POST
def citation_copy(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    """Copy to another list; that list's version is read here, as its editor is not on it."""
    reading_list = _editable_list(request, list_id)
    citation = _citation_of(reading_list, citation_id)
    section = _target_section(request, reading_list, request.POST.get("section"))
    citation_services.citation_copy(citation_id=citation.pk, section=section)
    return _done(
        request,
        reading_list,
        _("Copied “%(title)s” to “%(list)s”.")
        % {"title": citation.title[:80], "list": section.reading_list.name},
        anchor=f"c{citation.pk}",
    )


@login_required
@require_POST
@_explains_stale_posts(gettext_lazy("With the ticked citations"))
def bulk(request: HttpRequest, list_id: int) -> HttpResponse:
    """Move, tag or delete the ticked citations together."""
    reading_list = _editable_list(request, list_id)
    ids = [_int(v) for v in request.POST.getlist("citation")]
    if not ids:
        raise InvalidInput({"citation": [_("Tick at least one citation first.")]})
    version = _version(request)
    action = request.POST.get("action")
    sections = set(
        Citation.objects.filter(pk__in=ids, reading_list=reading_list).values_list(
            "section_id", flat=True
        )
    )
    n = len(set(ids))
    if action == "move":
        section = _target_section(request, reading_list, request.POST.get("section"))
        new_version = citation_services.citations_move_within(
            reading_list_id=reading_list.pk,
            citation_ids=ids,
            section=section,
            position=1_000_000_000,
            expected_version=version,
        )
        if section.reading_list_id == reading_list.pk:
            sections.add(section.pk)
        message = ngettext(
            "Moved %(n)s citation to “%(section)s”.",
            "Moved %(n)s citations to “%(section)s”.",
            n,
        ) % {"n": n, "section": section.name}
    elif action in ("tag", "untag"):
        tag = Tag.objects.filter(
            pk=_int(request.POST.get("tag")), institution_id=reading_list.institution_id
        ).first()
        if tag is None:
            raise InvalidInput({"tag": [_("Choose a tag.")]})
        new_version = citation_services.citations_tag(
            reading_list_id=reading_list.pk,
            citation_ids=ids,
            tag=tag,
            add=action == "tag",
            expected_version=version,
        )
        template = (
            ngettext("Tagged %(n)s citation “%(tag)s”.", "Tagged %(n)s citations “%(tag)s”.", n)
            if action == "tag"
            else ngettext(
                "Removed the tag “%(tag)s” from %(n)s citation.",
                "Removed the tag “%(tag)s” from %(n)s citations.",
                n,
            )
        )
        message = template % {"n": n, "tag": tag.name}
    elif action == "delete":
        if request.POST.get("confirm") != "yes":
            raise InvalidInput({"confirm": [_("Tick the box to confirm the deletion.")]})
        new_version = citation_services.citations_delete(
            reading_list_id=reading_list.pk, citation_ids=ids, expected_version=version
        )
        message = ngettext("Deleted %(n)s citation.", "Deleted %(n)s citations.", n) % {"n": n}
    else:
        raise InvalidInput({"action": [_("Choose what to do with the ticked citations.")]})
    return _done(
        request,
        reading_list,
        message,
        version=new_version,
        sections=_sections_html(request, reading_list, sections) if _wants_json(request) else {},
    )


def _sections_html(
    request: HttpRequest, reading_list: ReadingList, section_ids: set[int]
) -> dict[str, str]:
    """The items of the named sections, rendered again (after a bulk change)."""
    today = institution_today(reading_list.institution)
    page = editor_page(
        reading_list=reading_list,
        access=access_list_by_id(request.user, reading_list.pk)[1],
        today=today,
    )
    cbase = _cbase(reading_list)
    return {
        str(sv.section.pk): items_html(sv.rows, cbase=cbase)
        for sv in page.sections
        if sv.section.pk in section_ids
    }
