"""New session keys are inserted once, without asking first whether they are taken."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.accounts.models import Session
from readings.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _key_lookups(queries: CaptureQueriesContext) -> list[str]:
    """Django's "is this key taken?" question: an EXISTS-style read of the session table."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "accounts_session"')
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
        and "accounts_session" in q["sql"]
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


def test_a_signed_in_session_row_names_its_person(client, make_user):
    user = make_user("named")
    client.force_login(user)

    session = Session.objects.get(session_key=client.cookies["sessionid"].value)

    assert session.user_id == user.pk
    assert SessionStore().create_model_instance({}).user_id is None


def test_a_signed_in_request_reads_the_session_and_the_person_in_one_query(client, make_user):
    from readings.accounts.models import Role

    user = make_user("one-query", roles=[Role.INSTRUCTOR])
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code in (200, 302)
    reads = [q["sql"] for q in queries.captured_queries]
    assert "accounts_session" in reads[0] and "accounts_user" in reads[0]
    assert not [sql for sql in reads[1:] if sql.startswith("SELECT r.role")], reads


@pytest.fixture
def in_a_request():
    """As between Django's request_started and request_finished, for direct store use."""
    from readings.accounts.backends import read_along_begin, read_along_forget

    read_along_begin()
    yield
    read_along_forget()


def _signed_in_store(user) -> SessionStore:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return store


def test_the_person_read_along_serves_only_that_person(make_user, in_a_request):
    from readings.accounts.backends import AccountBackend

    reader, other = make_user("reader-along"), make_user("someone-else")
    store = _signed_in_store(reader)

    SessionStore(store.session_key).load()
    found = AccountBackend().get_user(other.pk)

    assert found.pk == other.pk and found.username == "someone-else"
    SessionStore(store.session_key).load()
    with CaptureQueriesContext(connection) as queries:
        assert AccountBackend().get_user(reader.pk).username == "reader-along"
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert AccountBackend().get_user(reader.pk).pk == reader.pk  # taken once only
    assert len(queries) == 1


def test_nothing_read_along_outside_a_request_is_handed_over(make_user):
    from readings.accounts.backends import AccountBackend

    reader = make_user("outside")
    store = _signed_in_store(reader)
    SessionStore(store.session_key).load()
    type(reader).objects.filter(pk=reader.pk).update(first_name="Changed since")

    assert AccountBackend().get_user(reader.pk).first_name == "Changed since"


def test_a_person_read_along_is_still_refused_when_inactive(make_user, in_a_request):
    from readings.accounts.backends import AccountBackend

    user = make_user("inactive-along")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    store = _signed_in_store(user)

    SessionStore(store.session_key).load()

    assert AccountBackend().get_user(user.pk) is None


def test_deleting_a_person_ends_their_sessions(client, make_user):
    user = make_user("leaver")
    client.force_login(user)

    user.delete()

    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_sessions_from_before_carry_over_with_their_person(make_user):
    """The migration that gave sessions a person column keeps everyone signed in."""
    import datetime
    import importlib

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session as DjangoSession
    from django.utils import timezone

    migration = importlib.import_module("readings.accounts.migrations.0002_session_with_user")
    user = make_user("carried")
    soon = timezone.now() + datetime.timedelta(days=1)
    encode = DjangoStore().encode
    DjangoSession.objects.create(
        session_key="k" * 32, session_data=encode({"_auth_user_id": str(user.pk)}), expire_date=soon
    )
    DjangoSession.objects.create(
        session_key="a" * 32, session_data=encode({"anonymous": True}), expire_date=soon
    )
    DjangoSession.objects.create(
        session_key="e" * 32,
        session_data=encode({"_auth_user_id": str(user.pk)}),
        expire_date=timezone.now() - datetime.timedelta(days=1),
    )

    migration.sessions_carry_over(apps, None)

    carried = dict(Session.objects.values_list("session_key", "user_id"))
    assert carried == {"k" * 32: user.pk, "a" * 32: None}
    assert SessionStore("k" * 32).load()["_auth_user_id"] == str(user.pk)
