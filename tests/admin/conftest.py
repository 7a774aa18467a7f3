"""One of every Readings object, built through the services, and a superuser to look."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from readings.accounts.models import Role, User
from readings.accounts.services import user_create
from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.courses.models import Course
from readings.courses.services import course_create, course_enroll
from readings.institutions.services import academic_department_create, term_create
from readings.lists.models import MemberRole, ReadingList, Section
from readings.lists.services import invitation_create, list_create, section_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Library:
    course: Course
    reading_list: ReadingList
    first: Section
    second: Section
    citations: list[Citation]
    owner: User


@pytest.fixture
def library(institution, make_user) -> Library:
    owner = make_user("owner", roles=[Role.INSTRUCTOR])
    student = make_user("learner")
    department = academic_department_create(institution=institution, code="HIS", name="History")
    term = term_create(institution=institution, code="AUT", name="Autumn")
    course = course_create(
        institution=institution,
        code="HIST101",
        title="Modern History",
        academic_department=department,
        terms=[term],
        instructors=[owner],
        searchable_ids=["LMS-1"],
        campuses=[("Main", 40)],
    )
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution, name="History readings", acting_user=owner, courses=[course]
    )
    first = reading_list.sections.get()
    second = section_create(reading_list=reading_list, name="Week two")
    citations = [citation_create(section=first, fields={"title": f"Reading {n}"}) for n in range(3)]
    assert reading_list.members.get().role == MemberRole.OWNER
    invitation_create(
        reading_list=reading_list,
        email="guest@example.edu",
        role=MemberRole.EDIT,
        invited_by=owner,
        accept_url_for=lambda token: f"https://readings.example.edu/invitations/{token}/",
    )
    return Library(
        course=course,
        reading_list=reading_list,
        first=first,
        second=second,
        citations=citations,
        owner=owner,
    )


@pytest.fixture
def superuser(db) -> User:
    user = user_create(institution=None, username="root", password="correct-horse-battery")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
