"""A repeat launch (known person, known course) costs a bounded number of queries.

Counted, not timed: the launch is the hot path when a whole class clicks the
LMS link at once, and every query it makes is paid three hundred times a
second. Writes are limited to what a launch must leave behind: the used nonce
(which uses the login), the launch record, the new session and last_login.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models.signals import post_delete
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lti.helpers import assert_refused, assert_signed_in
from lti.platform import LAUNCH_URL, ROLE
from readings.accounts.models import User
from readings.courses.models import Enrollment
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create, list_publish
from readings.lti import launch as lti_launch
from readings.lti import signals
from readings.lti.models import ContextLink, Deployment, LtiIdentity, Platform
from readings.lti.selectors import LANDING_CANDIDATES

# Statements that only manage transactions are not queries of their own.
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)
# Anywhere in a statement: on PostgreSQL a launch's writes are the parts of one WITH.
WRITE = re.compile(r'\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.I)

# None: the registration is remembered from the first launch and the state is signed.
LOGIN_QUERIES = 0
# The registration with the identity, person, roles, LMS course and enrolment, and
# the course's lists with the person's ties to them (on SQLite, which has no LATERAL
# join, a second query); then the nonce, the launch record, last_login and the new
# session: on PostgreSQL one statement (rows.writes_together), on SQLite four.
LAUNCH_READS = {"postgresql": 1, "sqlite": 2}
LAUNCH_WRITE_STATEMENTS = {"postgresql": 1, "sqlite": 4}
LAUNCH_WRITES = {
    "lti_usednonce",  # the nonce, used once: so is the login
    "lti_launchrecord",  # the evidence
    "accounts_session",  # the fresh session, inserted once
    "accounts_user",  # last_login, by django.contrib.auth
}


def _queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not TRANSACTION_CONTROL.match(q["sql"])]


def _written_tables(queries: list[str]) -> set[str]:
    return {table for query in queries for table in WRITE.findall(query)}


@pytest.fixture
def known_person(lms, course, reading_list):
    """The person has launched into this course once: provisioned, enrolled, matched."""
    first = Client()
    assert_signed_in(lms.launch(first, sub="regular"), first)


def test_a_repeat_launch_makes_a_bounded_number_of_queries(lms, known_person, reading_list):
    client = Client()  # a new browser, as each launch from the LMS may be
    with CaptureQueriesContext(connection) as login_queries:
        login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular"))
    with CaptureQueriesContext(connection) as launch_queries:
        response = lms.post_launch(client, token, login.state)

    assert_signed_in(response, client)
    assert response["Location"] == f"/lists/{reading_list.pk}/"
    login_sql, launch_sql = _queries(login_queries), _queries(launch_queries)
    assert len(login_sql) <= LOGIN_QUERIES, "\n".join(login_sql)
    most = LAUNCH_READS[connection.vendor] + LAUNCH_WRITE_STATEMENTS[connection.vendor]
    assert len(launch_sql) <= most, "\n".join(launch_sql)
    assert _written_tables(launch_sql) <= LAUNCH_WRITES, "\n".join(launch_sql)


def _launch_again(lms, **payload) -> list[str]:
    """The known person launches again from a new browser; the launch post's statements."""
    client = Client()
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular", **payload))
    with CaptureQueriesContext(connection) as captured:
        assert_signed_in(lms.post_launch(client, token, login.state), client)
    return _queries(captured)


def test_a_launch_writes_its_new_session_once(lms, known_person):
    """Inserted in the launch's transaction; the response's save then finds nothing to do."""
    statements = _launch_again(lms)

    writes = [m for q in statements for m in WRITE.finditer(q)]
    session_writes = [m.group(0) for m in writes if m.group(1) == "accounts_session"]
    assert session_writes == ['INSERT INTO "accounts_session"'], statements


def test_a_repeat_launch_rewrites_nothing_that_did_not_change(lms, known_person):
    """Identity, enrolment and LMS course are only read when the LMS says what it said before."""
    written = _written_tables(_launch_again(lms))

    assert not written & {"lti_ltiidentity", "courses_enrollment", "lti_contextlink"}, written


