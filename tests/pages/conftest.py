"""A small campus for the page tests, built through the services as users build it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from readings.accounts.models import Role, User
from readings.citations.models import Citation, CitationStatus
from readings.citations.services import citation_create, citation_set_tags
from readings.courses.models import Course
from readings.courses.services import course_create, course_enroll
from readings.lists.models import MemberRole, PublicationStatus, ReadingList, Tag, TagKind
from readings.lists.services import list_create, member_set, section_create, tag_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The default hasher takes ~0.3 s per user on purpose; tests need no such cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Campus:
    course: Course
    other_course: Course
    published: ReadingList
    draft: ReadingList
    open_list: ReadingList
    visible: Citation
    inactive: Citation
    library_tag: Tag
    users: dict[str, User]


def add_citations(section, count: int, *, prefix: str = "Reading") -> None:
    for n in range(count):
        citation_create(
            section=section,
            fields={
                "title": f"{prefix} {n}",
                "authors": "Smith, Jane; Doe, John",
                "publisher": "Press",
                "publication_date": "2020",
                "status": CitationStatus.COMPLETE,
                "public_note": "<p>Read <em>closely</em></p>",
            },
        )


@pytest.fixture
def campus(institution, other_institution, make_user) -> Campus:
    users = {
        "student": make_user("stu", first_name="Sam", last_name="Student"),
        "other_student": make_user("ostu"),
        "instructor": make_user(
            "ins", roles=[Role.INSTRUCTOR], first_name="Ingrid", last_name="Irving"
        ),
        "other_instructor": make_user("oins", roles=[Role.INSTRUCTOR]),
        "collaborator": make_user("col"),
        "librarian": make_user("lib", roles=[Role.LIBRARIAN]),
        "administrator": make_user("adm", roles=[Role.ADMINISTRATOR]),
        "outsider": make_user("out", inst=other_institution),
    }
    course = course_create(
        institution=institution,
        code="HIST101",
        title="Modern History",
        instructors=[users["instructor"]],
        searchable_ids=["LMS-HIST-2025"],
    )
    other_course = course_create(
        institution=institution,
        code="CHEM200",
        title="Organic Chemistry",
        instructors=[users["other_instructor"]],
    )
    course_enroll(course=course, user=users["student"])
    course_enroll(course=other_course, user=users["other_student"])

    published = list_create(
        institution=institution,
        name="History readings",
        code="HIST-RL",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    member_set(reading_list=published, user=users["collaborator"], role=MemberRole.EDIT)
    week1 = published.sections.get()
    library_tag = tag_create(
        institution=institution, code="RESERVE", name="Short loan", kind=TagKind.LIBRARY
    )
    essential = Tag.objects.get(institution=institution, code="ESSENTIAL")
    visible = citation_create(
        section=week1,
        fields={
            "title": "The Age of Extremes",
            "authors": "Hobsbawm, Eric",
            "publication_date": "1994",
            "status": CitationStatus.COMPLETE,
            "public_note": "<p>Chapters 1-3</p>",
            "instructor_note": "Ask about the second edition",
            "library_note": "Order two more copies",
            "due_date": datetime.date(2030, 10, 1),
        },
        tags=[essential],
    )
    citation_set_tags(citation=visible, tags=[essential, library_tag])
    inactive = citation_create(
        section=week1,
        fields={"title": "Withdrawn pamphlet", "status": CitationStatus.INACTIVE},
    )
    later = section_create(
        reading_list=published,
        name="Week nine",
        start_date=datetime.date.today() + datetime.timedelta(days=60),
    )
    citation_create(section=later, fields={"title": "Not yet open reading"})

    draft = list_create(
        institution=institution, name="Next year's draft", code="HIST-DRAFT", courses=[course]
    )
    citation_create(section=draft.sections.get(), fields={"title": "Draft-only reading"})
    open_list = list_create(
        institution=institution,
        name="Open syllabus",
        code="HIST-OPEN",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
        visibility="OPEN_TO_WORLD",
    )
    citation_create(section=open_list.sections.get(), fields={"title": "Public reading"})
    return Campus(
        course=course,
        other_course=other_course,
        published=published,
        draft=draft,
        open_list=open_list,
        visible=visible,
        inactive=inactive,
        library_tag=library_tag,
        users=users,
    )
