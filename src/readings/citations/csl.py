"""Convert citations to CSL-JSON items and back; the shared shape of every import.

CSL-JSON is the interchange format of Zotero, Mendeley and citeproc. A citation
maps onto one item; the Leganto type travels in ``custom.readings_type`` so an
e-book or a note survives a round trip that CSL's own types would flatten.

Imports (CSL-JSON here, RIS and BibTeX in their modules) all end in
``clean_entries``: each entry is cleaned on its own, good ones are kept and
broken ones are reported with their position, so one bad record never sinks a
file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from readings.citations.metadata import METADATA_FIELDS, clean_citation_fields
from readings.citations.models import CitationKind
from readings.core.exceptions import InvalidInput

CSL_TYPE_FOR_KIND = {
    CitationKind.BOOK: "book",
    CitationKind.EBOOK: "book",
    CitationKind.CHAPTER: "chapter",
    CitationKind.ARTICLE: "article-journal",
    CitationKind.EARTICLE: "article-journal",
    CitationKind.JOURNAL: "periodical",
    CitationKind.WEBSITE: "webpage",
    CitationKind.VIDEO: "motion_picture",
    CitationKind.AUDIO: "song",
    CitationKind.DOCUMENT: "document",
    CitationKind.NOTE: "document",
    CitationKind.OTHER: "document",
}

KIND_FOR_CSL_TYPE = {
    "book": CitationKind.BOOK,
    "classic": CitationKind.BOOK,
    "chapter": CitationKind.CHAPTER,
    "entry-encyclopedia": CitationKind.CHAPTER,
    "entry-dictionary": CitationKind.CHAPTER,
    "paper-conference": CitationKind.CHAPTER,
    "article-journal": CitationKind.ARTICLE,
    "article-magazine": CitationKind.ARTICLE,
    "article-newspaper": CitationKind.ARTICLE,
    "article": CitationKind.ARTICLE,
    "review": CitationKind.ARTICLE,
    "periodical": CitationKind.JOURNAL,
    "webpage": CitationKind.WEBSITE,
    "post": CitationKind.WEBSITE,
    "post-weblog": CitationKind.WEBSITE,
    "motion_picture": CitationKind.VIDEO,
    "broadcast": CitationKind.VIDEO,
    "song": CitationKind.AUDIO,
    "interview": CitationKind.AUDIO,
    "document": CitationKind.DOCUMENT,
    "report": CitationKind.DOCUMENT,
    "thesis": CitationKind.DOCUMENT,
    "manuscript": CitationKind.DOCUMENT,
    "standard": CitationKind.DOCUMENT,
    "legislation": CitationKind.DOCUMENT,
}

# Plain text fields with the same meaning on both sides.
_TEXT_FIELDS = {
    "publisher": "publisher",
    "place": "publisher-place",
    "edition": "edition",
    "volume": "volume",
    "issue": "issue",
    "isbn": "ISBN",
    "issn": "ISSN",
    "doi": "DOI",
    "pmid": "PMID",
    "url": "URL",
    "public_note": "note",
}
EN_DASH = "\u2013"  # between page numbers
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class EntryError:
    """Why one entry of an imported file was left out; ``position`` counts from 1."""

    position: int
    reason: str
    title: str = ""


@dataclass
class ImportResult:
    """Cleaned field dicts ready for ``citation_create``, and the entries that failed."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    errors: list[EntryError] = field(default_factory=list)


def clean_entries(raw_entries: Iterable[Mapping[str, Any] | EntryError]) -> ImportResult:
    """Clean each entry on its own; an ``EntryError`` in the input passes straight through."""
    result = ImportResult()
    for position, raw in enumerate(raw_entries, start=1):
        if isinstance(raw, EntryError):
            result.errors.append(raw)
            continue
        try:
            cleaned = clean_citation_fields(raw)
        except InvalidInput as exc:
            reason = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in exc.errors.items()
            )
            result.errors.append(EntryError(position, reason, str(raw.get("title", ""))[:120]))
            continue
        # Derived fields (type, year) are left out: citation_create derives them again.
        result.entries.append({k: v for k, v in cleaned.items() if k in METADATA_FIELDS})
    return result


