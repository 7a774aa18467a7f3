"""Writes made together: sent as one statement on PostgreSQL, applied all or none."""

from __future__ import annotations

import datetime
import tempfile

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.core.rows import insert, update, writes_together
from readings.lti.models import LaunchRecord, UsedNonce

pytestmark = pytest.mark.django_db(transaction=True)


class Taken(Exception):
    pass


def _nonce(value: str) -> UsedNonce:
    expires = timezone.now() + datetime.timedelta(minutes=5)
    return UsedNonce(issuer="https://lms.example.edu", nonce=value, expires_at=expires)


def _record(reference: str) -> LaunchRecord:
    return LaunchRecord(reference=reference, created_at=timezone.now(), step="launch")


def test_writes_together_are_all_applied_and_the_new_keys_filled_in(make_user):
    user = make_user("together")
    nonce, record = _nonce("t-1"), _record("TOGETHER1")
    with writes_together():
        insert(nonce, taken=Taken())
        insert(record)
        user.last_login = timezone.now()
        update(user, "last_login")
        assert nonce.pk is None  # nothing is sent before the block ends

    assert UsedNonce.objects.get(pk=nonce.pk).nonce == "t-1"
    assert LaunchRecord.objects.get(pk=record.pk).reference == "TOGETHER1"
    assert type(user).objects.get(pk=user.pk).last_login == user.last_login


def test_a_taken_row_applies_none_of_the_writes_and_raises_its_error(make_user):
    insert(_nonce("used"))
    user = make_user("replayer")
    before = type(user).objects.get(pk=user.pk).last_login

    with pytest.raises(Taken), writes_together():
        insert(_record("REPLAY1"))
        insert(_nonce("used"), taken=Taken())
        user.last_login = timezone.now()
        update(user, "last_login")

    assert not LaunchRecord.objects.filter(reference="REPLAY1").exists()
    assert type(user).objects.get(pk=user.pk).last_login == before
    assert UsedNonce.objects.filter(nonce="used").count() == 1


def test_a_taken_row_without_an_error_of_its_own_fails_them_all():
    insert(_record("TAKEN1"))

    with pytest.raises(IntegrityError), writes_together():
        insert(_nonce("fresh"))
        insert(_record("TAKEN1"), unless_taken=True)  # cannot be skipped when together

    assert not UsedNonce.objects.filter(nonce="fresh").exists()


def test_an_error_in_the_block_sends_nothing():
    with pytest.raises(RuntimeError), writes_together():
        insert(_nonce("never"))
        raise RuntimeError("the launch failed after deciding its writes")

    assert not UsedNonce.objects.filter(nonce="never").exists()


def test_orm_writes_in_the_block_share_the_transaction():
    with pytest.raises(Taken), writes_together():
        _record("BYORM1").save()
        insert(_nonce("orm-then-taken"))
        insert(_nonce("orm-then-taken"), taken=Taken())

    assert not LaunchRecord.objects.filter(reference="BYORM1").exists()


def test_an_update_of_a_row_inserted_in_the_same_block_is_refused():
    record = _record("UNSEEN1")
    with pytest.raises(ValueError, match="not yet written"), writes_together():
        insert(record)
        update(record, "result")


def test_a_block_inside_another_joins_it():
    with writes_together():
        insert(_nonce("outer"))
        with writes_together():
            insert(_nonce("inner"))
        assert not UsedNonce.objects.filter(nonce__in=["outer", "inner"]).exists()

    assert UsedNonce.objects.filter(nonce__in=["outer", "inner"]).count() == 2


def test_inside_a_callers_transaction_the_writes_are_rolled_back_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        with writes_together():
            insert(_nonce("rolled-back"))
        assert UsedNonce.objects.filter(nonce="rolled-back").exists()
        raise RuntimeError

    assert not UsedNonce.objects.filter(nonce="rolled-back").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sends one statement")
def test_on_postgresql_the_writes_are_one_statement_with_no_begin_or_commit(make_user):
    user = make_user("one-statement")
    connection.ensure_connection()
    with tempfile.TemporaryFile() as trace:
        # libpq's own record of every message sent to the server.
        connection.connection.pgconn.trace(trace.fileno())
        try:
            with CaptureQueriesContext(connection) as captured, writes_together():
                insert(_nonce("traced"))
                insert(_record("TRACED1"))
                update(user, "last_login")
        finally:
            connection.connection.pgconn.untrace()
        trace.seek(0)
        sent = trace.read().decode(errors="replace")

    # Django notes the transaction it opened; the wire shows nothing of it was sent.
    statements = [q["sql"] for q in captured.captured_queries]
    assert [s for s in statements if s not in ("BEGIN", "COMMIT")] == [statements[1]]
    assert statements[1].startswith("WITH ")
    assert "INSERT INTO" in sent
    assert "BEGIN" not in sent and "COMMIT" not in sent
    assert UsedNonce.objects.filter(nonce="traced").exists()


def test_a_row_refused_for_another_reason_than_a_duplicate_is_not_called_taken():
    """Only a unique constraint means "taken"; a missing value stays the database's error."""
    missing_issuer = _nonce("no-issuer")
    missing_issuer.issuer = None

    with pytest.raises(IntegrityError), writes_together():
        insert(_record("NOTTAKEN1"))
        insert(missing_issuer, taken=Taken())

    assert not LaunchRecord.objects.filter(reference="NOTTAKEN1").exists()
