"""Cache the reader's view of a list: every student sees the same page.

Readers (students, the public) all get the same filtered content, so the whole
page is rendered once per list version and served from the cache. Every change
to a list, its content or its linked courses bumps ``version``
(lists.services), the institution's settings change its ``updated_at``, and
section windows depend on the institution's date — all part of the key. Tag
renames, course renames and catalogue holdings do not bump the version; the
short lifetime bounds how long those can show stale.

The shared page holds no per-user state. It is rendered from an explicit
context that carries nothing of the request (no context processors run), with
placeholders where each reader's own values go: their CSRF token, the name in
the header and the page address the language switch returns to. What else
differs between readers — signed in or not, which header links they get,
whether the course links are theirs to follow — is part of the key, so a
variant is shared only by readers who would see the very same page. Each
reader's done/liked/notes are overlaid by reader.js from one small JSON
request (engagement.views.list_state).

The page is kept as UTF-8 bytes cut at the placeholders: a request joins the
pieces with its own values, with no template rendering and no search through
the page. Each worker process also keeps the pages it used last in memory,
the very objects (the shared cache hands out a fresh copy on every read), so
many readers' passes (``reader_pass``) can point at one copy of a page.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language

from readings.lists.models import ReadingList

READER_PAGE_SECONDS = 300
# Bump when the page's templates change shape, so no old page is served.
READER_TEMPLATE_VERSION = 3
# Stand for per-request values in the shared HTML; never valid values themselves.
CSRF_PLACEHOLDER = "__reader-csrf-token__"
NAME_PLACEHOLDER = "__reader-user-name__"
PATH_PLACEHOLDER = "__reader-page-path__"
_SLOTS = {CSRF_PLACEHOLDER: "csrf", NAME_PLACEHOLDER: "name", PATH_PLACEHOLDER: "path"}
_SLOT_PATTERN = re.compile("|".join(re.escape(p) for p in _SLOTS))
# Pages a worker keeps at hand (about 200 KiB each for a 200-citation list).
LOCAL_PAGES = 64


@dataclass(frozen=True)
class SharedPage:
    """A rendered page cut at its placeholders: ``pieces`` around ``slots``."""

    pieces: tuple[bytes, ...]
    slots: tuple[str, ...]
    key: str = ""
    rendered_at: float = field(default_factory=time.time)

    @classmethod
    def from_html(cls, html: str, key: str = "") -> SharedPage:
        pieces, slots, start = [], [], 0
        for match in _SLOT_PATTERN.finditer(html):
            pieces.append(html[start : match.start()].encode())
            slots.append(_SLOTS[match.group()])
            start = match.end()
        pieces.append(html[start:].encode())
        return cls(tuple(pieces), tuple(slots), key)

    def fill(self, values: Mapping[str, str]) -> bytes:
        """The page with each slot's value (already HTML-escaped) put in."""
        encoded = {slot: value.encode() for slot, value in values.items()}
        parts = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            parts.append(encoded[slot])
            parts.append(piece)
        return b"".join(parts)


def reader_page(
    reading_list: ReadingList,
    today: datetime.date,
    variant: Hashable,
    render: Callable[[], str],
) -> SharedPage:
    """Return the shared page for this variant, rendering only on a cache miss."""
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
            variant,
        )
    )
    page = local_page(key)
    if page is None:
        page = cache.get(key)
        if page is None:
            page = SharedPage.from_html(render(), key)
            cache.set(key, page, READER_PAGE_SECONDS)
        _keep_local(page)
    return page


_local: OrderedDict[str, SharedPage] = OrderedDict()
_local_lock = threading.Lock()


def local_page(key: str) -> SharedPage | None:
    """This worker's copy of a shared page, while the shared cache would still hold it."""
    page = _local.get(key)
    if page is None or time.time() - page.rendered_at >= READER_PAGE_SECONDS:
        return None
    return page


def _keep_local(page: SharedPage) -> None:
    with _local_lock:
        _local[page.key] = page
        _local.move_to_end(page.key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)
