"""The demo includes the LMS simulator: an administrator launches a student as an LMS would."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from readings.accounts.models import User
from readings.courses.models import Course
from readings.demo import people, structure
from readings.demo.credentials import credentials_table
from readings.lists.access import visible_lists
from readings.lists.models import PublicationStatus, ReadingList
from readings.lti.models import LaunchRecord, Platform

pytestmark = pytest.mark.django_db


def _follow_simulated_launch(client: Client, response) -> str:
    """As the browser would: login initiation → simulator's auth → auto-posted id_token."""
    assert response.status_code == 302, response.content.decode()[:500]
    login = client.get(response["Location"])
    assert login.status_code == 302, login.content.decode()[:500]
    auth = client.get(login["Location"])
    body = auth.content.decode()
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', body))
    action = re.search(r'action="([^"]+)"', body).group(1)
    launched = client.post(action.removeprefix("http://testserver"), fields)
    assert launched.status_code == 302, launched.content.decode()[:800]
    return launched["Location"]


def _course_with_one_list_for(student: User) -> tuple[Course, ReadingList]:
    for code, section in structure.MAIN_STUDENT_COURSES:
        course = Course.objects.get(institution=student.institution, code=code, section=section)
        lists = list(visible_lists(student, ReadingList.objects.filter(courses=course)))
        if len(lists) == 1 and lists[0].publication_status == PublicationStatus.PUBLISHED:
            return course, lists[0]
    raise AssertionError("the demo student has no course with exactly one published list")


def test_the_demo_registers_the_simulator_for_its_institution(demo):
    platform = Platform.objects.get(institution=demo.institution, is_simulator=True)
    assert platform.deployments.exists()
    assert platform.simulator_key.kid


def test_an_administrator_launches_the_demo_student_onto_a_published_list(demo):
    admin = User.objects.get(username=people.ADMINISTRATORS[0].username)
    student = User.objects.get(username=people.MAIN_STUDENT.username)
    course, reading_list = _course_with_one_list_for(student)
    client = Client()
    client.force_login(admin)
    assert client.get("/lti/simulator/").status_code == 200

    landing = _follow_simulated_launch(
        client,
        client.post(
            "/lti/simulator/",
            {"user_id": student.pk, "course_id": course.pk, "role": "Learner", "frame": "window"},
        ),
    )

    assert landing == f"/lists/{reading_list.pk}/"
    page = client.get(landing)
    assert page.status_code == 200
    assert reading_list.name in page.content.decode()
    assert int(client.session["_auth_user_id"]) == student.pk
    record = LaunchRecord.objects.get(result="accepted")
    assert (record.simulated, record.user, record.course, record.role) == (
        True,
        student,
        course,
        "student",
    )


def test_a_section_of_a_shared_course_code_is_matched_through_its_lms_id(demo):
    """HIST1010 has sections A and B: the simulated LMS names the one chosen."""
    admin = User.objects.get(username=people.ADMINISTRATORS[0].username)
    section_b = Course.objects.get(institution=demo.institution, code="HIST1010", section="B")
    client = Client()
    client.force_login(admin)
    _follow_simulated_launch(
        client,
        client.post(
            "/lti/simulator/",
            {"course_id": section_b.pk, "role": "Learner", "name": "Sam New"},
        ),
    )
    assert LaunchRecord.objects.get(result="accepted").course == section_b


def test_the_printed_accounts_point_to_the_simulator():
    table = credentials_table()
    assert "/lti/simulator/" in table
    assert f"sign in as {people.ADMINISTRATORS[0].username} " in table
