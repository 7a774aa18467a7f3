"""The list editor's citation actions: move, delete, duplicate, copy, and bulk changes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from readings.citations import services as citation_services
from readings.citations.models import Citation
from readings.core.exceptions import InvalidInput
from readings.institutions.selectors import institution_today
from readings.lists.access import access_list_by_id
from readings.lists.editor_conflict_views import explains_stale_posts
from readings.lists.editor_render import items_html
from readings.lists.editor_selectors import editor_page
from readings.lists.editor_views import (
    as_int,
    citation_of,
    citations_base,
    done,
    editable_list,
    item_html_for,
    posted_version,
    target_section,
    wants_json,
)
from readings.lists.models import ReadingList, Tag


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Move a citation"))
def citation_move(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    """Move one citation to a position in a section, of this list or another: one small request."""
    reading_list = editable_list(request, list_id)
    citation = citation_of(reading_list, citation_id)
    version = posted_version(request)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        section = citation.section
        position = max(0, citation.position + (-1 if direction == "up" else 1))
    else:
        section = target_section(request, reading_list, request.POST.get("section"))
        raw = request.POST.get("position", "")
        position = as_int(raw) if raw not in ("", "end") else 1_000_000_000
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
    return done(
        request,
        reading_list,
        message,
        anchor=f"c{citation.pk}",
        version=new_version,
        order=_order(reading_list, here),
    )


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Delete a citation"))
def citation_delete(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    citation = citation_of(reading_list, citation_id)
    if request.POST.get("confirm") != "yes":
        raise InvalidInput({"confirm": [_("Tick the box to confirm the deletion.")]})
    version = citation_services.citations_delete(
        reading_list_id=reading_list.pk,
        citation_ids=[citation.pk],
        expected_version=posted_version(request),
    )
    return done(
        request,
        reading_list,
        _("Deleted “%(title)s”.") % {"title": citation.title[:80]},
        anchor=f"s{citation.section_id}",
        version=version,
        removed=[citation.pk],
    )


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("Duplicate"))
def citation_duplicate(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    reading_list = editable_list(request, list_id)
    citation = citation_of(reading_list, citation_id)
    copy = citation_services.citation_duplicate(
        citation_id=citation.pk, expected_version=posted_version(request)
    )
    return done(
        request,
        reading_list,
        _("Duplicated “%(title)s”; the copy is just below it.") % {"title": citation.title[:80]},
        anchor=f"c{copy.pk}",
        id=copy.pk,
        after=citation.pk,
        item=item_html_for(request, copy, reading_list),
    )


@login_required
@require_POST
def citation_copy(request: HttpRequest, list_id: int, citation_id: int) -> HttpResponse:
    """Copy to another list; that list's version is read here, as its editor is not on it."""
    reading_list = editable_list(request, list_id)
    citation = citation_of(reading_list, citation_id)
    section = target_section(request, reading_list, request.POST.get("section"))
    citation_services.citation_copy(citation_id=citation.pk, section=section)
    return done(
        request,
        reading_list,
        _("Copied “%(title)s” to “%(list)s”.")
        % {"title": citation.title[:80], "list": section.reading_list.name},
        anchor=f"c{citation.pk}",
    )


@login_required
@require_POST
@explains_stale_posts(gettext_lazy("With the ticked citations"))
def bulk(request: HttpRequest, list_id: int) -> HttpResponse:
    """Move, tag or delete the ticked citations together."""
    reading_list = editable_list(request, list_id)
    ids = [as_int(v) for v in request.POST.getlist("citation")]
    if not ids:
        raise InvalidInput({"citation": [_("Tick at least one citation first.")]})
    version = posted_version(request)
    action = request.POST.get("action")
    sections = set(
        Citation.objects.filter(pk__in=ids, reading_list=reading_list).values_list(
            "section_id", flat=True
        )
    )
    n = len(set(ids))
    if action == "move":
        section = target_section(request, reading_list, request.POST.get("section"))
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
            pk=as_int(request.POST.get("tag")), institution_id=reading_list.institution_id
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
    return done(
        request,
        reading_list,
        message,
        version=new_version,
        sections=_sections_html(request, reading_list, sections) if wants_json(request) else {},
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
    cbase = citations_base(reading_list)
    return {
        str(sv.section.pk): items_html(sv.rows, cbase=cbase)
        for sv in page.sections
        if sv.section.pk in section_ids
    }


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
