"""The hot pages run a fixed number of queries, however long the list or the results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create
from readings.lists.models import PublicationStatus, Tag
from readings.lists.services import list_create, section_create

# Session, user and access checks included; generous enough for small changes,
# far below what one query per item or per section would need.
LIST_PAGE_MAX = 14
# The session with the user and roles, the list with the user's ties to it; the page
# from the cache.
READER_PAGE_MAX = 2
COURSE_PAGE_MAX = 12
SEARCH_PAGE_MAX = 10


def _long_list(campus, institution, citations: int):
    reading_list = list_create(
        institution=institution,
        name=f"Long list {citations}",
        courses=[campus.course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    sections = [reading_list.sections.get()] + [
        section_create(reading_list=reading_list, name=f"Week {n}") for n in range(2, 5)
    ]
    tags = list(Tag.objects.filter(institution=institution))
    for n in range(citations):
        citation_create(
            section=sections[n % len(sections)],
            fields={
                "title": f"Reading {n}",
                "authors": "Smith, Jane; Doe, John",
                "publication_date": "2021",
                "status": CitationStatus.INACTIVE if n % 10 == 0 else CitationStatus.COMPLETE,
                "public_note": "<p>Read it</p>",
                "instructor_note": "private",
            },
            tags=tags[n % len(tags) :][:2],
        )
    return reading_list


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["student", "instructor", "librarian"])
def test_the_list_page_runs_the_same_few_queries_for_10_or_200_items(
    client, campus, institution, who, django_assert_max_num_queries
):
    client.force_login(campus.users[who])
    short = reverse("lists:detail", args=[_long_list(campus, institution, 10).pk])
    long = reverse("lists:detail", args=[_long_list(campus, institution, 200).pk])
    client.get(short)  # warm the session
    with django_assert_max_num_queries(LIST_PAGE_MAX):
        response = client.get(long)
    assert response.content.decode().count('<li class="citation') == (
        180 if who == "student" else 200
    )
    assert _queries(client, short) == _queries(client, long)


def test_a_students_list_page_from_the_shared_cache_runs_two_queries(
    client, campus, institution, django_assert_max_num_queries
):
    client.force_login(campus.users["student"])
    url = reverse("lists:detail", args=[_long_list(campus, institution, 200).pk])
    client.get(url)  # warm the session and the shared page
    with django_assert_max_num_queries(READER_PAGE_MAX) as captured:
        response = client.get(url)
    assert response.content.decode().count('<li class="citation') == 180
    assert "citations_citation" not in " ".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("who", ["student", "instructor"])
def test_the_course_page_runs_the_same_few_queries_however_many_lists(
    client, campus, institution, who, django_assert_max_num_queries
):
    client.force_login(campus.users[who])
    url = reverse("courses:detail", args=[campus.course.pk])
    client.get(url)  # warm up: the first request of a minute also records the host seen
    before = _queries(client, url)
    for n in range(6):
        _long_list(campus, institution, 3 + n)
    with django_assert_max_num_queries(COURSE_PAGE_MAX):
        client.get(url)
    assert _queries(client, url) == before


def test_the_search_page_runs_the_same_few_queries_for_any_number_of_results(
    client, campus, institution, django_assert_max_num_queries
):
    client.force_login(campus.users["student"])
    url = reverse("courses:search") + "?q=course"
    course_create(institution=institution, code="ONE", title="A course")
    client.get(url)  # warm up: the first request of a minute also records the host seen
    few = _queries(client, url)
    for n in range(40):
        course_create(
            institution=institution,
            code=f"C{n:03}",
            title="Another course",
            searchable_ids=[f"ID-{n}"],
        )
    with django_assert_max_num_queries(SEARCH_PAGE_MAX):
        client.get(url)
    assert _queries(client, url) == few
