"""The LMS checks, proven with real signed launches from a test LMS with its own keys."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lti.platform import ROLE, TestPlatform
from readings.courses.services import course_create
from readings.lti.launch import reset_keyset_cache
from readings.readiness.checks import run_checks


def statuses(institution) -> dict[str, str]:
    return {result.id: result.status for result in run_checks(institution)}


def status(institution, check_id: str) -> str:
    return statuses(institution)[check_id]


@pytest.fixture(autouse=True)
def fresh_keyset_cache():
    reset_keyset_cache()
    yield
    reset_keyset_cache()


@pytest.fixture
def lms():
    platform = TestPlatform()
    yield platform
    platform.stop()


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="HIST101", title="Modern History")


def test_lms_registered_turns_green_when_a_platform_with_a_deployment_is_registered(
    institution, lms
):
    assert status(institution, "lms_registered") == "fail"
    lms.register(institution)
    result = next(r for r in run_checks(institution) if r.id == "lms_registered")
    assert result.status == "pass"
    assert result.evidence["platforms"][0]["deployments"] == ["deployment-1"]


def test_a_platform_without_a_deployment_does_not_count(institution, lms):
    lms.register(institution, deployment_ids=[])
    result = next(r for r in run_checks(institution) if r.id == "lms_registered")
    assert result.status == "fail"
    assert "deployment" in result.explanation


def test_a_real_instructor_launch_into_a_matched_course_turns_instructor_launch_green(
    institution, lms, course, client
):
    lms.register(institution)
    assert status(institution, "instructor_launch") == "fail"
    response = lms.launch(client, sub="teacher-1", roles=[ROLE + "Instructor"])
    assert response.status_code == 302, response.content[:500]
    results = {r.id: r for r in run_checks(institution)}
    assert results["instructor_launch"].status == "pass"
    assert results["instructor_launch"].evidence["last"]["course"] == "HIST101"
    # An instructor is not a student.
    assert results["student_launch"].status == "fail"


def test_a_real_student_launch_turns_student_launch_green(institution, lms, course, client):
    lms.register(institution)
    lms.launch(client, sub="student-1", roles=[ROLE + "Learner"])
    results = {r.id: r for r in run_checks(institution)}
    assert results["student_launch"].status == "pass"
    assert results["instructor_launch"].status == "fail"


def test_a_launch_into_no_matched_course_does_not_count(institution, lms, client):
    lms.register(institution)
    lms.launch(client, sub="teacher-1", roles=[ROLE + "Instructor"])
    result = next(r for r in run_checks(institution) if r.id == "instructor_launch")
    assert result.status == "fail"
    assert result.evidence["unmatched"] == 1
    assert "matching" in result.explanation


def test_a_refused_launch_does_not_count_and_is_explained(institution, lms, course, client):
    lms.register(institution)
    login = lms.login(client)
    token = lms.sign(lms.payload("not-the-nonce", sub="t", roles=[ROLE + "Instructor"]))
    lms.post_launch(client, token, login.state)
    result = next(r for r in run_checks(institution) if r.id == "instructor_launch")
    assert result.status == "fail"
    assert result.evidence["refused"] == 1
    assert "refused" in result.explanation


def _follow_simulated_launch(client, response):
    assert response.status_code == 302
    login = client.get(response["Location"])
    auth = client.get(login["Location"])
    body = auth.content.decode()
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', body))
    action = re.search(r'action="([^"]+)"', body).group(1)
    return client.post(action.removeprefix("http://testserver"), fields)


def test_launches_from_the_lms_simulator_never_count(institution, make_user, course):
    admin = Client()
    admin.force_login(make_user("admin", roles=["administrator"]))
    teacher = make_user("tess")
    for role, user in (("Instructor", teacher), ("Learner", make_user("stella"))):
        response = admin.post(
            "/lti/simulator/",
            {"user_id": user.pk, "course_id": course.pk, "role": role, "frame": "window"},
        )
        landed = _follow_simulated_launch(admin, response)
        assert landed.status_code == 302
        admin.force_login(make_user(roles=["administrator"]))
    results = {r.id: r for r in run_checks(institution)}
    assert results["lms_registered"].status == "fail"
    assert results["instructor_launch"].status == "fail"
    assert results["instructor_launch"].evidence["simulated"] == 1
    assert "simulator" in results["instructor_launch"].explanation
    assert results["student_launch"].status == "fail"
