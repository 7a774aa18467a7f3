"""DOIs through the Crossref REST API (``GET /works/{doi}``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from readings.citations.identifiers import IdentifierError, normalize_isbn
from readings.citations.models import CitationKind
from readings.citations.resolvers import http
from readings.citations.resolvers.text import (
    date_from_parts,
    join_title,
    page_range,
    plain,
    without_empty,
)

SOURCE = "crossref"
KIND_FOR_CROSSREF_TYPE = {
    "journal-article": CitationKind.ARTICLE,
    "journal-issue": CitationKind.JOURNAL,
    "journal": CitationKind.JOURNAL,
    "book": CitationKind.BOOK,
    "monograph": CitationKind.BOOK,
    "edited-book": CitationKind.BOOK,
    "reference-book": CitationKind.BOOK,
    "book-set": CitationKind.BOOK,
    "book-chapter": CitationKind.CHAPTER,
    "book-section": CitationKind.CHAPTER,
    "book-part": CitationKind.CHAPTER,
    "reference-entry": CitationKind.CHAPTER,
    "proceedings-article": CitationKind.CHAPTER,
    "report": CitationKind.DOCUMENT,
    "dissertation": CitationKind.DOCUMENT,
    "posted-content": CitationKind.DOCUMENT,
    "standard": CitationKind.DOCUMENT,
    "dataset": CitationKind.DOCUMENT,
}
_DATE_KEYS = ("published-print", "published-online", "issued", "published")


def resolve_doi(doi: str) -> dict[str, Any]:
    url = f"{http.base_url('crossref')}/works/{quote(doi, safe='/')}"
    try:
        answer = http.get_json(url, service=SOURCE)
    except http.NotFoundAtService:
        raise http.invalid(_("No record found for DOI %(doi)s at Crossref."), doi=doi) from None
    work = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(work, dict) or answer.get("status") != "ok":
        raise http.invalid(_("Crossref sent an answer that cannot be read."))
    return fields_from_work(work, doi=doi)


def fields_from_work(work: dict[str, Any], *, doi: str = "") -> dict[str, Any]:
    """Map one Crossref work onto citation fields (chapter: title is the book's)."""
    kind = KIND_FOR_CROSSREF_TYPE.get(str(work.get("type", "")), CitationKind.OTHER)
    title = join_title(plain(work.get("title")), plain(work.get("subtitle")))
    container = plain(work.get("container-title"))
    fields: dict[str, Any] = {"secondary_type": kind}
    if kind == CitationKind.CHAPTER and container:
        fields.update(title=container, chapter_title=title)
    else:
        fields["title"] = title
        fields["container_title"] = container
    fields["authors"] = _names(work.get("author"))
    fields["editors"] = _names(work.get("editor"))
    fields["publisher"] = plain(work.get("publisher"))
    fields["place"] = plain(work.get("publisher-location"))
    fields["publication_date"] = next(
        (d for d in (date_from_parts(work.get(k)) for k in _DATE_KEYS) if d), ""
    )
    fields["volume"] = plain(work.get("volume"))
    fields["issue"] = plain(work.get("issue"))
    fields["pages"] = page_range(str(work.get("page") or ""))
    fields["isbn"] = _first_valid(work.get("ISBN"))
    fields["issn"] = _first(work.get("ISSN"))
    fields["doi"] = plain(work.get("DOI")) or doi
    return without_empty(fields)


def _names(people: Any) -> list[dict[str, str]]:
    names = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        family, given = plain(person.get("family")), plain(person.get("given"))
        if family:
            names.append({"family": family, "given": given} if given else {"family": family})
        elif plain(person.get("name")):  # organisations ("consortium" authors)
            names.append({"literal": plain(person.get("name"))})
    return names


def _first(values: Any) -> str:
    return plain(values[0]) if isinstance(values, list) and values else ""


def _first_valid(values: Any) -> str:
    # Crossref lists print and electronic ISBNs; keep the first that validates.
    for value in values if isinstance(values, list) else []:
        try:
            return normalize_isbn(str(value))
        except IdentifierError:
            continue
    return ""
