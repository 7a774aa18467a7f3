"""Fill in a citation from an identifier: paste a DOI, ISBN, PubMed id or web address.

One entry point, ``resolve_identifier``, detects what was pasted and asks the
right service (Crossref, Open Library, PubMed, or the page itself). Service
addresses come from ``settings.READINGS_RESOLVERS`` so tests can point them at
a local server with recorded answers. Every failure is an ``InvalidInput``
keyed ``identifier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readings.citations.metadata import METADATA_FIELDS, clean_citation_fields
from readings.citations.resolvers import crossref, openlibrary, pagemeta, pubmed
from readings.citations.resolvers.detect import DOI, ISBN, PMID, URL, Identifier, detect_identifier
from readings.core.exceptions import InvalidInput

__all__ = ["Resolution", "detect_identifier", "lookup", "resolve_identifier"]

_RESOLVERS = {
    DOI: (crossref.SOURCE, crossref.resolve_doi),
    ISBN: (openlibrary.SOURCE, openlibrary.resolve_isbn),
    PMID: (pubmed.SOURCE, pubmed.resolve_pmid),
    URL: (pagemeta.SOURCE, pagemeta.resolve_url),
}


@dataclass(frozen=True)
class Resolution:
    identifier: Identifier
    source: str
    fields: dict[str, Any]


def lookup(text: str) -> Resolution:
    """Detect the identifier, ask its service, and return cleaned fields with their source."""
    identifier = detect_identifier(text)
    source, resolve = _RESOLVERS[identifier.kind]
    raw = resolve(identifier.value)
    return Resolution(identifier, source, _usable(raw))


def resolve_identifier(text: str) -> dict[str, Any]:
    """Citation fields (as ``clean_citation_fields`` takes them) for a pasted identifier."""
    return lookup(text).fields


def _usable(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep each field that cleans; a bad ISSN from a service must not lose the title."""
    fields: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in METADATA_FIELDS:
            continue
        try:
            cleaned = clean_citation_fields({name: value}, partial=True)
        except InvalidInput:
            continue
        fields[name] = cleaned[name]
    return fields
