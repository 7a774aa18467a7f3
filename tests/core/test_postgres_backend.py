"""The PostgreSQL backend's health check: the socket answers, a query only when in doubt."""

import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture(autouse=True)
def _fresh_connection_after():
    yield
    connection.close()  # a connection the test ended must not reach the teardown


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_an_idle_healthy_connection_is_usable_without_a_query(monkeypatch):
    _backend_pid()
    sent = []
    monkeypatch.setattr(
        type(connections["default"]).__mro__[1], "is_usable", lambda self: sent.append(1) or True
    )

    assert connection.is_usable()
    assert sent == []


def test_a_connection_the_server_ended_is_not_usable():
    pid = _backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye reaches the socket a moment later.
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)

    assert not connection.is_usable()


def test_the_first_query_after_the_server_ended_the_connection_reconnects(monkeypatch):
    pid = _backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    # As at the start of a request that reuses the connection, with CONN_HEALTH_CHECKS.
    monkeypatch.setattr(connections["default"], "health_check_enabled", True)
    connection.health_check_done = False

    assert _backend_pid() != pid


def test_writes_together_on_a_connection_the_server_ended_fail_with_the_database_error():
    """The statement's own error reaches the caller, and Django can reconnect afterwards."""
    from django.db import OperationalError

    from readings.core.rows import insert, writes_together
    from readings.lti.models import UsedNonce

    pid = _backend_pid()
    params = connection.get_connection_params()
    expires = "2099-01-01T00:00:00Z"
    with pytest.raises(OperationalError), writes_together():
        insert(UsedNonce(issuer="https://lms.example.edu", nonce="lost", expires_at=expires))
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.2)

    connection.close()
    assert _backend_pid() != pid
    assert not UsedNonce.objects.filter(nonce="lost").exists()
