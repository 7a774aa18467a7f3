"""Cache the reader's view of a list: every student sees the same sections.

Readers (students, the public) all get the same filtered content, so the
rendered sections are cached per list version. Every change to a list or its
content bumps ``version`` (lists.services), the institution's settings change
its ``updated_at``, and section windows depend on the institution's date — all
part of the key. Tag renames and catalogue holdings do not bump the version;
the short lifetime bounds how long those can show stale.

The shared HTML holds no per-user state: its reading controls are neutral
forms whose CSRF token is a placeholder, filled in per request by
``with_csrf_token``; each user's done/liked/notes are overlaid by reader.js
from one small JSON request (engagement.views.list_state).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import get_language

from readings.lists.models import ReadingList

READER_PAGE_SECONDS = 300
# Bump when the sections template changes shape, so no old fragment is served.
READER_TEMPLATE_VERSION = 2
# Stands for the CSRF token in the shared HTML; never a valid token itself.
CSRF_PLACEHOLDER = "__reader-csrf-token__"


def reader_sections(
    reading_list: ReadingList, today: datetime.date, render: Callable[[], tuple[str, int]]
) -> tuple[str, int]:
    """Return (sections HTML, visible item count), rendering only on a cache miss."""
    key = ":".join(
        str(part)
        for part in (
            "readings:list-reader",
            READER_TEMPLATE_VERSION,
            reading_list.pk,
            # created_at tells apart a list re-created under a reused id.
            reading_list.created_at.timestamp(),
            reading_list.version,
            reading_list.institution.updated_at.timestamp(),
            today.isoformat(),
            get_language(),
        )
    )
    cached = cache.get(key)
    if cached is None:
        cached = render()
        cache.set(key, cached, READER_PAGE_SECONDS)
    return cached


def with_csrf_token(html: str, token: str) -> str:
    """Put this request's CSRF token into the shared HTML's forms."""
    return html.replace(CSRF_PLACEHOLDER, token)
