"""New session keys are inserted once, without asking first whether they are taken."""

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


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and "django_session" in q["sql"]
    ]


def test_signing_in_writes_the_new_session_once(client, make_user):
    """Django inserts the new key empty, then updates it; here the key is inserted filled."""
    make_user("writer", password="a long pass phrase")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/accounts/login/", {"username": "writer", "password": "a long pass phrase"}
        )
    assert response.status_code == 302
    writes = _session_writes(queries)
    assert len(writes) == 1 and writes[0].upper().startswith("INSERT"), writes
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert session.get_decoded()["_auth_user_id"]


def test_signing_in_again_replaces_the_old_session_with_a_new_key(client, make_user):
    make_user("again", password="a long pass phrase")
    client.get("/accounts/login/")
    store = SessionStore()
    store["before"] = "kept until sign-in"
    store.create()
    client.cookies["sessionid"] = store.session_key
    client.post("/accounts/login/", {"username": "again", "password": "a long pass phrase"})
    new_key = client.cookies["sessionid"].value
    assert new_key != store.session_key
    assert not Session.objects.filter(session_key=store.session_key).exists()
    assert Session.objects.get(session_key=new_key).get_decoded()["before"] == "kept until sign-in"


def test_new_keys_use_the_whole_alphabet_evenly():
    """32 characters of Django's 36, each as likely: 320,000 draws land near 8,889 each."""
    from collections import Counter

    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    from readings.accounts.sessions import random_key

    keys = [random_key(32) for _ in range(10_000)]
    assert all(len(key) == 32 for key in keys)
    counts = Counter("".join(keys))
    assert set(counts) == set(VALID_KEY_CHARS)
    expected = 320_000 / 36
    assert all(abs(count - expected) < 0.06 * expected for count in counts.values()), counts
