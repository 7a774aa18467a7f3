"""Course service errors reach a French reader in French."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from readings.core.exceptions import InvalidInput
from readings.courses.services import (
    course_create,
    course_enroll,
    course_set_campuses,
    course_set_searchable_ids,
)


@pytest.mark.django_db
def test_a_too_long_searchable_id_is_refused_in_french(institution):
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        course_set_searchable_ids(course=course, values=["X" * 300])
    (message,) = caught.value.errors["searchable_ids"]
    assert message.startswith("«\u00a0XXXX")
    assert message.endswith("…\u00a0» dépasse 255 caractères.")


@pytest.mark.django_db
def test_an_unknown_enrolment_role_is_explained_in_french(institution, make_user):
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        course_enroll(course=course, user=make_user("ann", password=""), role="dean")
    assert caught.value.errors["role"][0].startswith(
        "Rôle d'inscription inconnu «\u00a0dean\u00a0»"
    )


@pytest.mark.django_db
def test_a_negative_campus_count_is_explained_in_french(institution):
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        course_set_campuses(course=course, campuses=[("North", -3)])
    assert caught.value.errors["campuses"] == [
        "Le nombre de participants à «\u00a0North\u00a0» doit être un nombre entier positif ou nul."
    ]


@pytest.mark.django_db
def test_a_course_ending_before_it_starts_is_refused_in_french(institution):
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        course_create(
            institution=institution,
            code="HIST101",
            title="Modern History",
            start_date=datetime.date(2027, 2, 1),
            end_date=datetime.date(2027, 1, 1),
        )
    assert "Le cours ne peut pas se terminer avant de commencer." in str(caught.value.errors)
