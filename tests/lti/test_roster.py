"""Names and Role Provisioning: the course roster follows the LMS."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lti.helpers import assert_signed_in
from lti.platform import ROLE
from readings.courses.models import Enrollment
from readings.courses.services import course_enroll
from readings.lti.errors import RosterUnavailable
from readings.lti.models import ContextLink
from readings.lti.roster import roster_sync, roster_sync_due
from readings.lti.selectors import tool_jwks
from readings.lti.services import tool_key_current


def member(sub, role="Learner", **extra):
    return {"user_id": sub, "roles": [ROLE + role], "status": "Active", **extra}


@pytest.fixture
def linked_context(client, lms, course):
    """A context matched by a first launch that carried the roster service claim."""
    cache.clear()
    tool_key_current()
    lms.tool_key_set = tool_jwks()
    assert_signed_in(
        lms.launch(
            client,
            sub="teacher",
            roles=[ROLE + "Instructor"],
            nrps={"context_memberships_url": lms.memberships_url, "service_versions": ["2.0"]},
        ),
        client,
    )
    return ContextLink.objects.get()


def test_a_launch_remembers_the_roster_url_and_a_sync_is_due(linked_context, lms):
    assert linked_context.memberships_url == lms.memberships_url
    assert roster_sync_due(linked_context)


def test_a_sync_enrols_every_member_across_pages_with_their_roles(linked_context, lms, course):
    lms.members = [
        member("teacher", "Instructor"),
        member("s1", name="Sam One", email="s1@example.edu"),
        member("s2", given_name="Sue", family_name="Two"),
        member("ta", "TeachingAssistant"),
        member("gone", status="Inactive"),
    ]
    result = roster_sync(context=linked_context)
    assert result.enrolled == 4
    roles = dict(
        Enrollment.objects.filter(course=course).values_list(
            "user__lti_identities__subject", "role"
        )
    )
    assert roles == {"teacher": "instructor", "s1": "student", "s2": "student", "ta": "instructor"}
    assert not roster_sync_due(ContextLink.objects.get())


def test_people_the_lms_no_longer_lists_lose_their_lms_enrolment(
    linked_context, lms, course, make_user
):
    lms.members = [member("teacher", "Instructor"), member("s1")]
    roster_sync(context=linked_context)
    registrar_student = make_user("registrar-only")
    course_enroll(course=course, user=registrar_student)
    lms.members = [member("teacher", "Instructor")]
    result = roster_sync(context=linked_context)
    assert result.removed == 1
    enrolled = set(
        Enrollment.objects.filter(course=course).values_list("user__username", flat=True)
    )
    assert registrar_student.username in enrolled
    assert len(enrolled) == 2


def test_the_access_token_is_requested_once_with_the_roster_scope(linked_context, lms):
    lms.members = [member("teacher", "Instructor")]
    roster_sync(context=linked_context)
    roster_sync(context=linked_context)
    assert len(lms.token_requests) == 1
    request = lms.token_requests[0]
    assert request["scope"] == (
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
    )
    assert request["grant_type"] == "client_credentials"


def test_a_platform_that_refuses_our_assertion_fails_the_sync_cleanly(linked_context, lms, course):
    lms.tool_key_set = {"keys": []}  # the LMS does not know our key
    lms.members = [member("s9")]
    with pytest.raises(RosterUnavailable):
        roster_sync(context=linked_context)
    assert not Enrollment.objects.filter(user__lti_identities__subject="s9").exists()


def test_a_launch_into_a_course_due_for_sync_queues_one_sync(
    linked_context, lms, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "readings.lti.views.roster_sync_task",
        type("FakeTask", (), {"enqueue": staticmethod(queued.append)}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        lms.launch(Client(), sub="s5", nrps={"context_memberships_url": lms.memberships_url})
    assert queued == [linked_context.pk]
    ContextLink.objects.update(roster_synced_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        lms.launch(Client(), sub="s6", nrps={"context_memberships_url": lms.memberships_url})
    assert queued == [linked_context.pk]


def test_sync_roster_from_the_command_line(linked_context, lms, course):
    import io

    from django.core.management import call_command

    lms.members = [member("teacher", "Instructor"), member("s1")]
    out = io.StringIO()
    call_command("lti", "sync-roster", stdout=out)
    assert "2 enrolled" in out.getvalue()
    assert Enrollment.objects.filter(course=course).count() == 2
