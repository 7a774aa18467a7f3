"""Writes for courses, their instructors and enrolments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from readings.accounts.models import User
from readings.core.exceptions import InvalidInput
from readings.core.models import validate
from readings.courses.models import Course, CourseCampus, Enrollment, EnrollmentRole, SearchableId
from readings.institutions.models import (
    AcademicDepartment,
    Institution,
    ProcessingDepartment,
    Term,
)

_SIMPLE_FIELDS = (
    "title",
    "academic_department",
    "processing_department",
    "start_date",
    "end_date",
    "year",
    "participants",
    "weekly_hours",
    "submit_lists_by",
)


@transaction.atomic
def course_create(
    *,
    institution: Institution,
    code: str,
    title: str,
    section: str = "",
    academic_department: AcademicDepartment | None = None,
    processing_department: ProcessingDepartment | None = None,
    terms: Iterable[Term] = (),
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    year: int | None = None,
    participants: int | None = None,
    weekly_hours: int | None = None,
    submit_lists_by: datetime.date | None = None,
    instructors: Iterable[User] = (),
    searchable_ids: Iterable[str] = (),
    campuses: Iterable[tuple[str, int | None]] = (),
    rolled_from: Course | None = None,
) -> Course:
    course = Course(
        institution=institution,
        code=code.strip(),
        section=(section or "").strip(),
        title=title.strip(),
        academic_department=academic_department,
        processing_department=processing_department,
        start_date=start_date,
        end_date=end_date,
        year=year,
        participants=participants,
        weekly_hours=weekly_hours,
        submit_lists_by=submit_lists_by,
        rolled_from=rolled_from,
    )
    terms, instructors = list(terms), list(instructors)
    _check_belongs(course, terms=terms, instructors=instructors)
    validate(course)
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:
        raise InvalidInput(
            {"code": [_("Course %(code)s already exists.") % {"code": course.display_code}]}
        ) from exc
    course.terms.set(terms)
    course.instructors.set(instructors)
    course_set_searchable_ids(course=course, values=searchable_ids)
    course_set_campuses(course=course, campuses=campuses)
    return course


@transaction.atomic
def course_update(*, course: Course, **fields: object) -> Course:
    """Change plain fields, and terms/instructors/searchable_ids/campuses when given."""
    related = {
        k: list(fields.pop(k))
        for k in ("terms", "instructors", "searchable_ids", "campuses")
        if k in fields
    }
    unknown = set(fields) - set(_SIMPLE_FIELDS)
    if unknown:
        raise TypeError(f"course_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(course, name, value.strip() if name == "title" else value)
    _check_belongs(
        course, terms=related.get("terms", ()), instructors=related.get("instructors", ())
    )
    validate(course)
    course.save(update_fields=[*fields, "updated_at"])
    if "terms" in related:
        course.terms.set(related["terms"])
    if "instructors" in related:
        course.instructors.set(related["instructors"])
    if "searchable_ids" in related:
        course_set_searchable_ids(course=course, values=related["searchable_ids"])
    if "campuses" in related:
        course_set_campuses(course=course, campuses=related["campuses"])
    return course


@transaction.atomic
def course_delete(*, course: Course) -> None:
    """Remove the course; its reading lists stay, unlinked (as Alma's DELETE does)."""
    course.delete()


@transaction.atomic
def course_set_searchable_ids(*, course: Course, values: Iterable[str]) -> None:
    """Replace the course's searchable ids (trimmed, blanks and repeats dropped)."""
    wanted = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    longest = SearchableId._meta.get_field("value").max_length
    too_long = [v for v in wanted if len(v) > longest]
    if too_long:
        raise InvalidInput(
            {
                "searchable_ids": [
                    _("'%(value)s…' is longer than %(limit)d characters.")
                    % {"value": too_long[0][:40], "limit": longest}
                ]
            }
        )
    course.searchable_ids.exclude(value__in=wanted).delete()
    existing = set(course.searchable_ids.values_list("value", flat=True))
    SearchableId.objects.bulk_create(
        [
            SearchableId(institution_id=course.institution_id, course=course, value=v)
            for v in wanted
            if v not in existing
        ]
    )


@transaction.atomic
def course_set_campuses(*, course: Course, campuses: Iterable[tuple[str, int | None]]) -> None:
    """Replace the course's campuses; a campus named twice keeps its last count."""
    seen: dict[str, int | None] = {}
    for campus, participants in campuses:
        if campus.strip():
            seen[campus.strip()] = participants
    longest = CourseCampus._meta.get_field("campus").max_length
    problems = [
        _("'%(campus)s' is longer than %(limit)d characters.")
        % {"campus": c[:40], "limit": longest}
        for c in seen
        if len(c) > longest
    ] + [
        _("The number of participants at '%(campus)s' must be a whole number of 0 or more.")
        % {"campus": c}
        for c, p in seen.items()
        if p is not None and (not isinstance(p, int) or p < 0)
    ]
    if problems:
        raise InvalidInput({"campuses": problems})
    course.campuses.all().delete()
    CourseCampus.objects.bulk_create(
        [CourseCampus(course=course, campus=c, participants=p) for c, p in seen.items()]
    )


@transaction.atomic
def course_enroll(*, course: Course, user: User, role: str = EnrollmentRole.STUDENT) -> Enrollment:
    """Enrol the user (once per course); enrolling again changes their role."""
    if role not in EnrollmentRole.values:
        allowed = ", ".join(EnrollmentRole.values)
        raise InvalidInput(
            {
                "role": [
                    _("Unknown enrolment role '%(role)s'; use %(allowed)s.")
                    % {"role": role, "allowed": allowed}
                ]
            }
        )
    if user.institution_id != course.institution_id:
        raise InvalidInput(
            {"user": [_("A user can only enrol in their own institution's courses.")]}
        )
    enrollment, created = Enrollment.objects.get_or_create(
        course=course, user=user, defaults={"role": role}
    )
    if not created and enrollment.role != role:
        enrollment.role = role
        enrollment.save(update_fields=["role", "updated_at"])
    return enrollment


def course_unenroll(*, course: Course, user: User) -> None:
    Enrollment.objects.filter(course=course, user=user).delete()


def _check_belongs(
    course: Course, *, terms: Iterable[Term] = (), instructors: Iterable[User] = ()
) -> None:
    """Refuse structure or people of another institution, naming each wrong field."""
    home = course.institution_id
    errors: dict[str, list[str]] = {}
    for field in ("academic_department", "processing_department"):
        department = getattr(course, field)
        if department is not None and department.institution_id != home:
            errors[field] = [_("That department belongs to another institution.")]
    if course.rolled_from is not None and course.rolled_from.institution_id != home:
        errors["rolled_from"] = [
            _("A course can only roll over from its own institution's courses.")
        ]
    if any(term.institution_id != home for term in terms):
        errors["terms"] = [_("Terms must belong to the course's institution.")]
    if any(user.institution_id != home for user in instructors):
        errors["instructors"] = [_("Instructors must belong to the course's institution.")]
    if errors:
        raise InvalidInput(errors)
