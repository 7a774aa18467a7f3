"""Build the demo institution through the services; run twice, it builds once."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from readings.accounts.models import Role, User
from readings.accounts.services import (
    librarian_set_departments,
    user_create,
    user_set_password_hash,
    user_set_site_admin,
)
from readings.citations.services import citation_create
from readings.core.exceptions import InvalidInput
from readings.courses.models import Course
from readings.courses.services import course_create, course_enroll
from readings.demo import content, people, structure
from readings.demo.catalogue_records import demo_catalogue_prepare
from readings.demo.engagement import build_engagement
from readings.demo.readiness import build_readiness_plan
from readings.institutions.models import (
    AcademicDepartment,
    Institution,
    ProcessingDepartment,
    Term,
)
from readings.institutions.services import (
    academic_department_create,
    institution_create,
    institution_update,
    processing_department_create,
    term_create,
)
from readings.lists.services import list_create, section_create
from readings.lti.simulator import simulator_prepare

Progress = Callable[[str], None]
CourseKey = tuple[str, str]

# Fixed, so every build of the demo has the same enrolments, tags and statuses.
SEED = 1010


@dataclass(frozen=True)
class DemoResult:
    institution: Institution
    created: bool


def build_demo(
    *, today: datetime.date | None = None, progress: Progress | None = None
) -> DemoResult:
    """Create the demo institution unless it exists; never touch other data."""
    say = progress or (lambda _line: None)
    existing = Institution.objects.filter(code=structure.CODE).first()
    if existing is not None:
        say(f"{existing} already exists; leaving it as it is.")
        _lms_simulator(existing, say)
        demo_catalogue_prepare(existing, say)
        return DemoResult(institution=existing, created=False)
    _check_usernames_free()
    today = today or timezone.now().astimezone(zoneinfo.ZoneInfo(structure.TIME_ZONE)).date()
    rng = random.Random(SEED)
    # One transaction: an interrupted build leaves nothing, so the next run starts clean.
    with transaction.atomic():
        institution = _institution()
        say(f"Institution: {institution}")
        academic, processing = _departments(institution)
        terms = _terms(institution, today)
        say(
            f"Structure: {len(academic)} departments, {len(processing)} processing "
            f"departments, terms {' and '.join(t.name for t in terms.values())}"
        )
        users = _people(institution, processing)
        say(f"People: {len(users)} accounts of every role")
        courses = _courses(institution, academic, processing, terms, users)
        enrolments = _enrol(courses, users, rng)
        say(f"Courses: {len(courses)}, with {enrolments} student enrolments")
        content.build_lists(
            institution=institution, courses=courses, users=users, today=today, rng=rng, say=say
        )
        build_readiness_plan(institution, users, today)
        _template_list(institution, users["librarian"])
        build_engagement(users=users, rng=rng, say=say)
        _lms_simulator(institution, say)
        demo_catalogue_prepare(institution, say)
    return DemoResult(institution=institution, created=True)


def _template_list(institution: Institution, librarian: User) -> None:
    """A starting point the library offers instructors who create a new list."""
    template = list_create(
        institution=institution,
        name="Template: a first-year course (weekly sections)",
        code="TEMPLATE-WEEKLY",
        acting_user=librarian,
        description="Four weekly sections and the library's study-skills guides.",
        is_template=True,
        first_section="Week 1",
    )
    for week in range(2, 5):
        section_create(reading_list=template, name=f"Week {week}")
    first = template.sections.order_by("position").first()
    citation_create(
        section=first,
        fields={
            "title": "The Study Skills Handbook",
            "authors": "Cottrell, Stella",
            "publisher": "Bloomsbury",
            "publication_date": "2019",
            "edition": "5th",
            "isbn": "9781352005479",
        },
    )


def _lms_simulator(institution: Institution, say: Progress) -> None:
    # Registered even for a demo built before the simulator existed: idempotent.
    platform = simulator_prepare(institution)
    if platform is not None:
        say(f"{platform.name}: launch as any person from /lti/simulator/")


def _check_usernames_free() -> None:
    # Usernames are global: an "admin" made with createsuperuser would stop the build halfway.
    wanted = [person.username for person in people.EVERYONE]
    taken = sorted(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    if taken:
        raise InvalidInput(
            f"these usernames are already taken: {', '.join(taken)}; rename those accounts "
            "or use an empty database (e.g. READINGS_DATA_DIR=/tmp/readings-demo)."
        )


def _institution() -> Institution:
    institution = institution_create(
        code=structure.CODE,
        name=structure.NAME,
        time_zone=structure.TIME_ZONE,
        default_citation_style="harvard",
    )
    # Students then see only what the library has finished, so editors see
    # "waiting for the library" on the items still in process.
    return institution_update(institution=institution, require_library_completion=True)


def _departments(
    institution: Institution,
) -> tuple[dict[str, AcademicDepartment], dict[str, ProcessingDepartment]]:
    academic = {
        code: academic_department_create(institution=institution, code=code, name=name)
        for code, name in structure.ACADEMIC_DEPARTMENTS
    }
    processing = {d.code: d for d in ProcessingDepartment.objects.filter(institution=institution)}
    for code, name in structure.PROCESSING_DEPARTMENTS:
        processing[code] = processing_department_create(
            institution=institution, code=code, name=name
        )
    return academic, processing


def _terms(institution: Institution, today: datetime.date) -> dict[str, Term]:
    return {
        which: term_create(
            institution=institution,
            code=spec.code,
            name=spec.name,
            start_date=spec.start,
            end_date=spec.end,
        )
        for which, spec in structure.terms_around(today).items()
    }


def _people(
    institution: Institution, processing: dict[str, ProcessingDepartment]
) -> dict[str, User]:
    # Password hashing is slow on purpose (~0.25 s); hash each role's shared
    # password once instead of once per account.
    hashes = {role: make_password(people.password_for(role)) for role in Role.values}
    users = {}
    for person in people.EVERYONE:
        user = user_create(
            institution=institution,
            username=person.username,
            email=person.email,
            primary_id=person.primary_id,
            first_name=person.first_name,
            last_name=person.last_name,
            roles=[person.role],
        )
        _grant_sign_in(user, person, hashes[person.role], processing)
        users[person.username] = user
    return users


def _grant_sign_in(
    user: User,
    person: people.Person,
    password_hash: str,
    processing: dict[str, ProcessingDepartment],
) -> None:
    # One hash per role: hashing each of ~30 demo passwords would add seconds.
    user_set_password_hash(user=user, password_hash=password_hash)
    if person.role == Role.ADMINISTRATOR:
        user_set_site_admin(user=user, enabled=True)
    if person.processing:
        librarian_set_departments(user=user, departments=[processing[person.processing]])


def _courses(
    institution: Institution,
    academic: dict[str, AcademicDepartment],
    processing: dict[str, ProcessingDepartment],
    terms: dict[str, Term],
    users: dict[str, User],
) -> dict[CourseKey, Course]:
    courses = {}
    for spec in structure.COURSES:
        term = terms[spec.term]
        lms_id = f"VLE-{term.code}-{spec.code}{spec.section}"
        courses[spec.key] = course_create(
            institution=institution,
            code=spec.code,
            section=spec.section,
            title=spec.title,
            academic_department=academic[spec.department],
            processing_department=processing[structure.PROCESSING_FOR[spec.department]],
            terms=[term],
            start_date=term.start_date,
            end_date=term.end_date,
            year=term.start_date.year,
            participants=spec.participants,
            weekly_hours=spec.weekly_hours,
            submit_lists_by=term.start_date - datetime.timedelta(days=42),
            instructors=[users[username] for username in spec.instructors],
            searchable_ids=[lms_id, *spec.cross_listed_as],
            campuses=[(structure.CAMPUS_FOR[spec.department], spec.participants)],
        )
    return courses


def _enrol(courses: dict[CourseKey, Course], users: dict[str, User], rng: random.Random) -> int:
    """Enrol the printed student as planned, the others by programme plus an elective."""
    count = 0
    for key in structure.MAIN_STUDENT_COURSES:
        course_enroll(course=courses[key], user=users[people.MAIN_STUDENT.username])
        count += 1
    sections: dict[tuple[str, str], list[CourseKey]] = defaultdict(list)
    for spec in structure.COURSES:
        sections[(spec.department, spec.term)].append(spec.key)
    for person in people.STUDENTS[1:]:
        chosen = _one_section_each(sections[(person.department, structure.CURRENT)], rng)
        others = [d for d, _ in structure.ACADEMIC_DEPARTMENTS if d != person.department]
        elective = rng.choice(sections[(rng.choice(others), structure.CURRENT)])
        upcoming = rng.choice(sections[(person.department, structure.NEXT)])
        for key in [*chosen, elective, upcoming]:
            course_enroll(course=courses[key], user=users[person.username])
            count += 1
    return count


def _one_section_each(keys: list[CourseKey], rng: random.Random) -> list[CourseKey]:
    by_code: dict[str, list[CourseKey]] = defaultdict(list)
    for key in keys:
        by_code[key[0]].append(key)
    return [rng.choice(options) for options in by_code.values()]
