"""Institutions and their structure: codes unique per institution, dates in order."""

from __future__ import annotations

import datetime

import pytest

from readings.core.exceptions import InvalidInput
from readings.institutions.models import ProcessingDepartment
from readings.institutions.services import (
    academic_department_create,
    institution_create,
    institution_update,
    processing_department_create,
    term_create,
)
from readings.lists.models import Tag


def test_a_new_institution_has_the_standard_tags_and_a_main_library(institution):
    assert list(Tag.objects.filter(institution=institution).values_list("code", flat=True)) == [
        "ESSENTIAL",
        "RECOMMENDED",
        "OPTIONAL",
    ]
    assert ProcessingDepartment.objects.filter(institution=institution, code="MAIN").exists()


def test_an_institution_code_is_unique(institution):
    with pytest.raises(InvalidInput) as caught:
        institution_create(code="UNI", name="Another")
    assert list(caught.value.errors) == ["code"]


def test_an_unknown_time_zone_is_refused_with_an_example(db):
    with pytest.raises(InvalidInput) as caught:
        institution_create(code="X", name="X", time_zone="Mars/Olympus")
    assert "Europe/London" in caught.value.errors["time_zone"][0]


def test_updating_to_an_unknown_time_zone_is_refused(institution):
    with pytest.raises(InvalidInput):
        institution_update(institution=institution, time_zone="Nowhere/Town")


@pytest.mark.parametrize(
    "create", [academic_department_create, processing_department_create, term_create]
)
def test_department_and_term_codes_are_unique_per_institution(
    create, institution, other_institution
):
    create(institution=institution, code="HIST", name="History")
    create(institution=other_institution, code="HIST", name="History")
    with pytest.raises(InvalidInput) as caught:
        create(institution=institution, code="HIST", name="History again")
    assert list(caught.value.errors) == ["code"]


def test_a_term_cannot_end_before_it_starts(institution):
    with pytest.raises(InvalidInput) as caught:
        term_create(
            institution=institution,
            code="T1",
            name="Autumn",
            start_date=datetime.date(2025, 12, 1),
            end_date=datetime.date(2025, 9, 1),
        )
    assert caught.value.errors == {"__all__": ["The term cannot end before it starts."]}
