"""Read and write RIS files (EndNote, Zotero, databases' "export citation").

``rispy`` maps tags to names, but on its own it silently drops a record with no
``ER`` line and fails the whole file on one wrapped line. So records are split
here first, each parsed on its own, and every broken one is reported with its
position. Two rispy quirks are handled: ``SN`` (ISBN *or* ISSN) comes back as
``issn``, and its writer puts a numbering line (``1.``) before each record.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import rispy
from django.utils.translation import gettext as _

from readings.citations.csl import EN_DASH, EntryError, ImportResult, clean_entries
from readings.citations.models import CitationKind
from readings.citations.names import format_name

KIND_FOR_RIS_TYPE = {
    "BOOK": CitationKind.BOOK,
    "EDBOOK": CitationKind.BOOK,
    "EBOOK": CitationKind.EBOOK,
    "CHAP": CitationKind.CHAPTER,
    "ECHAP": CitationKind.CHAPTER,
    "CONF": CitationKind.CHAPTER,
    "JOUR": CitationKind.ARTICLE,
    "MGZN": CitationKind.ARTICLE,
    "NEWS": CitationKind.ARTICLE,
    "EJOUR": CitationKind.EARTICLE,
    "JFULL": CitationKind.JOURNAL,
    "ELEC": CitationKind.WEBSITE,
    "WEB": CitationKind.WEBSITE,
    "BLOG": CitationKind.WEBSITE,
    "VIDEO": CitationKind.VIDEO,
    "MPCT": CitationKind.VIDEO,
    "SOUND": CitationKind.AUDIO,
    "MUSIC": CitationKind.AUDIO,
    "RPRT": CitationKind.DOCUMENT,
    "GEN": CitationKind.DOCUMENT,
    "STAND": CitationKind.DOCUMENT,
    "THES": CitationKind.DOCUMENT,
    "UNPB": CitationKind.DOCUMENT,
}
RIS_TYPE_FOR_KIND = {
    CitationKind.BOOK: "BOOK",
    CitationKind.EBOOK: "EBOOK",
    CitationKind.CHAPTER: "CHAP",
    CitationKind.ARTICLE: "JOUR",
    CitationKind.EARTICLE: "EJOUR",
    CitationKind.JOURNAL: "JFULL",
    CitationKind.WEBSITE: "ELEC",
    CitationKind.VIDEO: "VIDEO",
    CitationKind.AUDIO: "SOUND",
    CitationKind.DOCUMENT: "GEN",
    CitationKind.NOTE: "GEN",
    CitationKind.OTHER: "GEN",
}
_BOOK_LIKE = {CitationKind.BOOK, CitationKind.EBOOK, CitationKind.CHAPTER}
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_NUMBERING = re.compile(r"^\d+\.$")
_SIMPLE = {
    "publisher": "publisher",
    "place_published": "place",
    "edition": "edition",
    "volume": "volume",
    "number": "issue",
    "doi": "doi",
}


def import_ris(text: str) -> ImportResult:
    """Read every record of a RIS file into cleaned citation fields, reporting broken ones."""
    raw: list[Mapping[str, Any] | EntryError] = []
    for position, record in enumerate(_records(text), start=1):
        if isinstance(record, str):
            raw.append(EntryError(position, record))
            continue
        try:
            (parsed,) = rispy.loads("\n".join(record) + "\n")
        except (ValueError, KeyError) as exc:  # rispy's own complaints about a record
            raw.append(
                EntryError(
                    position, _("This RIS record cannot be read (%(detail)s).") % {"detail": exc}
                )
            )
            continue
        raw.append(_fields(parsed))
    return clean_entries(raw)


def export_ris(citations: Iterable[Any]) -> str:
    """Write citations as RIS text, one record each, with no numbering lines."""
    text = rispy.dumps([_one_line(_record(c)) for c in citations])
    return "".join(line for line in text.splitlines(True) if not _NUMBERING.match(line.strip()))


def _one_line(record: dict[str, Any]) -> dict[str, Any]:
    """RIS is one tag a line: a line break in a stored value would start a forged tag."""

    def flat(value: str) -> str:
        return " ".join(value.split())

    return {
        key: [flat(v) for v in value] if isinstance(value, list) else flat(value)
        for key, value in record.items()
    }


def _records(text: str) -> Iterable[list[str] | str]:
    """Yield each record's tag lines (wrapped lines joined), or a reason it is broken."""
    current: list[str] | None = None
    orphan = False  # tags seen outside a record: one whose TY line is missing
    for raw_line in text.lstrip("\ufeff").splitlines():
        line = raw_line.rstrip()
        match = _TAG_LINE.match(line)
        if not match:
            if current and line.strip():  # a wrapped value continues the previous tag
                current[-1] = f"{current[-1]} {line.strip()}"
            continue
        tag = match.group(1)
        if tag == "TY":
            if current is not None:
                yield _("This record has no end line (ER) before the next record starts.")
            current = [line]
        elif tag == "ER":
            if current is not None:
                yield [*current, "ER  - "]
            elif orphan:
                yield _("This record has no type line (TY).")
            current, orphan = None, False
        elif current is not None:
            current.append(line)
        else:
            orphan = True
    if current is not None:
        yield _("The file ends inside this record (no ER line).")


