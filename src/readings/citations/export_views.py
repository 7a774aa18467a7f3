"""Export pages: a list, or a selection of it, as copyable text and as files.

Whoever can view a list can export it, and gets exactly what the list page
shows them (``lists.selectors.list_page`` with their access): readers never
get hidden items, hidden sections or private notes. Selected ids that are not
among those are ignored, so an id from another list or institution reveals
nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from readings.citations import exports
from readings.citations.docx_export import build_docx
from readings.citations.exports import ExportGroup
from readings.citations.pdf_export import build_pdf
from readings.citations.styles import STYLES, entry_labels, format_citation, resolve_style
from readings.core.exceptions import InvalidInput, NotFound
from readings.institutions.selectors import institution_today
from readings.lists.access import ListAccess, access_list_by_id
from readings.lists.models import ReadingList
from readings.lists.selectors import list_page

MAX_IDS = 5000
ARRANGEMENTS = {
    "sections": gettext_lazy("By section"),
    "alphabetical": gettext_lazy("One alphabetical list"),
}


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    content_type: str
    copyable: bool  # offered as text on the export page


FORMATS = {
    "bibliography": ExportFormat(
        gettext_lazy("Formatted bibliography"), "txt", "text/plain; charset=utf-8", True
    ),
    "ris": ExportFormat(
        gettext_lazy("RIS (EndNote, Zotero, Mendeley)"),
        "ris",
        "application/x-research-info-systems; charset=utf-8",
        True,
    ),
    "bibtex": ExportFormat(
        gettext_lazy("BibTeX (LaTeX)"), "bib", "application/x-bibtex; charset=utf-8", True
    ),
    "csl-json": ExportFormat(
        gettext_lazy("CSL-JSON"), "json", "application/vnd.citationstyles.csl+json", True
    ),
    "csv": ExportFormat(gettext_lazy("CSV (spreadsheet)"), "csv", "text/csv; charset=utf-8", True),
    "docx": ExportFormat(
        gettext_lazy("Word document"),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        False,
    ),
    "pdf": ExportFormat(gettext_lazy("PDF"), "pdf", "application/pdf", False),
}
# Formats whose output depends on the chosen style, so their file names carry it.
_STYLED = {"bibliography", "csv", "docx", "pdf"}


@dataclass
class Selection:
    """What one request exports: the visible citations, picked and arranged."""

    reading_list: ReadingList
    access: ListAccess
    groups: list[ExportGroup]
    style: str
    arrangement: str
    ids: list[int] | None
    total: int  # items of the list this user can see
    hidden_from_students: int = 0  # only editors ever get such items

    @property
    def citations(self) -> list:
        return [c for group in self.groups for c in group.citations]

    @property
    def count(self) -> int:
        return sum(len(group.citations) for group in self.groups)

    def query(self) -> str:
        params = {"style": self.style, "arrangement": self.arrangement}
        if self.ids is not None:
            params["ids"] = ",".join(map(str, self.ids))
        return urlencode(params)


@require_safe
def export_page(request: HttpRequest, list_id: int) -> HttpResponse:
    """Choose format, style and arrangement; copy the text or download a file."""
    selection = _selection_or_login(request, list_id)
    if isinstance(selection, HttpResponse):
        return selection
    fmt = request.GET.get("format") or "bibliography"
    if fmt not in FORMATS or not FORMATS[fmt].copyable:
        raise InvalidInput({"format": [_("Choose one of the formats offered.")]})
    text = _render_text(fmt, selection).lstrip("\ufeff")
    preview = []
    if fmt == "bibliography":
        labels = entry_labels(selection.style)
        preview = [
            (
                g.heading,
                [
                    format_html("{}{}", next(labels), format_citation(c, selection.style).html)
                    for c in g.citations
                ],
            )
            for g in selection.groups
        ]
    return render(
        request,
        "citations/export.html",
        {
            "list": selection.reading_list,
            "selection": selection,
            "format": fmt,
            "format_label": FORMATS[fmt].label,
            "formats": [(k, f) for k, f in FORMATS.items() if f.copyable],
            "styles": STYLES.items(),
            "arrangements": ARRANGEMENTS.items(),
            "text": text,
            "preview": preview,
            "downloads": FORMATS.items(),
            "query": selection.query(),
            "ids_value": ",".join(map(str, selection.ids)) if selection.ids is not None else "",
        },
    )


@require_safe
def export_download(request: HttpRequest, list_id: int, fmt: str) -> HttpResponse:
    """The export as a file, named after the list."""
    if fmt not in FORMATS:
        raise NotFound(_("No such export format."))
    selection = _selection_or_login(request, list_id)
    if isinstance(selection, HttpResponse):
        return selection
    spec = FORMATS[fmt]
    body: str | bytes
    if fmt == "docx":
        body = build_docx(
            title=selection.reading_list.name, groups=selection.groups, style=selection.style
        )
    elif fmt == "pdf":
        body = build_pdf(
            title=selection.reading_list.name, groups=selection.groups, style=selection.style
        )
    else:
        body = _render_text(fmt, selection)
    response = HttpResponse(body, content_type=spec.content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(selection, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


_TEXT_RENDERERS: dict[str, Callable[[Selection], str]] = {
    "bibliography": lambda s: exports.export_grouped_bibliography(s.groups, s.style),
    "ris": lambda s: exports.export_ris(s.citations),
    "bibtex": lambda s: exports.export_bibtex(s.citations),
    "csl-json": lambda s: exports.export_csl_json(s.citations),
    "csv": lambda s: exports.export_csv(s.groups, s.style),
}


def _render_text(fmt: str, selection: Selection) -> str:
    if not selection.count:
        return ""
    return _TEXT_RENDERERS[fmt](selection)


def _filename(selection: Selection, fmt: str) -> str:
    stem = slugify(selection.reading_list.name)[:80].strip("-") or "reading-list"
    if fmt in _STYLED:
        stem += f"-{selection.style}"
    return f"{stem}.{FORMATS[fmt].extension}"


def _selection_or_login(request: HttpRequest, list_id: int) -> Selection | HttpResponse:
    try:
        reading_list, access = access_list_by_id(request.user, list_id)
    except NotFound:
        if request.user.is_authenticated:
            raise
        # As on the list page: signed out, every other list id asks for sign-in alike.
        return redirect_to_login(request.get_full_path())
    return _selection(request, reading_list, access, institution_today(reading_list.institution))


def _selection(
    request: HttpRequest, reading_list: ReadingList, access: ListAccess, today: datetime.date
) -> Selection:
    style = resolve_style(
        request.GET.get("style") or reading_list.institution.default_citation_style
    )
    if style not in STYLES:
        raise InvalidInput({"style": [_("Choose one of the citation styles offered.")]})
    arrangement = request.GET.get("arrangement") or "sections"
    if arrangement not in ARRANGEMENTS:
        raise InvalidInput({"arrangement": [_("Choose by section or alphabetical.")]})
    ids = parse_ids(request.GET.getlist("ids"))
    page = list_page(reading_list=reading_list, access=access, today=today)
    wanted = set(ids) if ids is not None else None
    groups = []
    hidden = 0
    for section in page.sections:
        rows = [row for row in section.rows if wanted is None or row.citation.pk in wanted]
        citations = [row.citation for row in rows]
        hidden += sum(1 for row in rows if row.hidden or section.hidden)
        if citations:
            groups.append(ExportGroup(section.section.name, citations))
    if wanted is not None and not groups:
        raise NotFound(_("None of the selected items are on this list."))
    if arrangement == "alphabetical":
        everything = [c for group in groups for c in group.citations]
        groups = [ExportGroup("", exports.alphabetical(everything, style))] if everything else []
    return Selection(
        reading_list=reading_list,
        access=access,
        groups=groups,
        style=style,
        arrangement=arrangement,
        ids=sorted(wanted) if wanted is not None else None,
        total=page.citation_count,
        hidden_from_students=hidden,
    )


def parse_ids(values: list[str]) -> list[int] | None:
    """``ids=1,2,3`` (or repeated ``ids``) as ints; None when no selection was given."""
    tokens = [t.strip() for value in values for t in value.split(",") if t.strip()]
    if not tokens:
        return None
    if len(tokens) > MAX_IDS or not all(t.isdigit() and len(t) < 12 for t in tokens):
        raise InvalidInput({"ids": [_("The selection must be a list of item numbers.")]})
    return [int(t) for t in tokens]
