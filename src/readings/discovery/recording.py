"""Search a catalogue and keep a record of how it went.

The record is the evidence of the go-live ``discovery_search`` check (a search
that returned records) and of the "life in production" error rate. Searches
refused before reaching a catalogue (an empty query) are not recorded.
"""

from __future__ import annotations

import time

from django.utils import timezone

from readings.accounts.models import User
from readings.discovery.backends import CatalogueUnavailable, backend_for
from readings.discovery.models import SearchRecord
from readings.discovery.sru import Query, SearchResult
from readings.institutions.models import Institution


def search_recorded(
    *,
    institution: Institution,
    query: Query,
    text: str,
    source: str | None = None,
    start: int = 1,
    limit: int = 10,
    user: User | None = None,
    is_test: bool = False,
) -> SearchResult:
    """Run the search on the named source (default: the built-in catalogue) and record it."""
    backend = backend_for(institution, source)
    began = time.monotonic()
    try:
        found = backend.search(query, start=start, limit=limit)
    except CatalogueUnavailable as exc:
        _record(institution, backend.name, text, began, user, is_test, error=str(exc))
        raise
    _record(institution, backend.name, text, began, user, is_test, total=found.total)
    return found


def _record(
    institution: Institution,
    source: str,
    text: str,
    began: float,
    user: User | None,
    is_test: bool,
    *,
    total: int = 0,
    error: str = "",
) -> SearchRecord:
    return SearchRecord.objects.create(
        institution=institution,
        created_at=timezone.now(),
        source=source[:100],
        query=text[:300],
        total=total,
        error=error[:2000],
        duration_ms=int((time.monotonic() - began) * 1000),
        is_test=is_test,
        user=user if user is not None and user.is_authenticated else None,
    )
