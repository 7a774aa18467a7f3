"""One search interface over every kind of catalogue an institution may use.

``backend_for(institution, name)`` gives a backend whose ``search(query, start=,
limit=)`` returns an ``sru.SearchResult`` of ``marc.Record``; a failing catalogue
raises ``CatalogueUnavailable`` with a message to show as it is.
"""

from __future__ import annotations

import re
from typing import Protocol

from readings.core.exceptions import ApplicationError, InvalidInput, NotFound
from readings.discovery import catalogue
from readings.discovery.catalogue import catalogue_record_to_record, catalogue_search
from readings.discovery.models import DiscoverySource, SourceKind
from readings.discovery.sru import Query, SearchResult, SRUClient, SRUError
from readings.institutions.models import Institution

BUILTIN = "builtin"
_CLIENT_OPTIONS = ("record_schema", "timeout", "retries")
# "title:middlemarch", 'author:"george eliot"': a field prefix a person may type.
_FIELD_PREFIX = re.compile(r'\b(title|author|subject|isbn|issn):\s*("[^"]*"|\S+)', re.IGNORECASE)


class CatalogueUnavailable(ApplicationError):
    """The catalogue could not answer: unreachable, slow, or it refused the search."""

    status = 502
    code = "catalogue_unavailable"


class SearchBackend(Protocol):
    name: str

    def search(self, query: Query, *, start: int = 1, limit: int = 10) -> SearchResult: ...


class BuiltinBackend:
    """The institution's built-in catalogue (``discovery.catalogue``)."""

    def __init__(self, institution: Institution, *, name: str = BUILTIN) -> None:
        self.institution = institution
        self.name = name

    def search(self, query: Query, *, start: int = 1, limit: int = 10) -> SearchResult:
        _require_terms(query)
        offset = max(1, start) - 1
        hits = catalogue_search(
            institution=self.institution, query=query, offset=offset, limit=limit
        )
        following = offset + len(hits.records) + 1
        # Only the ranked matches are paged through (catalogue.RANKED_MATCHES).
        last = min(hits.total, catalogue.RANKED_MATCHES)
        return SearchResult(
            total=hits.total,
            records=[catalogue_record_to_record(row) for row in hits.records],
            next_start=following if hits.records and following <= last else None,
            estimated=hits.estimated,
        )


class SRUBackend:
    """An SRU server registered as a ``DiscoverySource``."""

    def __init__(self, source: DiscoverySource) -> None:
        self.name = source.name
        options = {k: v for k, v in (source.options or {}).items() if k in _CLIENT_OPTIONS}
        self.client = SRUClient(source.url, database=source.database, **options)

    def search(self, query: Query, *, start: int = 1, limit: int = 10) -> SearchResult:
        _require_terms(query)
        try:
            return self.client.search(query, start=start, limit=limit)
        except SRUError as exc:
            raise CatalogueUnavailable(f"{self.name}: {exc}") from exc


def backend_for(institution: Institution, name: str | None = None) -> SearchBackend:
    """The named source of the institution; the built-in catalogue when no name is given."""
    if not name or name == BUILTIN:
        return BuiltinBackend(institution)
    source = DiscoverySource.objects.filter(institution=institution, name=name).first()
    if source is None:
        raise NotFound(f"{institution.code} has no catalogue source named '{name}'.")
    if source.kind == SourceKind.BUILTIN:
        return BuiltinBackend(institution, name=source.name)
    return SRUBackend(source)


def parse_query(text: str) -> Query:
    """Read a typed search: plain words are keywords, ``field:value`` searches one field."""
    parts: dict[str, list[str]] = {}

    def take(match: re.Match) -> str:
        parts.setdefault(match.group(1).lower(), []).append(match.group(2).strip('"'))
        return " "

    keyword = _FIELD_PREFIX.sub(take, text or "")
    return Query(keyword=" ".join(keyword.split()), **{k: " ".join(v) for k, v in parts.items()})


def _require_terms(query: Query) -> None:
    if query.is_empty():
        raise InvalidInput({"query": ["Type something to search for."]})
