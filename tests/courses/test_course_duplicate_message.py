"""A course code and section taken in the institution is refused with a message people read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from readings.accounts.models import User
from readings.accounts.services import user_create
from readings.core.exceptions import InvalidInput
from readings.courses.models import Course
from readings.courses.services import course_create

TAKEN = "A course with this code and section already exists in this institution."
TAKEN_FR = "Un cours avec ce code et cette section existe déjà dans cet établissement."


@pytest.fixture
def admin_client(client, db):
    user = user_create(institution=None, username="root", password="")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=user.pk))
    return client


def _course_form(**fields) -> dict:
    data = {
        "title": "History again",
        "searchable_ids-TOTAL_FORMS": "0",
        "searchable_ids-INITIAL_FORMS": "0",
        "campuses-TOTAL_FORMS": "0",
        "campuses-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def _recode(admin_client, course: Course, *, code: str, section: str):
    """Post the course's admin change form with another code and section."""
    return admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        _course_form(code=code, section=section),
    )


def test_a_taken_code_and_section_is_refused_beside_the_code(institution):
    course_create(institution=institution, code="HIST101", section="A", title="History")
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="HIST101", section="A", title="Again")
    assert caught.value.errors == {"code": [TAKEN]}


def test_a_taken_code_and_section_is_refused_in_french(institution):
    course_create(institution=institution, code="HIST101", title="History")
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="HIST101", title="Again")
    assert caught.value.errors == {"code": [TAKEN_FR]}


def test_adding_a_taken_course_in_the_admin_shows_the_message(admin_client, institution):
    course_create(institution=institution, code="HIST101", section="A", title="History")
    response = admin_client.post(
        reverse("admin:courses_course_add"),
        _course_form(institution=institution.pk, code="HIST101", section="A"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [TAKEN]
    assert TAKEN in response.content.decode()
    assert Course.objects.filter(code="HIST101").count() == 1


def test_giving_a_course_a_taken_code_in_the_admin_shows_the_message(admin_client, institution):
    """The institution is read-only on change; the code and section are still checked in it."""
    course_create(institution=institution, code="HIST101", section="A", title="History")
    other = course_create(institution=institution, code="HIST102", section="A", title="Other")
    response = _recode(admin_client, other, code="HIST101", section="A")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [TAKEN]
    assert TAKEN in response.content.decode()
    other.refresh_from_db()
    assert other.code == "HIST102"


def test_a_course_code_free_in_its_institution_saves_in_the_admin(
    admin_client, institution, other_institution
):
    course_create(institution=other_institution, code="HIST101", section="A", title="Elsewhere")
    course = course_create(institution=institution, code="HIST102", section="A", title="Mine")
    response = _recode(admin_client, course, code="HIST101", section="A")
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.code == "HIST101"
