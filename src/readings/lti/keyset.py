"""Platform key sets (JWKS): fetched over HTTP with hard limits, cached, re-fetched on rotation.

Closes a PyLTI1p3 gap: its key set cache never re-fetches, so a platform that
rotates its key breaks every launch until a restart. Here an unknown ``kid``
triggers one re-fetch, at most once per ``refetch_interval`` per URL, so a
stream of forged kids cannot turn Readings into a request amplifier.

Every failure (connection refused, slow server, non-JSON, no keys) raises
KeySetUnavailable: a launch fails closed, within ``timeout`` seconds.
Plain Python: no Django import.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from readings.lti.errors import KeySetUnavailable, UnknownKeyId

Fetch = Callable[[str], dict[str, Any]]


def http_fetcher(*, timeout: float = 5.0, max_bytes: int = 256 * 1024) -> Fetch:
    """A fetcher that gives up after ``timeout`` seconds in total and ``max_bytes`` of body."""

    def fetch(url: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        try:
            with requests.get(
                url,
                timeout=(timeout, timeout),
                stream=True,
                allow_redirects=False,
                headers={"Accept": "application/json", "User-Agent": "Readings-LTI"},
            ) as response:
                if response.status_code != 200:
                    raise KeySetUnavailable(
                        f"The key set at {url} answered HTTP {response.status_code}."
                    )
                body = bytearray()
                # A read timeout applies per chunk; the deadline bounds a slow drip too.
                for chunk in response.iter_content(chunk_size=8192):
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise KeySetUnavailable(f"The key set at {url} is over {max_bytes} bytes.")
                    if time.monotonic() > deadline:
                        raise KeySetUnavailable(f"The key set at {url} took over {timeout} s.")
        except requests.RequestException as exc:
            raise KeySetUnavailable(
                f"The key set at {url} could not be fetched ({type(exc).__name__})."
            ) from exc
        return parse_key_set(bytes(body), url)

    return fetch


def parse_key_set(body: bytes, url: str = "the key set URL") -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeySetUnavailable(f"The key set at {url} is not JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise KeySetUnavailable(f"The key set at {url} has no 'keys' list.")
    keys = [k for k in data["keys"] if isinstance(k, dict) and isinstance(k.get("kid"), str)]
    return {"keys": keys}


@dataclass
class _Entry:
    keys: dict[str, dict[str, Any]]
    fetched_at: float


class KeySetCache:
    """Keys by (URL, kid), cached for ``ttl`` seconds, re-fetched once on an unknown kid.

    After a failed fetch the URL is not tried again for ``failure_backoff``
    seconds, so a platform whose key set is down costs one timeout, not one
    per launch.
    """

    def __init__(
        self,
        fetch: Fetch,
        *,
        ttl: float = 3600.0,
        refetch_interval: float = 60.0,
        failure_backoff: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._refetch_interval = refetch_interval
        self._failure_backoff = failure_backoff
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._failures: dict[str, tuple[float, KeySetUnavailable]] = {}
        self._refetched_at: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def key(self, url: str, kid: str) -> dict[str, Any]:
        """The JWK with this kid; raise UnknownKeyId or KeySetUnavailable."""
        entry = self._entries.get(url)
        if entry is None or self._clock() - entry.fetched_at > self._ttl:
            entry = self._refresh(url, stale=entry)
        if kid in entry.keys:
            return entry.keys[kid]
        # An unknown kid is how a key rotation looks: fetch once more. At most one
        # such re-fetch per URL per interval, however many kids are forged.
        if self._may_refetch(url):
            entry = self._refresh(url, stale=entry)
            if kid in entry.keys:
                return entry.keys[kid]
        raise UnknownKeyId(f"No key with kid {kid!r} in the platform key set at {url}.")

    def _may_refetch(self, url: str) -> bool:
        with self._guard:
            now = self._clock()
            last = self._refetched_at.get(url)
            if last is not None and now - last < self._refetch_interval:
                return False
            self._refetched_at[url] = now
            return True

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self._failures.clear()
            self._refetched_at.clear()

    def _refresh(self, url: str, *, stale: _Entry | None) -> _Entry:
        with self._guard:
            lock = self._locks.setdefault(url, threading.Lock())
        with lock:
            current = self._entries.get(url)
            if current is not None and current is not stale:
                return current  # another thread fetched while this one waited
            failure = self._failures.get(url)
            if failure is not None and self._clock() - failure[0] < self._failure_backoff:
                raise KeySetUnavailable(failure[1].detail)
            try:
                key_set = self._fetch(url)
            except KeySetUnavailable as exc:
                self._failures[url] = (self._clock(), exc)
                raise
            self._failures.pop(url, None)
            entry = _Entry(keys={k["kid"]: k for k in key_set["keys"]}, fetched_at=self._clock())
            self._entries[url] = entry
            return entry
