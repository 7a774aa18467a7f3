"""A published list with readers inside and outside its course, built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from readings.accounts.models import Role, User
from readings.citations.models import Citation, CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus, ReadingList, Tag, Visibility
from readings.lists.services import list_create, section_create


@dataclass
class Readers:
    reading_list: ReadingList
    open_list: ReadingList
    first: Citation
    second: Citation
    inactive: Citation
    not_yet_open: Citation
    public_item: Citation
    users: dict[str, User]


@pytest.fixture
def readers(institution, other_institution, make_user) -> Readers:
    users = {
        "student": make_user("stu", first_name="Sam", last_name="Student"),
        "classmate": make_user("mate", first_name="Cleo", last_name="Classmate"),
        "other_student": make_user("ostu"),
        "instructor": make_user("ins", roles=[Role.INSTRUCTOR], first_name="Ida", last_name="I"),
        "outsider": make_user("out", inst=other_institution),
    }
    course = course_create(
        institution=institution,
        code="HIST101",
        title="Modern History",
        instructors=[users["instructor"]],
    )
    other_course = course_create(institution=institution, code="CHEM200", title="Chemistry")
    course_enroll(course=course, user=users["student"])
    course_enroll(course=course, user=users["classmate"])
    course_enroll(course=other_course, user=users["other_student"])
    reading_list = list_create(
        institution=institution,
        name="History readings",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
        visibility=Visibility.COURSE,
    )
    section = reading_list.sections.get()
    essential = Tag.objects.get(institution=institution, code="ESSENTIAL")
    first = citation_create(
        section=section,
        fields={
            "title": "The Age of Extremes",
            "authors": "Hobsbawm, Eric",
            "publisher": "Michael Joseph",
            "place": "London",
            "publication_date": "1994",
            "status": CitationStatus.COMPLETE,
        },
        tags=[essential],
    )
    second = citation_create(
        section=section,
        fields={
            "title": "Postwar",
            "authors": "Judt, Tony",
            "publication_date": "2005",
            "status": CitationStatus.COMPLETE,
        },
    )
    inactive = citation_create(
        section=section, fields={"title": "Withdrawn pamphlet", "status": CitationStatus.INACTIVE}
    )
    later = section_create(
        reading_list=reading_list,
        name="Week nine",
        start_date=datetime.date.today() + datetime.timedelta(days=60),
    )
    not_yet_open = citation_create(section=later, fields={"title": "Not yet open reading"})
    open_list = list_create(
        institution=institution,
        name="Open syllabus",
        publication_status=PublicationStatus.PUBLISHED,
        visibility=Visibility.OPEN_TO_WORLD,
    )
    public_item = citation_create(
        section=open_list.sections.get(), fields={"title": "Public reading"}
    )
    return Readers(
        reading_list=reading_list,
        open_list=open_list,
        first=first,
        second=second,
        inactive=inactive,
        not_yet_open=not_yet_open,
        public_item=public_item,
        users=users,
    )