def test_a_repeat_launch_still_records_what_the_lms_says_differently(lms, known_person):
    """The one-query path is taken only when nothing changed; a new course title is kept."""
    renamed = {"id": "ctx-1", "label": "HIST101", "title": "Modern History, revised"}
    _launch_again(lms, context=renamed)

    link = ContextLink.objects.get(platform=lms.registration, context_id="ctx-1")
    assert link.title == "Modern History, revised"


def test_a_repeat_launch_fills_in_a_profile_left_blank(lms, known_person):
    identity = LtiIdentity.objects.get(issuer=lms.issuer, subject="regular")
    User.objects.filter(pk=identity.user_id).update(email="")

    _launch_again(lms)

    assert User.objects.get(pk=identity.user_id).email == "ada@example.edu"


def test_a_repeat_launch_with_a_new_role_changes_the_enrolment(lms, known_person, course):
    _launch_again(lms, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"])

    identity = LtiIdentity.objects.get(issuer=lms.issuer, subject="regular")
    assert Enrollment.objects.get(course=course, user_id=identity.user_id).role == "instructor"


def test_a_deployment_removed_after_the_login_is_refused_at_the_launch(client, lms, known_person):
    """Caching the deployment ids must not keep a removed deployment alive."""
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular"))
    lms.registration.deployments.all().delete()

    response = lms.post_launch(client, token, login.state)

    assert_refused(response, client, "lti.unknown_deployment", status=403)


def test_a_platform_switched_off_after_the_login_is_refused_at_the_launch(
    client, lms, known_person
):
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular"))
    Platform.objects.filter(pk=lms.registration.pk).update(is_active=False)

    response = lms.post_launch(client, token, login.state)

    assert_refused(response, client, "lti.login_unknown_platform", status=400)


def _login(client, lms, **params):
    query = {
        "iss": lms.issuer,
        "client_id": lms.client_id,
        "login_hint": "x",
        "target_link_uri": LAUNCH_URL,
        "lti_deployment_id": lms.deployment_id,
    }
    return client.get("/lti/login/", {**query, **params})


def test_a_platform_switched_off_after_a_login_cannot_log_in_again(client, lms, known_person):
    """The registration a login found is remembered, but not past a change to it."""
    lms.registration.is_active = False
    lms.registration.save()

    assert_refused(_login(client, lms), client, "lti.login_unknown_platform", status=400)


def test_a_deployment_removed_after_a_login_cannot_log_in_again(client, lms, known_person):
    lms.registration.deployments.get(deployment_id=lms.deployment_id).delete()

    assert_refused(_login(client, lms), client, "lti.login_unknown_deployment", status=403)


def test_a_deployment_added_elsewhere_can_log_in_at_once(client, lms, known_person):
    """Only registrations that answered are remembered: a refused deployment is asked again."""
    refused = _login(client, lms, lti_deployment_id="deployment-new")
    assert refused.status_code == 403
    # As another process would: no signal reaches this one.
    Deployment.objects.bulk_create(
        [Deployment(platform=lms.registration, deployment_id="deployment-new")]
    )

    assert _login(client, lms, lti_deployment_id="deployment-new").status_code == 302


def test_a_registration_changed_in_another_process_is_seen_once_remembered_long_enough(
    client, lms, known_person, monkeypatch
):
    # As another process would: an update sends no signal to this one.
    Platform.objects.filter(pk=lms.registration.pk).update(is_active=False)
    assert _login(client, lms).status_code == 302  # remembered, and the launch would refuse

    monkeypatch.setattr(lti_launch, "LOGIN_REGISTRATION_MAX_AGE", 0.0)

    assert_refused(_login(client, lms), client, "lti.login_unknown_platform", status=400)


@contextmanager
def _unheard(*connections):
    """Changes made meanwhile reach no receiver here, as if made by another process."""
    for signal, sender, uid, _receiver in connections:
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, sender, uid, receiver in connections:
            signal.connect(receiver, sender=sender, dispatch_uid=uid)


@pytest.mark.django_db(transaction=True)
def test_a_registration_deleted_in_another_process_refuses_the_launch_without_an_error(
    client, lms, known_person, monkeypatch
):
    """The login may still start from the remembered registration; the launch refuses."""
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular"))
    with _unheard(
        (post_delete, Platform, "lti_platform_deleted", signals.platform_changed),
        (post_delete, Deployment, "lti_deployment_deleted", signals.platform_touch),
    ):
        Platform.objects.filter(pk=lms.registration.pk).delete()

    assert _login(client, lms).status_code == 302  # remembered for LOGIN_REGISTRATION_MAX_AGE
    refused = lms.post_launch(client, token, login.state)
    assert_refused(refused, client, "lti.login_unknown_platform", status=400)
    monkeypatch.setattr(lti_launch, "LOGIN_REGISTRATION_MAX_AGE", 0.0)
    assert_refused(_login(client, lms), client, "lti.login_unknown_platform", status=400)


def test_what_was_read_for_another_person_is_not_used_for_this_one(lms, known_person):
    """The read before verification is keyed by what the token said; other claims read afresh."""
    from readings.lti.claims import parse_claims
    from readings.lti.provisioning import known_launch, launch_read

    platform = lms.registration
    claims = parse_claims(lms.payload("n", sub="regular"), client_id=lms.client_id)
    context_id = claims.context.id
    nobody = launch_read(
        platform_id=platform.pk, issuer=lms.issuer, subject="someone-else", context_id=context_id
    )
    assert nobody.platform.pk == platform.pk and nobody.rows == []

    plan = known_launch(platform=platform, claims=claims, reference="R", read=nobody)

    identity = LtiIdentity.objects.get(issuer=lms.issuer, subject="regular")
    assert plan is not None and plan.user.pk == identity.user_id


# Where a repeat launch lands: on PostgreSQL the course's lists come with its first read.


def _repeat_launch_landing(lms) -> str:
    client = Client()
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="regular"))
    response = lms.post_launch(client, token, login.state)
    assert_signed_in(response, client)
    return response["Location"]


