"""Two first launches of the same new person at once: one user, one identity, no error.

A double click in the LMS, two tabs, or a roster sync running beside a launch
all make the same (issuer, sub) arrive twice before either has been
provisioned. The unique constraints decide who creates; the other launch
takes what the winner made instead of failing.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from lti.helpers import assert_signed_in
from readings.accounts.models import User
from readings.courses.models import Enrollment
from readings.lti import provisioning
from readings.lti.models import LaunchRecord, LtiIdentity


def _twin_launch_between_look_and_insert(monkeypatch, provision) -> list[bool]:
    """Make the same person's other launch commit right after this one found nobody."""
    real_identity = provisioning._identity
    raced: list[bool] = []

    def look_then_let_the_twin_provision(claims):
        found = real_identity(claims)
        if not raced:
            raced.append(True)
            provision(claims)
        return found

    monkeypatch.setattr(provisioning, "_identity", look_then_let_the_twin_provision)
    return raced


def test_an_identity_created_between_the_check_and_the_insert_is_taken_over(
    client, lms, course, make_user, monkeypatch
):
    """The insert of the identity hits the unique constraint: retried, not a 500."""
    carol = make_user("carol")
    raced = _twin_launch_between_look_and_insert(
        monkeypatch,
        lambda claims: LtiIdentity.objects.create(
            issuer=claims.issuer, subject=claims.subject, user=carol
        ),
    )

    record = assert_signed_in(
        lms.launch(client, sub="carol-1", email="someone@example.edu"), client
    )

    assert raced
    assert record.user_id == carol.pk
    assert LtiIdentity.objects.filter(issuer=lms.issuer, subject="carol-1").count() == 1
    assert User.objects.count() == 1
    assert Enrollment.objects.get(course=course, user=carol).role == "student"


def test_a_user_created_by_the_same_person_s_other_launch_is_reused(
    client, lms, course, monkeypatch
):
    """Just-in-time creation finds its username taken by the twin launch: it joins it."""

    def twin_creates_the_user(claims):
        twin = provisioning._create_user(lms.registration, claims)
        LtiIdentity.objects.create(issuer=claims.issuer, subject=claims.subject, user=twin)

    raced = _twin_launch_between_look_and_insert(monkeypatch, twin_creates_the_user)

    record = assert_signed_in(lms.launch(client, sub="twin"), client)

    assert raced
    assert User.objects.count() == 1
    identity = LtiIdentity.objects.get(issuer=lms.issuer, subject="twin")
    assert record.user_id == identity.user_id
    assert Enrollment.objects.filter(course=course, user_id=record.user_id).count() == 1


def test_a_username_taken_by_someone_else_is_still_refused(client, lms, make_user):
    """The retry is only for the same person: a real clash stays a clear refusal."""
    make_user(provisioning.lti_username(lms.issuer, "clash"))

    response = lms.launch(client, sub="clash")

    assert response.status_code == 409
    assert "lti.provisioning_failed" in response.content.decode()
    assert not LtiIdentity.objects.filter(subject="clash").exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_launches_of_a_new_person_both_sign_in(
    lms, course, reading_list, monkeypatch
):
    """Real concurrency, on PostgreSQL: both launches wait until neither has found the person,
    then both create; the unique constraints let one win and the other joins it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    both_looked = threading.Barrier(2, timeout=10)
    waited = threading.local()
    real_match = provisioning._match_existing

    def match_after_both_looked(platform, claims):
        if not getattr(waited, "done", False):
            waited.done = True
            both_looked.wait()
        return real_match(platform, claims)

    monkeypatch.setattr(provisioning, "_match_existing", match_after_both_looked)
    results: dict[int, tuple[int, str]] = {}

    def launch(index: int) -> None:
        try:
            response = lms.launch(Client(raise_request_exception=False), sub="double-click")
            results[index] = (response.status_code, response.get("Location", ""))
        finally:
            connection.close()

    threads = [threading.Thread(target=launch, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert results == {i: (302, f"/lists/{reading_list.pk}/") for i in range(2)}
    identity = LtiIdentity.objects.get(issuer=lms.issuer, subject="double-click")
    assert User.objects.filter(lti_identities=identity).count() == 1
    assert User.objects.count() == 1
    assert Enrollment.objects.filter(course=course, user=identity.user).count() == 1
    assert set(LaunchRecord.objects.values_list("user_id", flat=True)) == {identity.user_id}
