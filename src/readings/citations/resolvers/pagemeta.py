"""Web addresses: read the page's own metadata.

Publishers embed Highwire ``citation_*`` tags (what Google Scholar reads),
Dublin Core ``DC.*``, Open Graph ``og:*`` and schema.org JSON-LD. The most
specific wins: citation_* over JSON-LD over Dublin Core over Open Graph over
the page's <title>.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import lxml.html
from django.utils.translation import gettext as _
from lxml import etree

from readings.citations.models import CitationKind
from readings.citations.names import parse_name
from readings.citations.resolvers import http
from readings.citations.resolvers.text import page_range, plain, without_empty

SOURCE = "page"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset=([\w\-]+)", re.IGNORECASE)
_JSONLD_KINDS = {
    "scholarlyarticle": CitationKind.ARTICLE,
    "article": CitationKind.WEBSITE,
    "newsarticle": CitationKind.WEBSITE,
    "blogposting": CitationKind.WEBSITE,
    "book": CitationKind.BOOK,
    "chapter": CitationKind.CHAPTER,
    "videoobject": CitationKind.VIDEO,
    "audioobject": CitationKind.AUDIO,
    "podcastepisode": CitationKind.AUDIO,
    "report": CitationKind.DOCUMENT,
    "thesis": CitationKind.DOCUMENT,
}


def resolve_url(url: str) -> dict[str, Any]:
    page = http.fetch_page(url)
    kind = page.content_type.split(";")[0].strip().lower()
    if kind and kind not in _HTML_TYPES:
        raise http.invalid(
            _("The link is not a web page (it is %(kind)s); add it with the form instead."),
            kind=kind[:40],
        )
    fields = fields_from_html(page.body, charset=_charset(page.content_type))
    fields["url"] = url
    if not fields.get("title"):
        raise http.invalid(_("The page at %(url)s has no title to fill in."), url=url[:80])
    return fields


def fields_from_html(body: bytes, *, charset: str = "") -> dict[str, Any]:
    try:
        parser = lxml.html.HTMLParser(encoding=charset or None, no_network=True)
        root = lxml.html.document_fromstring(body, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return {}
    meta = _meta(root)
    ld = _json_ld(root)
    # Publishers put the citation_* tags on article pages only; they win.
    fields: dict[str, Any] = {
        "title": _pick(meta, "citation_title", "dc.title", "dcterms.title")
        or plain(ld.get("headline") or ld.get("name"))
        or _pick(meta, "og:title", "twitter:title")
        or plain(root.findtext(".//title")),
        "authors": _authors(meta, ld),
        "container_title": _pick(
            meta, "citation_journal_title", "citation_conference_title", "citation_book_title"
        )
        or _part_of(ld)
        or _pick(meta, "og:site_name"),
        "publisher": _pick(meta, "citation_publisher", "dc.publisher", "dcterms.publisher")
        or _name(ld.get("publisher")),
        "publication_date": _date(
            _pick(
                meta,
                "citation_publication_date",
                "citation_date",
                "citation_online_date",
                "dc.date",
                "dcterms.issued",
                "dcterms.date",
            )
            or plain(ld.get("datePublished"))
            or _pick(meta, "article:published_time")
        ),
        "volume": _pick(meta, "citation_volume"),
        "issue": _pick(meta, "citation_issue"),
        "pages": _pages(meta),
        "isbn": _pick(meta, "citation_isbn"),
        "issn": _pick(meta, "citation_issn", "citation_eissn"),
        "doi": _pick(meta, "citation_doi") or _dc_doi(meta),
        "pmid": _pick(meta, "citation_pmid"),
    }
    fields["secondary_type"] = _kind(meta, ld, fields)
    return without_empty(fields)


def _charset(content_type: str) -> str:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else ""


def _meta(root: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for tag in root.iter("meta"):
        key = (tag.get("name") or tag.get("property") or "").strip().lower()
        value = plain(tag.get("content"))
        if key and value:
            found[key].append(value)
    return found


def _pick(meta: dict[str, list[str]], *keys: str) -> str:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return ""


def _json_ld(root: Any) -> dict[str, Any]:
    """The first schema.org object that describes a work, from any JSON-LD block."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(str(t).lower() in _JSONLD_KINDS or str(t) == "WebPage" for t in types):
                return item
    return {}


def _ld_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [i for d in data for i in _ld_items(d)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph", []))]
    return []


def _authors(meta: dict[str, list[str]], ld: dict[str, Any]) -> list[dict[str, str]]:
    for key in ("citation_author", "dc.creator", "dcterms.creator"):
        if meta.get(key):
            return [parse_name(v) for v in meta[key][:100]]
    people = ld.get("author")
    people = people if isinstance(people, list) else [people] if people else []
    names = [_name(p) for p in people]
    return [parse_name(n) for n in names if n][:100]


def _name(value: Any) -> str:
    if isinstance(value, dict):
        return plain(value.get("name"))
    return plain(value) if isinstance(value, str) else ""


def _part_of(ld: dict[str, Any]) -> str:
    return _name(ld.get("isPartOf"))


def _pages(meta: dict[str, list[str]]) -> str:
    first, last = _pick(meta, "citation_firstpage"), _pick(meta, "citation_lastpage")
    return page_range(f"{first}-{last}") if first and last else first


def _dc_doi(meta: dict[str, list[str]]) -> str:
    for value in meta.get("dc.identifier", []):
        match = re.search(r"(10\.\d{4,9}/\S+)", value)
        if match:
            return match.group(1)
    return ""


def _date(value: str) -> str:
    # "2019/05/14" (Highwire) and "2019-05-14T10:00:00Z" (Open Graph) -> 2019-05-14.
    text = value.strip()
    match = re.match(r"^(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?", text)
    if not match:
        return text
    year, month, day = match.groups()
    return "-".join([year, *(p.zfill(2) for p in (month, day) if p)])


def _kind(meta: dict[str, list[str]], ld: dict[str, Any], fields: dict[str, Any]) -> str:
    if _pick(meta, "citation_journal_title"):
        return CitationKind.ARTICLE
    if _pick(meta, "citation_isbn") and not _pick(meta, "citation_book_title"):
        return CitationKind.BOOK
    if _pick(meta, "citation_book_title"):
        return CitationKind.CHAPTER
    types = ld.get("@type")
    for ld_type in types if isinstance(types, list) else [types]:
        if str(ld_type).lower() in _JSONLD_KINDS:
            return _JSONLD_KINDS[str(ld_type).lower()]
    og_type = _pick(meta, "og:type").lower()
    if og_type.startswith("video"):
        return CitationKind.VIDEO
    if og_type.startswith("music"):
        return CitationKind.AUDIO
    if og_type == "book":
        return CitationKind.BOOK
    return CitationKind.WEBSITE
