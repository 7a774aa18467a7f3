"""New session keys are inserted without asking first whether they are taken."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _key_lookups(queries: CaptureQueriesContext) -> list[str]:
    """Django's "is this key taken?" question: an EXISTS-style read of the session table."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "django_session"')
    ]


def test_a_new_session_is_one_insert_without_a_lookup():
    store = SessionStore()
    store["seen"] = True
    with CaptureQueriesContext(connection) as queries:
        store.create()
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements.count("INSERT") == 1
    assert "SELECT" not in statements
    assert not _key_lookups(queries)
    assert Session.objects.filter(session_key=store.session_key).exists()


def test_a_key_already_taken_is_replaced_by_another(monkeypatch):
    taken = SessionStore()
    taken.create()
    keys = iter([taken.session_key, "n" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    fresh = SessionStore()
    fresh.create()
    assert fresh.session_key == "n" * 32
    assert Session.objects.count() == 2


def test_signing_in_never_asks_whether_the_new_key_is_taken(client, make_user):
    user = make_user("signer")
    with CaptureQueriesContext(connection) as queries:
        client.force_login(user)
    assert not _key_lookups(queries)
    assert Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
