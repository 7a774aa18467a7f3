"""Where a reader can get a citation: its DOI, its URL, the library's link resolver.

Plain Python over a citation's fields; every address given back is http(s),
whatever was stored, so a ``javascript:`` link is never emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from readings.discovery.openurl import openurl

# The citation fields an OpenURL context object describes (readings.citations.metadata names).
_OPENURL_FIELDS = (
    "secondary_type",
    "title",
    "authors",
    "container_title",
    "chapter_title",
    "publisher",
    "place",
    "publication_date",
    "year",
    "edition",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "isbn",
    "issn",
    "doi",
    "pmid",
    "oclc",
    "lccn",
    "url",
)


@dataclass(frozen=True)
class CitationLinks:
    doi: str = ""
    url: str = ""
    resolver: str = ""

    def __bool__(self) -> bool:
        return bool(self.doi or self.url or self.resolver)


def is_web_address(value: str) -> bool:
    return value.strip().lower().startswith(("https://", "http://"))


def citation_links(citation: Any, *, resolver_url: str = "") -> CitationLinks:
    """The DOI link, the URL, and the resolver link if the institution has a resolver."""
    doi = citation.doi.strip()
    url = citation.url.strip()
    resolver = ""
    if is_web_address(resolver_url):
        fields = {name: getattr(citation, name, "") for name in _OPENURL_FIELDS}
        resolver = openurl(resolver_url, fields)
    return CitationLinks(
        doi="https://doi.org/" + quote(doi, safe="/:;()[]._-") if doi else "",
        url=url if is_web_address(url) else "",
        resolver=resolver,
    )
