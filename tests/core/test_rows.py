"""Hand-written statements give and take the same model instances as the ORM."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import RequestFactory
from django.utils import timezone

from readings.accounts.backends import AccountBackend
from readings.accounts.models import Role
from readings.core.rows import ModelColumns, fits, insert, update
from readings.lti.models import LaunchRecord, Platform, UsedNonce

pytestmark = pytest.mark.django_db


def _platform(institution, client_id: str, **fields) -> Platform:
    return Platform.objects.create(
        institution=institution,
        issuer="https://lms.example.edu",
        client_id=client_id,
        auth_login_url="https://lms.example.edu/auth",
        keyset_url="https://lms.example.edu/jwks",
        **fields,
    )


def test_a_row_becomes_the_instance_the_orm_would_have_built(institution):
    platform = _platform(institution, "c1", trusted_audiences=["other-tool"])
    columns = ModelColumns(Platform)

    built = columns.first("t.id = %s", [platform.pk])

    by_orm = Platform.objects.get(pk=platform.pk)
    for field in Platform._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(by_orm, field.attname), field.name
    assert timezone.is_aware(built.created_at)  # SQLite gives text; the converter makes it aware
    assert built.trusted_audiences == ["other-tool"]  # JSON read back as a list
    assert built.is_active is True
    assert not built._state.adding


def test_an_instance_read_with_some_columns_defers_the_others(institution):
    columns = ModelColumns(Platform, "id", "issuer")
    platform = _platform(institution, "c2")

    built = columns.first("t.id = %s", [platform.pk])

    assert built.issuer == "https://lms.example.edu"
    assert "client_id" in built.get_deferred_fields()
    with pytest.raises(ValueError, match="no column"):
        ModelColumns(Platform, "id", "no_such_column")


def test_an_insert_stores_what_save_would_and_fills_the_key():
    expires = timezone.now() + datetime.timedelta(minutes=5)
    nonce = UsedNonce(issuer="https://lms.example.edu", nonce="n-1", expires_at=expires)

    insert(nonce)

    assert nonce.pk is not None and not nonce._state.adding
    stored = UsedNonce.objects.get(pk=nonce.pk)
    assert (stored.issuer, stored.nonce, stored.expires_at) == (nonce.issuer, "n-1", expires)


def test_an_insert_of_a_model_with_save_receivers_goes_through_the_orm():
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.reference, created))

    post_save.connect(receiver, sender=LaunchRecord, dispatch_uid="test_rows_receiver")
    try:
        insert(LaunchRecord(reference="REF1", created_at=timezone.now(), step="launch"))
    finally:
        post_save.disconnect(sender=LaunchRecord, dispatch_uid="test_rows_receiver")

    assert heard == [("REF1", True)]


def test_an_update_writes_only_the_fields_named(make_user):
    user = make_user("updated", first_name="Ada")
    user.first_name = "Changed in memory only"
    user.last_login = timezone.now()

    update(user, "last_login")

    stored = type(user).objects.get(pk=user.pk)
    assert stored.last_login == user.last_login
    assert stored.first_name == "Ada"


def test_an_id_beyond_the_column_does_not_fit():
    field = Platform._meta.pk
    assert fits(field, 12, connection)
    assert not fits(field, 10**30, connection)


def test_the_backend_reads_the_person_with_their_roles(make_user):
    user = make_user("reader", roles=[Role.LIBRARIAN, Role.INSTRUCTOR])

    found = AccountBackend().get_user(str(user.pk))

    assert found.pk == user.pk and found.username == "reader"
    assert found.role_set == {Role.LIBRARIAN, Role.INSTRUCTOR}
    assert found.last_login == user.last_login and found.date_joined == user.date_joined


def test_the_backend_refuses_inactive_people_and_ids_that_are_not_ids(make_user):
    user = make_user("gone")
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    assert AccountBackend().get_user(user.pk) is None
    assert AccountBackend().get_user("not-a-number") is None
    assert AccountBackend().get_user(10**12) is None


def test_a_signed_in_request_gets_the_person_from_the_backend(client, make_user):
    user = make_user("session-reader", roles=[Role.INSTRUCTOR])
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session

    assert get_user(request).pk == user.pk
    assert get_user(request).role_set == {Role.INSTRUCTOR}


def test_a_taken_row_is_skipped_without_spoiling_the_transaction():
    expires = timezone.now() + datetime.timedelta(minutes=5)

    def nonce():
        return UsedNonce(issuer="https://lms.example.edu", nonce="once", expires_at=expires)

    with transaction.atomic():
        assert insert(nonce(), unless_taken=True) is True
        assert insert(nonce(), unless_taken=True) is False
        # On PostgreSQL a failed INSERT would have aborted the transaction; this one is fine.
        assert UsedNonce.objects.filter(nonce="once").count() == 1


def test_first_finds_nothing_when_no_row_matches():
    assert ModelColumns(Platform).first("t.id = %s", [10**9]) is None


def _named_like(using: str, *, institution: int):
    from readings.institutions.models import Institution

    # A stand-in used twice, a parameter of its own, and a literal percent sign.
    return (
        Institution.objects.using(using)
        .filter(pk=institution)
        .exclude(name="Nowhere")
        .extra(where=["name LIKE 'Test%%'"])
        .filter(pk__gte=institution)
        .values("pk")
    )


def test_a_built_query_correlated_takes_the_outer_column_and_keeps_its_other_parameters(
    institution, other_institution
):
    from readings.core.rows import BuiltQuery
    from readings.institutions.models import Institution

    built = BuiltQuery(_named_like, institution=-917_000_099)
    subquery, params = built.correlated("default", institution="t.id")
    table = connection.ops.quote_name(Institution._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id FROM {table} t WHERE EXISTS ({subquery}) ORDER BY t.id", params
        )
        found = [row[0] for row in cursor.fetchall()]

    assert params == ["Nowhere"]
    assert found == [institution.pk]  # each institution matched with itself, by name
