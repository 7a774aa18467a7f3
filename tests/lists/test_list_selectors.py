"""The list page: readers get only what they may see, editors get everything and why."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.institutions.selectors import institution_today
from readings.institutions.services import institution_update
from readings.lists.access import EDIT, READ, access_list_by_id
from readings.lists.models import PublicationStatus, Visibility
from readings.lists.selectors import list_page
from readings.lists.services import list_create, section_create

TODAY = datetime.date(2025, 3, 5)
STATUSES = CitationStatus.values


@pytest.fixture
def by_status(make_list):
    """One section with one citation in every status, titled by the status."""
    reading_list = make_list("Main")
    section = reading_list.sections.get()
    for status in STATUSES:
        citation_create(
            section=section,
            fields={
                "title": status,
                "status": status,
                "instructor_note": "secret",
                "library_note": "order more",
            },
        )
    return reading_list


def shown(page) -> dict[str, list[str]]:
    return {view.section.name: [row.citation.title for row in view.rows] for view in page.sections}


def reasons(page) -> dict[str, list[str]]:
    return {
        row.citation.title: row.hidden for view in page.sections for row in view.rows if row.hidden
    }


def test_readers_never_see_inactive_items(by_status):
    page = list_page(reading_list=by_status, access=READ, today=TODAY)
    assert shown(page) == {"Main": [s for s in STATUSES if s != "Inactive"]}


def test_readers_see_only_complete_items_when_the_library_must_finish_first(by_status, institution):
    institution_update(institution=institution, require_library_completion=True)
    by_status.refresh_from_db()
    page = list_page(reading_list=by_status, access=READ, today=TODAY)
    assert shown(page) == {"Main": ["Complete"]}
    assert page.citation_count == 1


def test_editors_see_every_item_with_why_students_would_not(by_status, institution):
    institution_update(institution=institution, require_library_completion=True)
    by_status.refresh_from_db()
    page = list_page(reading_list=by_status, access=EDIT, today=TODAY)
    assert shown(page) == {"Main": STATUSES}
    assert reasons(page) == {
        "BeingPrepared": ["waiting for the library"],
        "ReadyForProcessing": ["waiting for the library"],
        "InProcess": ["waiting for the library"],
        "Declined": ["the library declined this item"],
        "Inactive": ["item is inactive"],
    }


def test_readers_never_load_private_notes(by_status):
    with CaptureQueriesContext(connection) as queries:
        page = list_page(reading_list=by_status, access=READ, today=TODAY)
    assert not any("instructor_note" in q["sql"] for q in queries.captured_queries)
    assert not any("library_note" in q["sql"] for q in queries.captured_queries)
    for view in page.sections:
        for row in view.rows:
            assert {"instructor_note", "library_note"} <= row.citation.get_deferred_fields()


def test_editors_get_the_private_notes(by_status):
    page = list_page(reading_list=by_status, access=EDIT, today=TODAY)
    notes = {
        (row.citation.instructor_note, row.citation.library_note) for row in page.sections[0].rows
    }
    assert notes == {("secret", "order more")}


@pytest.fixture
def windowed(make_list):
    reading_list = make_list()
    windows = {
        "Always": (None, None),
        "Opens later": (datetime.date(2025, 3, 10), None),
        "Closed": (None, datetime.date(2025, 3, 1)),
        "Opens today": (TODAY, None),
        "Closes today": (None, TODAY),
        "Running": (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
    }
    for name, (start, end) in windows.items():
        section = section_create(
            reading_list=reading_list, name=name, start_date=start, end_date=end
        )
        citation_create(section=section, fields={"title": f"In {name}"})
    reading_list.refresh_from_db()
    return reading_list


def test_readers_see_only_sections_open_today(windowed):
    page = list_page(reading_list=windowed, access=READ, today=TODAY)
    assert [view.section.name for view in page.sections] == [
        "Always",
        "Opens today",
        "Closes today",
        "Running",
    ]
    assert page.citation_count == 4


def test_editors_see_every_section_with_its_window(windowed):
    page = list_page(reading_list=windowed, access=EDIT, today=TODAY)
    assert {view.section.name: view.hidden for view in page.sections if view.hidden} == {
        "Opens later": ["section opens on 10 Mar"],
        "Closed": ["section closed on 1 Mar"],
    }
    assert page.citation_count == 6


@pytest.mark.parametrize(
    ("time_zone", "opened"), [("Pacific/Auckland", True), ("America/Los_Angeles", False)]
)
def test_a_section_opens_at_midnight_where_the_institution_is(
    make_list, institution, time_zone, opened
):
    institution_update(institution=institution, time_zone=time_zone)
    reading_list = make_list()
    section_create(reading_list=reading_list, name="Week 2", start_date=datetime.date(2025, 3, 10))
    reading_list.refresh_from_db()
    # 23:30 UTC on 9 March: already 10 March in Auckland, still 9 March in California.
    utc_now = datetime.datetime(2025, 3, 9, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("readings.institutions.selectors.timezone.now", return_value=utc_now):
        today = institution_today(reading_list.institution)
    page = list_page(reading_list=reading_list, access=READ, today=today)
    assert bool(page.sections) is opened


@pytest.mark.parametrize(
    ("status", "visibility", "expected"),
    [
        (PublicationStatus.DRAFT, Visibility.COURSE, ["list is a draft"]),
        (PublicationStatus.ARCHIVED, Visibility.COURSE, ["list is archived"]),
        (
            PublicationStatus.PUBLISHED,
            Visibility.PRIVATE,
            ["list is private to its owners and collaborators"],
        ),
        (
            PublicationStatus.DRAFT,
            Visibility.PRIVATE,
            ["list is a draft", "list is private to its owners and collaborators"],
        ),
        (PublicationStatus.PUBLISHED, Visibility.INSTITUTION, []),
    ],
)
def test_editors_are_told_why_students_cannot_see_the_list(make_list, status, visibility, expected):
    reading_list = make_list("A", publication_status=status, visibility=visibility)
    page = list_page(reading_list=reading_list, access=EDIT, today=TODAY)
    assert page.hidden == expected


def test_an_enrolled_student_gets_the_reader_page_through_access(institution, make_user):
    student = make_user(roles=["student"])
    course = course_create(institution=institution, code="C", title="C")
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Course list",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    section = reading_list.sections.get()
    citation_create(section=section, fields={"title": "Shown"})
    citation_create(section=section, fields={"title": "Gone", "status": "Inactive"})
    fetched, access = access_list_by_id(student, reading_list.pk)
    page = list_page(reading_list=fetched, access=access, today=TODAY)
    assert shown(page) == {"Readings": ["Shown"]}
    assert [course.code for course in page.courses] == ["C"]


def test_the_page_costs_the_same_queries_however_long_the_list(make_list):
    def count(reading_list) -> int:
        with CaptureQueriesContext(connection) as queries:
            list_page(reading_list=reading_list, access=EDIT, today=TODAY)
        return len(queries.captured_queries)

    short = make_list("A", items=1)
    long = make_list("A", "B", "C", items=8, name="Long", code="LONG")
    assert count(long) == count(short)