def _fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    unknown = entry.get("unknown_tag") or {}
    ris_type = str(entry.get("type_of_reference", "")).upper()
    kind = KIND_FOR_RIS_TYPE.get(ris_type, CitationKind.OTHER)
    title = entry.get("title") or entry.get("primary_title") or ""
    second = (
        entry.get("secondary_title")
        or _first(unknown.get("BT"))
        or entry.get("journal_name")
        or entry.get("alternate_title3")
        or entry.get("alternate_title2")
        or entry.get("alternate_title1")
        or ""
    )
    fields: dict[str, Any] = {"secondary_type": kind}
    if kind == CitationKind.CHAPTER and second:
        fields.update(title=second, chapter_title=title)
    else:
        fields["title"] = title
        if second:
            fields["container_title"] = second
    fields["authors"] = [*entry.get("authors", []), *entry.get("first_authors", [])]
    editors = list(unknown.get("ED", []))
    if kind in _BOOK_LIKE:
        editors += entry.get("secondary_authors", [])
    fields["editors"] = editors
    for key, name in _SIMPLE.items():
        if entry.get(key):
            fields[name] = entry[key]
    date = entry.get("date") or entry.get("year") or entry.get("publication_year") or ""
    fields["publication_date"] = _date(str(date))
    start, end = entry.get("start_page", ""), entry.get("end_page", "")
    if start and end:
        fields.update(start_page=start, end_page=end, pages=f"{start}{EN_DASH}{end}")
    elif start:
        fields["pages"] = start
    number = str(entry.get("issn", "")).split(";")[0].strip()
    if number:
        fields[_isbn_or_issn(number, kind)] = number
    urls = entry.get("urls") or []
    if urls:
        fields["url"] = urls[0]
    notes = [n for n in entry.get("notes", []) if n]
    if notes:
        # Notes from a file are text: escaped, so markup in them is shown, not interpreted.
        fields["public_note"] = "<br>".join(html.escape(n) for n in notes)
    return fields


def _isbn_or_issn(number: str, kind: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", number.split(" ")[0])
    if len(digits) == 8:
        return "issn"
    if len(digits) in (10, 13):
        return "isbn"
    return "isbn" if kind in _BOOK_LIKE else "issn"


def _date(text: str) -> str:
    # RIS dates are YYYY/MM/DD/other; keep ISO when numeric, the words otherwise.
    parts = [p.strip() for p in text.split("/") if p.strip()]
    if parts and all(p.isdigit() for p in parts):
        return "-".join([parts[0], *(p.zfill(2) for p in parts[1:3])])
    return " ".join(parts)


def _record(citation: Any) -> dict[str, Any]:
    kind = citation.secondary_type
    record: dict[str, Any] = {"type_of_reference": RIS_TYPE_FOR_KIND.get(kind, "GEN")}
    if kind == CitationKind.CHAPTER and citation.chapter_title:
        record["title"] = citation.chapter_title
        record["secondary_title"] = citation.title
    else:
        record["title"] = citation.title
        if citation.container_title:
            key = "journal_name" if kind not in _BOOK_LIKE else "secondary_title"
            record[key] = citation.container_title
    if citation.authors:
        record["authors"] = [format_name(n) for n in citation.authors]
    if citation.editors:
        record["secondary_authors"] = [format_name(n) for n in citation.editors]
    if citation.year:
        record["year"] = str(citation.year)
    if citation.publication_date:
        record["date"] = citation.publication_date.replace("-", "/")
    for key, name in _SIMPLE.items():
        if getattr(citation, name):
            record[key] = getattr(citation, name)
    start, end = _page_range(citation)
    if start:
        record["start_page"] = start
    if end:
        record["end_page"] = end
    # rispy writes the ``issn`` key as SN, which RIS uses for ISBNs and ISSNs alike.
    number = citation.isbn if kind in _BOOK_LIKE else citation.issn
    if number or citation.isbn or citation.issn:
        record["issn"] = number or citation.isbn or citation.issn
    if citation.url:
        record["urls"] = [citation.url]
    return record


def _page_range(citation: Any) -> tuple[str, str]:
    if citation.start_page:
        return citation.start_page, citation.end_page
    if citation.pages:
        start, _, end = re.sub(r"\s*[-\u2013]+\s*", "-", citation.pages).partition("-")
        return start, end
    return "", ""


def _first(values: Any) -> str:
    return values[0] if values else ""
