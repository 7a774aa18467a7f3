"""Answer a reader's repeat visit to a list without Django, while nothing on the page changed.

Students open the same list over and over (every click from the LMS, every
return from a reading). After the first full request, the reader's page is the
shared page (``page_cache``) with that reader's own values put in; so the page
for the same reader, cookies, host and language is the same bytes as long as
the facts it was built from hold. A *pass* remembers those facts, per worker
process, and the WSGI handler (``config.wsgi``) answers a repeat request from
it after **one** query that re-reads them:

- the session row (its data byte for byte, and that it has not expired), so a
  signed-out, expired or changed session (a flash message, a new LTI frame)
  falls back to Django at once, in every worker;
- the user's row (active, password hash — Django's session check — name,
  staff flags, institution);
- the list's ``version`` and creation time (every change to the list, its
  content, courses, members or publication bumps the version) and its
  institution's ``updated_at`` (settings, time zone), plus the institution's
  date (section windows).

What that query does not cover — a student's enrolment or roles changing — can
lag by at most ``READINGS_READER_PASS_SECONDS`` (15 s by default; 0 turns the
fast path off): after that a pass is re-earned through the full request. The
facts a pass keeps are those the view read *before* rendering (the list,
institution, session and user rows as it loaded them), so a pass is never
newer than its page: a change made meanwhile no longer matches on the next
visit, which goes through Django.

A pass is only ever earned by a 200 response that set no cookie and carried
the shared reader page (``response.reader_page``, set by ``lists.views``), so
editors, redirects, error pages and anything that changes cookies always go
through Django.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
import time
import zoneinfo
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone

from readings.core.rows import converter
from readings.lists.page_cache import SharedPage, local_page

DEFAULT_PASS_SECONDS = 15
# Passes held per worker process: each is a few hundred bytes plus a reference
# to a shared page that every reader of that list shares.
MAX_PASSES = 5000
_LIST_PATH = re.compile(r"/lists/([1-9][0-9]{0,17})/\Z")
_DB_SESSION_ENGINES = frozenset(
    {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "readings.accounts.sessions",
    }
)


@dataclass(frozen=True)
class ReaderPage:
    """What ``lists.views`` tells the handler about a shared reader page it answered with."""

    list_id: int
    user_id: int | None
    version: int
    time_zone: str
    today: datetime.date
    page: SharedPage
    values: dict[str, str]
    # The reader's row as the view saw it (``user_facts``); empty when signed out.
    user_facts: tuple = ()
    # The list's and institution's row as the view read them (``list_facts``).
    list_facts: tuple = ()


@dataclass(frozen=True)
class Probe:
    """A request that could be answered from a pass: its key and the facts to re-read."""

    key: tuple
    list_id: int
    session_key: str | None
    csrf: str


@dataclass
class _Pass:
    facts: tuple  # as the view read them (aware datetimes)
    user_id: int | None
    time_zone: str
    today: datetime.date
    page_key: str
    values: dict[str, str]
    status: str
    headers: list[tuple[str, str]]
    expires: float
    # The same facts as the pass query returns them, once a visit has matched them:
    # later visits compare without converting.
    read: tuple | None = None


_passes: OrderedDict[tuple, _Pass] = OrderedDict()
_lock = threading.Lock()


def pass_seconds() -> float:
    return float(getattr(settings, "READINGS_READER_PASS_SECONDS", DEFAULT_PASS_SECONDS))


def enabled() -> bool:
    return pass_seconds() > 0 and settings.SESSION_ENGINE in _DB_SESSION_ENGINES


def probe(environ: dict[str, Any]) -> Probe | None:
    """The pass key for a request that may be served from one, else None.

    Everything that can change the bytes or the headers Django would answer with
    is in the key: the path, the session and CSRF cookies, the language cookie
    and header, the host and the scheme. A pending flash-message cookie, a query
    string or any method but GET always goes to Django.
    """
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return None
    match = _LIST_PATH.match(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    csrf = cookies.get(settings.CSRF_COOKIE_NAME)
    if not csrf or "messages" in cookies:
        return None
    session_key = cookies.get(settings.SESSION_COOKIE_NAME) or None
    key = (
        match.group(1),
        session_key,
        csrf,
        cookies.get(settings.LANGUAGE_COOKIE_NAME),
        environ.get("HTTP_ACCEPT_LANGUAGE"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_X_FORWARDED_PROTO"),
        environ.get("SCRIPT_NAME", ""),
    )
    return Probe(key=key, list_id=int(match.group(1)), session_key=session_key, csrf=csrf)


# The user's columns a page depends on: Django's session check (active, password
# hash), the name in the header, and what picks the page's variant.
USER_FIELDS = (
    "is_active", "password", "username", "first_name", "last_name",
    "is_staff", "is_superuser", "institution_id",
)  # fmt: skip


def list_facts(reading_list: Any) -> tuple:
    """The list's facts as the view read them (version, creation, institution's state)."""
    institution = reading_list.institution
    return (
        reading_list.version,
        reading_list.created_at,
        institution.updated_at,
        institution.time_zone,
    )


def user_facts(user: Any) -> tuple:
    """The reader's row as a page built for them saw it, comparable with ``read_facts``."""
    if not user.is_authenticated:
        return ()
    return tuple(getattr(user, field) for field in USER_FIELDS)


