"""OpenURL 1.0 (ANSI/NISO Z39.88-2004) links to a link resolver, in the KEV format.

Plain Python: give the citation's fields (``readings.citations.metadata`` names,
as a mapping) and the institution's resolver address. Books and chapters use
the book metadata format, articles and journals the journal format, and every
other type (web sites, video, audio, documents) Dublin Core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from readings.citations import identifiers

BOOK_FORMAT = "info:ofi/fmt:kev:mtx:book"
JOURNAL_FORMAT = "info:ofi/fmt:kev:mtx:journal"
DC_FORMAT = "info:ofi/fmt:kev:mtx:dc"
DEFAULT_REFERRER = "info:sid/readings"

# Citation type code (citations.models.CitationKind) → (metadata format, genre).
_FORMATS = {
    "BK": (BOOK_FORMAT, "book"),
    "E_BK": (BOOK_FORMAT, "book"),
    "BOOK_EXTRACT": (BOOK_FORMAT, "bookitem"),
    "CR": (JOURNAL_FORMAT, "article"),
    "E_CR": (JOURNAL_FORMAT, "article"),
    "JR": (JOURNAL_FORMAT, "journal"),
}
# Dublin Core types (DCMI Type Vocabulary) for the rest.
_DC_TYPES = {
    "WS": "InteractiveResource",
    "VD": "MovingImage",
    "AR": "Sound",
    "DO": "Text",
    "NOTE": "Text",
    "OTHER": "Text",
}


def openurl(base_url: str, fields: Mapping[str, Any], *, referrer: str = DEFAULT_REFERRER) -> str:
    """The resolver address with the citation's context object appended as a query string."""
    base = base_url.strip()
    joiner = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        joiner = ""
    return base + joiner + urlencode(context_object(fields, referrer=referrer))


def context_object(
    fields: Mapping[str, Any], *, referrer: str = DEFAULT_REFERRER
) -> list[tuple[str, str]]:
    """Key/value pairs of the OpenURL context object describing the citation."""
    kind = str(fields.get("secondary_type") or "BK")
    pairs = [
        ("url_ver", "Z39.88-2004"),
        ("url_ctx_fmt", "info:ofi/fmt:kev:mtx:ctx"),
        ("ctx_ver", "Z39.88-2004"),
        ("ctx_enc", "info:ofi/enc:UTF-8"),
        ("rfr_id", referrer),
    ]
    metadata_format, genre = _FORMATS.get(kind, (DC_FORMAT, ""))
    pairs.append(("rft_val_fmt", metadata_format))
    if metadata_format == BOOK_FORMAT:
        pairs += _book(fields, genre)
    elif metadata_format == JOURNAL_FORMAT:
        pairs += _journal(fields, genre)
    else:
        pairs += _dublin_core(fields, _DC_TYPES.get(kind, "Text"))
    pairs += _identifiers(fields)
    return [(key, value) for key, value in pairs if value]


def _book(fields: Mapping[str, Any], genre: str) -> list[tuple[str, str]]:
    pairs = [("rft.genre", genre)]
    if genre == "bookitem":
        pairs.append(("rft.atitle", _text(fields, "chapter_title")))
    pairs += [
        ("rft.btitle", _text(fields, "title")),
        *_authors(fields),
        ("rft.edition", _text(fields, "edition")),
        ("rft.pub", _text(fields, "publisher")),
        ("rft.place", _text(fields, "place")),
        ("rft.date", _date(fields)),
        ("rft.isbn", _text(fields, "isbn")),
        *_pages(fields),
    ]
    return pairs


def _journal(fields: Mapping[str, Any], genre: str) -> list[tuple[str, str]]:
    if genre == "journal":
        titles = [("rft.jtitle", _text(fields, "title"))]
    else:
        titles = [
            ("rft.atitle", _text(fields, "title")),
            ("rft.jtitle", _text(fields, "container_title")),
        ]
    return [
        ("rft.genre", genre),
        *titles,
        *_authors(fields),
        ("rft.date", _date(fields)),
        ("rft.volume", _text(fields, "volume")),
        ("rft.issue", _text(fields, "issue")),
        *_pages(fields),
        ("rft.issn", _text(fields, "issn")),
    ]


def _dublin_core(fields: Mapping[str, Any], dc_type: str) -> list[tuple[str, str]]:
    creators = [("rft.creator", _name_text(n)) for n in fields.get("authors") or []]
    return [
        ("rft.title", _text(fields, "title")),
        *creators,
        ("rft.publisher", _text(fields, "publisher") or _text(fields, "container_title")),
        ("rft.date", _date(fields)),
        ("rft.type", dc_type),
        ("rft.identifier", _text(fields, "url")),
    ]


def _authors(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The first author split into last/first names (as resolvers match), all as rft.au."""
    names = [n for n in fields.get("authors") or [] if isinstance(n, Mapping)]
    pairs = []
    if names:
        first = names[0]
        if first.get("family"):
            pairs += [("rft.aulast", first["family"]), ("rft.aufirst", first.get("given", ""))]
        elif first.get("literal"):
            pairs.append(("rft.aucorp", first["literal"]))
    pairs += [("rft.au", _name_text(n)) for n in names]
    return pairs


def _pages(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("rft.spage", _text(fields, "start_page")),
        ("rft.epage", _text(fields, "end_page")),
        ("rft.pages", _text(fields, "pages")),
    ]


def _identifiers(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    # rft_id carries URIs: the info: namespaces registered for OpenURL, and plain URLs.
    pairs = []
    doi = _text(fields, "doi")
    if doi:
        pairs.append(("rft_id", f"info:doi/{doi}"))
    pmid = _text(fields, "pmid")
    if pmid:
        pairs.append(("rft_id", f"info:pmid/{pmid}"))
    oclc = _text(fields, "oclc")
    if oclc:
        pairs.append(("rft_id", f"info:oclcnum/{oclc}"))
    lccn = _text(fields, "lccn")
    if lccn:
        pairs.append(("rft_id", f"info:lccn/{lccn}"))
    url = _text(fields, "url")
    if url:
        pairs.append(("rft_id", url))
    return pairs


def _date(fields: Mapping[str, Any]) -> str:
    year = fields.get("year") or identifiers.year_from_date(_text(fields, "publication_date"))
    return str(year) if year else ""


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return " ".join(str(value).split()) if value else ""


def _name_text(name: Any) -> str:
    if not isinstance(name, Mapping):
        return str(name or "")
    if name.get("literal"):
        return str(name["literal"])
    given = name.get("given", "")
    family = name.get("family", "")
    return f"{family}, {given}" if given else str(family)