def test_a_repeat_launch_into_a_course_with_several_lists_lands_on_the_chooser(
    lms, known_person, course, institution
):
    list_create(
        institution=institution,
        name="Further reading",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )

    assert _repeat_launch_landing(lms) == f"/lti/course/{course.pk}/"


def test_a_repeat_launch_lands_on_a_list_published_since_the_last_one(lms, course, institution):
    draft = list_create(institution=institution, name="Week by week", courses=[course])
    first = Client()
    assert lms.launch(first, sub="regular")["Location"] == f"/lti/course/{course.pk}/"

    list_publish(list_id=draft.pk)

    assert _repeat_launch_landing(lms) == f"/lists/{draft.pk}/"


@pytest.mark.parametrize("drafts", [1, LANDING_CANDIDATES + 1])
def test_a_repeat_launch_lands_on_the_one_list_a_student_may_see_among_drafts(
    lms, known_person, course, reading_list, institution, drafts
):
    for number in range(drafts):
        list_create(institution=institution, name=f"Draft {number}", courses=[course])

    assert _repeat_launch_landing(lms) == f"/lists/{reading_list.pk}/"


def test_a_repeat_launch_is_answered_from_what_was_read_for_it(
    lms, known_person, reading_list, monkeypatch
):
    """The repeat launch takes the known path (no provisioning), whatever the database."""
    from readings.lti import provisioning

    def provisioning_not_expected(**kwargs):
        raise AssertionError("a repeat launch went through provisioning")

    monkeypatch.setattr(provisioning, "identity_resolve", provisioning_not_expected)

    assert _repeat_launch_landing(lms) == f"/lists/{reading_list.pk}/"


def test_a_repeat_launch_by_an_instructor_lands_on_the_draft_they_teach(lms, course, institution):
    """The ties read with the lists are this person's: a student's would not see a draft."""
    draft = list_create(institution=institution, name="Being written", courses=[course])
    instructor = [ROLE + "Instructor"]
    first = Client()
    assert lms.launch(first, sub="teacher", roles=instructor)["Location"] == f"/lists/{draft.pk}/"

    client = Client()
    login = lms.login(client, target=LAUNCH_URL)
    token = lms.sign(lms.payload(login.nonce, sub="teacher", roles=instructor))
    response = lms.post_launch(client, token, login.state)

    assert_signed_in(response, client)
    assert response["Location"] == f"/lists/{draft.pk}/"
    assert _repeat_launch_landing(lms) == f"/lti/course/{course.pk}/"  # a student
