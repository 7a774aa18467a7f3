"""The history of loads: newest first, paginated, and a file loaded before is flagged."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from loader_files import course

from readings.loaders.models import Load
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load


def _rows(page: str) -> list[str]:
    """The file name of each history row, top to bottom."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<span class="kind">Courses</span> (\S+)', body)


def _load(uni, course_file, codes: list[str], **options) -> Load:
    return courses_load(
        institution=uni,
        path=course_file([course(c) for c in codes]),
        options=LoadOptions(**options),
    )


def test_the_history_shows_loads_newest_first_with_who_counts_and_status(
    librarian_client, uni, course_file, librarian
):
    _load(uni, course_file, ["A1", "A2"])
    courses_load(
        institution=uni,
        path=course_file([course("B1", END_DATE="2026-01-01")]),
        options=LoadOptions(),
        acting_user=librarian,
        source="web",
    )

    page = librarian_client.get(reverse("loaders:history")).content.decode()

    assert _rows(page) == ["courses-2.tsv", "courses-1.tsv"]
    newest, oldest = page.split("<tbody>", 1)[1].split("</tr>")[:2]
    assert "Libby Reader" in newest
    assert "Not applied: the file has errors" in newest
    assert "the server (command line)" in oldest
    assert re.findall(r'<td class="num(?: optional)?">(\d+)</td>', oldest) == [
        "2",  # rows
        "2",  # created
        "0",
        "0",
        "0",
        "0",  # errors
        "0",
    ]
    assert "2 loads, newest first" in page


def test_a_file_already_applied_is_flagged_with_the_earlier_load(
    librarian_client, uni, course_file
):
    path = course_file([course("A1")])
    first = courses_load(institution=uni, path=path, options=LoadOptions())
    courses_load(institution=uni, path=path, options=LoadOptions(dry_run=True))
    _load(uni, course_file, ["Z9"])

    page = librarian_client.get(reverse("loaders:history")).content.decode()

    rows = page.split("<tbody>", 1)[1].split("</tr>")
    assert "Same file already loaded" not in rows[0]  # the other file
    assert "Same file already loaded" in rows[1]
    assert f'href="{reverse("loaders:detail", args=[first.pk])}"' in rows[1]
    assert "Same file already loaded" not in rows[2]  # the first load itself


def test_the_history_is_paginated_by_25(librarian_client, uni, course_file):
    for n in range(26):
        _load(uni, course_file, [f"C{n}"], dry_run=True)

    first = librarian_client.get(reverse("loaders:history")).content.decode()
    second = librarian_client.get(reverse("loaders:history"), {"page": 2}).content.decode()

    assert len(_rows(first)) == 25
    assert _rows(first)[0] == "courses-26.tsv"
    assert _rows(second) == ["courses-1.tsv"]
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("loads", [2, 12])
def test_the_history_page_runs_the_same_queries_however_many_loads(
    librarian_client, uni, course_file, loads
):
    for n in range(loads):
        _load(uni, course_file, [f"C{n}"], dry_run=True)
    librarian_client.get(reverse("loaders:history"))  # warm the session

    with CaptureQueriesContext(connection) as queries:
        librarian_client.get(reverse("loaders:history"))

    # the session with the user and roles, institution, count, the page of loads (who
    # joined, flag in it)
    assert len(queries.captured_queries) == 4, [q["sql"] for q in queries.captured_queries]


def test_the_page_of_a_waiting_load_says_the_same_file_was_applied_before(
    librarian_client, librarian, uni, course_file
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from readings.loaders.services import load_submit

    path = course_file([course("A1")])
    first = courses_load(institution=uni, path=path, options=LoadOptions())
    waiting = load_submit(  # queued only: this test's transaction never commits
        institution=uni,
        kind="courses",
        upload=SimpleUploadedFile("again.tsv", path.read_bytes()),
        options=LoadOptions(),
        acting_user=librarian,
    )

    again = librarian_client.get(reverse("loaders:detail", args=[waiting.pk])).content.decode()
    original = librarian_client.get(reverse("loaders:detail", args=[first.pk])).content.decode()

    first_url = reverse("loaders:detail", args=[first.pk])
    assert f'Same file already loaded: <a href="{first_url}">load {first.pk}</a>' in again
    assert "Same file already loaded" not in original