def read_facts(probe: Probe, user_id: int | None) -> tuple | None:
    """The facts a pass stands on, in one query; None if the list is gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_sql(), (probe.session_key or "", timezone.now(), user_id or 0, probe.list_id)
        )
        return cursor.fetchone()


@functools.cache
def _facts_sql() -> str:
    from importlib import import_module

    from readings.accounts.models import User
    from readings.institutions.models import Institution
    from readings.lists.models import ReadingList

    sessions = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    return _FACTS_SQL.format(
        lists=ReadingList._meta.db_table,
        institutions=Institution._meta.db_table,
        sessions=sessions._meta.db_table,
        users=User._meta.db_table,
        user_columns=", ".join(f"u.{field}" for field in USER_FIELDS),
    )


# The session is matched by key and unexpired; its user by the id the pass was
# earned with. Both are outer joins, so a vanished session or user reads as NULLs
# and no longer matches the facts remembered.
_FACTS_SQL = """
SELECT l.version, l.created_at, i.updated_at, i.time_zone, s.session_data, {user_columns}
FROM {lists} l
JOIN {institutions} i ON i.id = l.institution_id
LEFT JOIN {sessions} s ON s.session_key = %s AND s.expire_date > %s
LEFT JOIN {users} u ON u.id = %s
WHERE l.id = %s
"""


def remember(probe: Probe, session_data: str | None, response: HttpResponse) -> None:
    """Keep a pass for this response if it is the shared reader page.

    The facts kept are those the view built the page from, all read before
    the page: the list and institution (``ReaderPage.list_facts``), the
    session row as it was loaded (``session_data``, byte for byte) and the
    reader's row (``ReaderPage.user_facts``). A change made since any of them
    was read differs from what ``serve`` reads next, so the pass never
    outlives a change it did not see; it costs no query of its own.
    """
    page: ReaderPage | None = getattr(response, "reader_page", None)
    if page is None or response.status_code != 200 or page.list_id != probe.list_id:
        return
    if not _only_renews_csrf(probe, response):
        return
    user = page.user_facts if page.user_id is not None else (None,) * len(USER_FIELDS)
    entry = _Pass(
        facts=(*page.list_facts, session_data, *user),
        user_id=page.user_id,
        time_zone=page.time_zone,
        today=page.today,
        page_key=page.page.key,
        values=page.values,
        status=f"{response.status_code} {response.reason_phrase}",
        # As Django's WSGI handler sends them, the CSRF cookie's renewal included.
        headers=[
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ],
        expires=time.monotonic() + pass_seconds(),
    )
    with _lock:
        _passes[probe.key] = entry
        _passes.move_to_end(probe.key)
        while len(_passes) > MAX_PASSES:
            _passes.popitem(last=False)


def _as_read(facts: tuple) -> tuple:
    """Facts as ``read_facts`` gives them, made what the view read: aware datetimes.

    The other columns compare equal as they come (SQLite's 0 and 1 equal False
    and True).
    """
    created, updated = _datetime_converters()
    return (facts[0], created(facts[1]), updated(facts[2]), *facts[3:])


def _datetime_converters() -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    # Made with the connection proxy: each call converts with the calling thread's own.
    found = _converters.get(connection.vendor)
    if found is None:
        from readings.institutions.models import Institution
        from readings.lists.models import ReadingList

        found = _converters[connection.vendor] = (
            converter(ReadingList._meta.get_field("created_at"), connection),
            converter(Institution._meta.get_field("updated_at"), connection),
        )
    return found


_converters: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}


def _only_renews_csrf(probe: Probe, response: HttpResponse) -> bool:
    """True if the response sets no cookie but the CSRF one, to the value the browser sent.

    Django re-sends the CSRF cookie on every page with a form, only to push its
    expiry back; a pass sends that same header again. Any other cookie (a new
    session, a language) means the answer belongs to this request alone.
    """
    cookies = response.cookies
    if not cookies:
        return True
    name = settings.CSRF_COOKIE_NAME
    return set(cookies) == {name} and cookies[name].value == probe.csrf


def serve(
    probe: Probe, start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes] | None:
    """Answer from a pass if its facts still hold; None sends the request on to Django."""
    entry = _passes.get(probe.key)
    if entry is None:
        return None
    # A pass points at the worker's copy of the page; when that is gone, Django renders.
    page = local_page(entry.page_key)
    stale = time.monotonic() >= entry.expires or _today(entry.time_zone) != entry.today
    if page is None or stale:
        _forget(probe.key)
        return None
    try:
        facts = read_facts(probe, entry.user_id)
    except DatabaseError:
        # A broken connection: let Django's request cycle reconnect and answer.
        connection.close()
        return None
    if facts is None or (facts != entry.read and _as_read(facts) != entry.facts):
        _forget(probe.key)
        return None
    entry.read = facts
    start_response(entry.status, entry.headers)
    return [page.fill(entry.values)]


def forget_all() -> None:
    with _lock:
        _passes.clear()


def _forget(key: tuple) -> None:
    with _lock:
        _passes.pop(key, None)


def _today(time_zone: str) -> datetime.date:
    return datetime.datetime.now(_zone(time_zone)).date()


_zones: dict[str, zoneinfo.ZoneInfo] = {}


def _zone(name: str) -> zoneinfo.ZoneInfo:
    zone = _zones.get(name)
    if zone is None:
        zone = _zones[name] = zoneinfo.ZoneInfo(name)
    return zone