def to_csl(citation: Any) -> dict[str, Any]:
    """Return the CSL-JSON item for a citation (a model instance or anything with its fields)."""
    kind = citation.secondary_type
    item: dict[str, Any] = {
        "id": str(citation.pk) if getattr(citation, "pk", None) else "",
        "type": CSL_TYPE_FOR_KIND.get(kind, "document"),
        "custom": {"readings_type": kind},
    }
    if kind == CitationKind.CHAPTER and citation.chapter_title:
        item["title"] = citation.chapter_title
        item["container-title"] = citation.title
    else:
        item["title"] = citation.title
        if citation.container_title:
            item["container-title"] = citation.container_title
    if citation.authors:
        item["author"] = [dict(n) for n in citation.authors]
    if citation.editors:
        item["editor"] = [dict(n) for n in citation.editors]
    issued = _issued(citation.publication_date, citation.year)
    if issued:
        item["issued"] = issued
    page = citation.pages or EN_DASH.join(p for p in (citation.start_page, citation.end_page) if p)
    if page:
        item["page"] = page
    for name, key in _TEXT_FIELDS.items():
        value = getattr(citation, name)
        if value:
            item[key] = value
    if not item["id"]:
        del item["id"]
    return item


def from_csl(item: Mapping[str, Any]) -> dict[str, Any]:
    """Return citation fields (not yet cleaned) for one CSL-JSON item."""
    custom = item.get("custom") if isinstance(item.get("custom"), Mapping) else {}
    kind = custom.get("readings_type")
    if kind not in CitationKind.values:
        kind = KIND_FOR_CSL_TYPE.get(str(item.get("type", "")), CitationKind.OTHER)
    fields: dict[str, Any] = {"secondary_type": kind}
    title = _text(item.get("title"))
    container = _text(item.get("container-title"))
    if kind == CitationKind.CHAPTER and container:
        fields["title"], fields["chapter_title"] = container, title
    else:
        fields["title"] = title
        if container:
            fields["container_title"] = container
    for name, key in (("authors", "author"), ("editors", "editor")):
        if item.get(key):
            fields[name] = item[key]
    date = _date_text(item.get("issued"))
    if date:
        fields["publication_date"] = date
    if item.get("page"):
        fields["pages"] = _text(item["page"])
    for name, key in _TEXT_FIELDS.items():
        value = _text(item.get(key))
        if value:
            fields[name] = value
    return {k: v for k, v in fields.items() if k in METADATA_FIELDS}


def import_csl_json(text: str) -> ImportResult:
    """Read a CSL-JSON file (a list of items, or one item) into cleaned entries."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ImportResult(
            errors=[
                EntryError(0, _("The file is not valid JSON (%(detail)s).") % {"detail": exc.msg})
            ]
        )
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        return ImportResult(errors=[EntryError(0, _("A CSL-JSON file holds a list of items."))])
    raw: list[Mapping[str, Any] | EntryError] = []
    for position, item in enumerate(data, start=1):
        if isinstance(item, Mapping):
            raw.append(from_csl(item))
        else:
            raw.append(EntryError(position, _("This entry is not a JSON object.")))
    return clean_entries(raw)


def _issued(publication_date: str, year: int | None) -> dict[str, Any] | None:
    match = _ISO_DATE.match((publication_date or "").strip())
    if match:
        return {"date-parts": [[int(p) for p in match.groups() if p]]}
    if publication_date:
        issued: dict[str, Any] = {"raw": publication_date}
        if year:
            issued["date-parts"] = [[year]]
        return issued
    return {"date-parts": [[year]]} if year else None


def _date_text(issued: Any) -> str:
    if isinstance(issued, str):
        return issued.strip()
    if not isinstance(issued, Mapping):
        return ""
    for key in ("raw", "literal"):
        if issued.get(key):
            return _text(issued[key])
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(p).strip() for p in parts[0][:3] if str(p).strip()]
        if first and first[0].isdigit():
            return "-".join([first[0], *(p.zfill(2) for p in first[1:] if p.isdigit())])
    return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # some exporters send container-title as a list
        value = value[0] if value else ""
    return " ".join(str(value).split())
