"""The LMS simulator performs real signed launches, recorded as simulated; never in production."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from readings.courses.models import Enrollment
from readings.lti.models import LaunchRecord


def _follow_simulated_launch(client, response):
    """Browser steps: login initiation → simulator auth → auto-posted id_token."""
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302, login.content.decode()[:500]
    auth = client.get(login["Location"])
    body = auth.content.decode()
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', body))
    action = re.search(r'action="([^"]+)"', body).group(1)
    return client.post(action.removeprefix("http://testserver"), fields)


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user("admin", roles=["administrator"]))
    return client


def test_the_simulator_launches_an_existing_student_into_their_course(
    admin_client, make_user, course, reading_list
):
    student = make_user("stella")
    page = admin_client.get("/lti/simulator/")
    assert page.status_code == 200
    response = admin_client.post(
        "/lti/simulator/",
        {"user_id": student.pk, "course_id": course.pk, "role": "Learner", "frame": "window"},
    )
    landed = _follow_simulated_launch(admin_client, response)
    assert landed.status_code == 302
    assert landed["Location"] == f"/lists/{reading_list.pk}/"
    assert int(admin_client.session["_auth_user_id"]) == student.pk
    record = LaunchRecord.objects.get(result="accepted")
    assert record.simulated is True
    assert record.user == student
    assert Enrollment.objects.get(course=course, user=student).role == "student"


def test_the_simulator_can_run_a_deep_linking_round_trip(
    admin_client, make_user, course, reading_list
):
    teacher = make_user("tess")
    response = admin_client.post(
        "/lti/simulator/",
        {
            "user_id": teacher.pk,
            "course_id": course.pk,
            "role": "Instructor",
            "message_type": "deep_linking",
        },
    )
    landed = _follow_simulated_launch(admin_client, response)
    picker = landed["Location"]
    answer = admin_client.post(picker, {"item": [f"list:{reading_list.pk}"]})
    body = answer.content.decode()
    token = re.search(r'name="JWT" value="([^"]+)"', body).group(1)
    received = admin_client.post("/lti/simulator/deep-links/", {"JWT": token})
    assert received.status_code == 200
    assert f"list:{reading_list.pk}" in received.content.decode()


def test_the_simulator_is_for_administrators(client, make_user):
    client.force_login(make_user("someone"))
    assert client.get("/lti/simulator/").status_code == 403


def test_the_simulator_is_off_in_production(admin_client, settings):
    settings.PRODUCTION = True
    assert admin_client.get("/lti/simulator/").status_code == 404
    assert admin_client.get("/lti/simulator/auth/").status_code == 404
