"""The list editor page, and the request and answer helpers every editor view shares.

Each write names the list version the editor was showing; a stale one is
refused (409) by the services. Answers are JSON for fetch requests (the new
version and what changed, small) and a redirect back to the editor otherwise.

The views are split by what they act on: sections in editor_section_views,
the citation add and edit forms in editor_citation_form_views, moves, copies
and deletions in editor_citation_action_views, and the page that explains a
stale plain post in editor_conflict_views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from readings.citations.models import Citation
from readings.core.exceptions import InvalidInput, NotFound
from readings.institutions.selectors import institution_today
from readings.lists.access import access_list_by_id
from readings.lists.editor_forms import SectionEditorForm
from readings.lists.editor_render import Labels, item_html, items_html
from readings.lists.editor_selectors import editor_page, institution_tags, other_editable_lists
from readings.lists.models import ReadingList, Section
from readings.lists.selectors import CitationRow
from readings.lists.visibility import citation_hidden_reasons

# ---------------------------------------------------------------------------
# The page


@login_required
def edit_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """Show the editor: every section with its citations, the tags and the forms."""
    reading_list, access = access_list_by_id(request.user, list_id, for_edit=True)
    today = institution_today(reading_list.institution)
    page = editor_page(reading_list=reading_list, access=access, today=today)
    cbase = citations_base(reading_list)
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
# Helpers shared by the editor views


def editable_list(request: HttpRequest, list_id: int) -> ReadingList:
    """Return the list if this user may edit it (the access check answers otherwise)."""
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    return reading_list


def wants_json(request: HttpRequest) -> bool:
    """Tell whether the editor's fetch sent this, rather than a plain form post."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def posted_version(request: HttpRequest) -> int:
    """Return the list version the page showed when it posted."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        raise InvalidInput(
            {"version": [_("The page did not say which version of the list it showed.")]}
        ) from None


def invalid_form(form: forms.Form) -> InvalidInput:
    """Return the form's errors as the refusal a fetch request is answered with."""
    return InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})


def edit_url(reading_list: ReadingList, anchor: str = "") -> str:
    """Return the editor's URL, scrolled to the anchor if one is given."""
    url = reverse("editor:edit", args=[reading_list.pk])
    return f"{url}#{anchor}" if anchor else url


def section_of(reading_list: ReadingList, section_id: Any) -> Section:
    """Return the section of this list with that id, or answer not found."""
    section = Section.objects.filter(pk=as_int(section_id), reading_list=reading_list).first()
    if section is None:
        raise NotFound(_("No such section on this list."))
    return section


def citation_of(reading_list: ReadingList, citation_id: Any) -> Citation:
    """Return the citation of this list with that id, or answer not found."""
    citation = Citation.objects.filter(pk=as_int(citation_id), reading_list=reading_list).first()
    if citation is None:
        raise NotFound(_("No such citation on this list."))
    return citation


def target_section(request: HttpRequest, reading_list: ReadingList, section_id: Any) -> Section:
    """A section of this list, or of another list this user may edit."""
    section = Section.objects.select_related("reading_list").filter(pk=as_int(section_id)).first()
    if section is None:
        raise InvalidInput({"section": [_("Choose a section to move to.")]})
    if section.reading_list_id != reading_list.pk:
        access_list_by_id(request.user, section.reading_list_id, for_edit=True)
    return section


def as_int(value: Any) -> int:
    """Read a posted id; -1, which matches no row, for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def current_version(reading_list: ReadingList) -> int:
    """Read the list's version afresh from the database."""
    return ReadingList.objects.values_list("version", flat=True).get(pk=reading_list.pk)


def done(
    request: HttpRequest, reading_list: ReadingList, message: str, anchor: str = "", **data: Any
) -> HttpResponse:
    """Answer a done write: JSON with the new version for fetch, else a redirect with a message."""
    if wants_json(request):
        version = data.pop("version", None) or current_version(reading_list)
        return JsonResponse({"version": version, "message": message, **data})
    messages.success(request, message)
    return redirect(edit_url(reading_list, anchor))


def citations_base(reading_list: ReadingList) -> str:
    """The citations' URL prefix: items add their id, so 1,500 rows need no reverse() each."""
    return reverse("editor:citation", args=[reading_list.pk, 0]).removesuffix("0/")


def _row(citation: Citation, reading_list: ReadingList) -> CitationRow:
    require = reading_list.institution.require_library_completion
    return CitationRow(
        citation,
        citation_hidden_reasons(citation, require_completion=require),
        list(citation.tags.all()),
    )


def item_html_for(request: HttpRequest, citation: Citation, reading_list: ReadingList) -> str:
    """Render one citation's editor item, for the page to put in place."""
    return item_html(
        _row(citation, reading_list), cbase=citations_base(reading_list), labels=Labels.current()
    )
