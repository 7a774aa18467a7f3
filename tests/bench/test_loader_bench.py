"""The loader benchmarks' file generators write files the loaders accept without a problem.

Nothing is timed here; this only proves the generated files are valid, so the
loader benchmarks cannot silently measure a file that is all errors.
"""

from __future__ import annotations

import pytest
from bench.fixtures import (
    LIST_COLUMNS,
    list_file_lists,
    loader_data,
    write_course_file,
    write_list_file,
)

from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lists.models import ReadingList
from readings.loaders.list_rows import COLUMNS
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load, lists_load

ROWS = 50


@pytest.fixture
def institution_for_loads(db):
    data = loader_data(instructors=20)
    return Institution.objects.get(pk=data.institution_id)


def test_generated_course_file_checks_clean_in_a_dry_run(institution_for_loads, tmp_path):
    path = tmp_path / "courses.txt"
    write_course_file(path, rows=ROWS, instructors=20)
    load = courses_load(
        institution=institution_for_loads, path=path, options=LoadOptions(dry_run=True)
    )
    assert (load.rows, load.error_count, load.warning_count) == (ROWS, 0, 0), load.report
    assert not Course.objects.exists()


def test_generated_list_file_loads_clean_into_the_generated_courses(
    institution_for_loads, tmp_path
):
    courses, lists = tmp_path / "courses.txt", tmp_path / "lists.txt"
    write_list_file(lists, citations=ROWS, per_list=10, instructors=20)
    write_course_file(courses, rows=list_file_lists(ROWS, 10), instructors=20)
    courses_load(institution=institution_for_loads, path=courses)
    load = lists_load(
        institution=institution_for_loads, path=lists, options=LoadOptions(dry_run=True)
    )
    assert (load.rows, load.error_count, load.warning_count) == (ROWS, 0, 0), load.report
    assert not ReadingList.objects.filter(code__startswith="LST-").exists()


def test_generated_list_file_has_the_loaders_columns_in_order():
    assert list(LIST_COLUMNS) == list(COLUMNS)


def test_a_failed_load_is_shown_with_what_its_own_process_last_said(tmp_path):
    from bench.course_load import _last_lines

    log = tmp_path / "load.log"
    log.write_text("Applied.\n")
    start = log.stat().st_size
    with log.open("a") as out:
        out.write("Checked lists.txt (5 rows).\n")
        out.write("readings: cannot use the database (table t has no column named c).\n")

    said = _last_lines(log, start)

    assert said == (
        "Checked lists.txt (5 rows).\n"
        "readings: cannot use the database (table t has no column named c)."
    )
