"""The answer to a stale plain form post from the editor: a 409 page that keeps the input.

A page without JavaScript cannot show the conflict in place, so instead of the
generic error page it gets one that says what happened, what was sent (by
name, not id) and offers to send it again against the current version.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from readings.citations.models import Citation
from readings.core.exceptions import ApplicationError, Conflict
from readings.lists.editor_forms import SectionEditorForm
from readings.lists.editor_views import (
    as_int,
    edit_url,
    editable_list,
    target_section,
    wants_json,
)
from readings.lists.models import ReadingList, Section, Tag

_BULK_ACTIONS = {
    "move": gettext_lazy("Move to section"),
    "tag": gettext_lazy("Add tag"),
    "untag": gettext_lazy("Remove tag"),
    "delete": gettext_lazy("Delete"),
}


_TITLES_SHOWN = 20  # of the ticked citations, on the stale-post page


def _is_stale(exc: Conflict) -> bool:
    return exc.code == "stale_version"


def explains_stale_posts(what: str) -> Callable:
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
                if wants_json(request) or not _is_stale(exc):
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
    reading_list = editable_list(request, list_id)
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
        "edit_url": edit_url(reading_list, anchor),
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
    ticked = [as_int(v) for v in post.getlist("citation")]
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
            pk=as_int(post.get("tag")), institution_id=reading_list.institution_id
        ).first()
        rows.append((_("Tag"), tag.name if tag else "?"))
    if post.get("confirm") == "yes" and (action in (None, "delete")):
        rows.append((_("Deletion confirmed"), _("Yes")))
    return rows


def _target_name(request: HttpRequest, reading_list: ReadingList, section_id: str) -> str:
    try:
        target = target_section(request, reading_list, section_id)
    except ApplicationError:
        return "?"  # gone meanwhile, or never the user's to name
    if target.reading_list_id == reading_list.pk:
        return target.name
    return f"{target.name} ({target.reading_list.name})"
