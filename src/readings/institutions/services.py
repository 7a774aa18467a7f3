"""Writes for institutions and their structure."""

from __future__ import annotations

import datetime

from django.db import transaction

from readings.core.models import validate
from readings.institutions.models import (
    AcademicDepartment,
    Institution,
    ProcessingDepartment,
    Term,
)

DEFAULT_TAGS = (
    ("ESSENTIAL", "Essential"),
    ("RECOMMENDED", "Recommended"),
    ("OPTIONAL", "Optional"),
)


@transaction.atomic
def institution_create(
    *, code: str, name: str, time_zone: str = "UTC", default_citation_style: str = "apa"
) -> Institution:
    """Create an institution with the standard tags and a main processing department."""
    from readings.lists.services import tag_create

    institution = Institution(
        code=code.strip(),
        name=name.strip(),
        time_zone=time_zone,
        default_citation_style=default_citation_style,
    )
    validate(institution)
    institution.save()
    for position, (tag_code, tag_name) in enumerate(DEFAULT_TAGS):
        tag_create(institution=institution, code=tag_code, name=tag_name, position=position)
    processing_department_create(institution=institution, code="MAIN", name="Main library")
    return institution


def institution_update(*, institution: Institution, **fields: object) -> Institution:
    allowed = {"name", "time_zone", "default_citation_style", "require_library_completion"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"institution_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(institution, name, value.strip() if name == "name" else value)
    validate(institution)
    institution.save(update_fields=[*fields, "updated_at"])
    return institution


def academic_department_create(
    *, institution: Institution, code: str, name: str
) -> AcademicDepartment:
    department = AcademicDepartment(institution=institution, code=code.strip(), name=name.strip())
    validate(department)
    department.save()
    return department


def processing_department_create(
    *, institution: Institution, code: str, name: str
) -> ProcessingDepartment:
    department = ProcessingDepartment(institution=institution, code=code.strip(), name=name.strip())
    validate(department)
    department.save()
    return department


def term_create(
    *,
    institution: Institution,
    code: str,
    name: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Term:
    term = Term(
        institution=institution,
        code=code.strip(),
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    validate(term)
    term.save()
    return term
