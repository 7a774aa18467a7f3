"""Notice, cheaply, which host names requests arrive on and which pages are slow.

The ``domain`` check needs to know that the institution's own host name is in
use; the "life in production" panel wants slow pages. An ordinary request
costs no database write: the host is written at most once a minute per host
and institution (guarded by the cache). A slow request, rare and already slow,
adds one to its institution's count for the day (see ``slow_page_counts``).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone

from readings.institutions.models import Institution
from readings.readiness.models import HostSeen, SlowPageDay

HOST_WRITE_SECONDS = 60
DEFAULT_SLOW_PAGE_SECONDS = 2.0
# Counters outlive the longest window the production panel shows.
_PREFIX = "readings:readiness"
# Host names that only ever reach a developer's machine (the same as the domain check's).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1", "testserver", ""})


def slow_page_seconds() -> float:
    return float(getattr(settings, "READINGS_SLOW_PAGE_SECONDS", DEFAULT_SLOW_PAGE_SECONDS))


class RequestRecordingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.monotonic()
        response = self.get_response(request)
        elapsed = time.monotonic() - began
        try:
            host, _port = split_domain_port(request.get_host())
        except DisallowedHost:  # already answered with 400; not the institution's address
            return response
        if not host:
            return response
        # A developer's or test client's host is never evidence, and costs nothing here.
        public = host not in LOCAL_HOSTS
        if public:
            for institution_id in _institutions_of(request, host):
                host_seen(institution_id=institution_id, host=host)
        if elapsed >= slow_page_seconds():
            for institution_id in _institutions_of(request, host if public else ""):
                slow_page_count(institution_id=institution_id, elapsed_ms=int(elapsed * 1000))
        return response


def _institutions_of(request: HttpRequest, host: str) -> list[int]:
    """The institutions a request belongs to: the signed-in person's, and the host's owner."""
    found = set(_host_owners(host)) if host else set()
    user = getattr(request, "user", None)
    # request.user is lazy; the view has normally read it already.
    if user is not None and user.is_authenticated and user.institution_id:
        found.add(user.institution_id)
    return sorted(found)


def _host_owners(host: str) -> list[int]:
    from readings.readiness.checks import configured_host

    key = f"{_PREFIX}:owners:{host}"
    owners = cache.get(key)
    if owners is None:
        owners = [
            institution.pk
            for institution in Institution.objects.only("pk", "settings")
            if configured_host(institution) == host
        ]
        cache.set(key, owners, HOST_WRITE_SECONDS)
    return owners


def host_seen(*, institution_id: int, host: str) -> None:
    """Count the request; write HostSeen only when this host's minute has passed."""
    counter = f"{_PREFIX}:host-count:{institution_id}:{host}"
    if not cache.add(counter, 1, None):
        try:
            cache.incr(counter)
        except ValueError:
            cache.set(counter, 1, None)
    if not cache.add(f"{_PREFIX}:host-guard:{institution_id}:{host}", 1, HOST_WRITE_SECONDS):
        return
    pending = cache.get(counter) or 1
    cache.set(counter, 0, None)
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = HostSeen.objects.filter(
                institution_id=institution_id, host=host[:255]
            ).update(last_seen=now, requests=F("requests") + pending)
            if not updated:
                HostSeen.objects.create(
                    institution_id=institution_id,
                    host=host[:255],
                    first_seen=now,
                    last_seen=now,
                    requests=pending,
                )
    except DatabaseError:
        # Evidence is a by-product: a busy database must not fail the person's request.
        cache.delete(f"{_PREFIX}:host-guard:{institution_id}:{host}")


def slow_page_count(
    *, institution_id: int, day: datetime.date | None = None, elapsed_ms: int = 0
) -> None:
    """Count one slow request; slow requests are rare, so a write each is affordable."""
    day = day or timezone.now().date()
    try:
        with transaction.atomic():
            updated = SlowPageDay.objects.filter(institution_id=institution_id, day=day).update(
                count=F("count") + 1, slowest_ms=Greatest("slowest_ms", elapsed_ms)
            )
            if not updated:
                SlowPageDay.objects.create(
                    institution_id=institution_id, day=day, count=1, slowest_ms=elapsed_ms
                )
    except IntegrityError:
        # Another worker created today's row first; count on it.
        SlowPageDay.objects.filter(institution_id=institution_id, day=day).update(
            count=F("count") + 1
        )
    except DatabaseError:
        pass  # evidence is a by-product: never fail the person's request for it


def slow_page_counts(*, institution_id: int, days: int) -> int:
    """Slow requests counted over the last ``days`` days (today included)."""
    since = timezone.now().date() - datetime.timedelta(days=days - 1)
    total = SlowPageDay.objects.filter(institution_id=institution_id, day__gte=since).aggregate(
        total=Sum("count")
    )["total"]
    return total or 0
