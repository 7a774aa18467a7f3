"""Loads write in bulk: a bounded number of queries per batch, never one per row.

The check validates each row once and the apply writes what the check kept,
so a file that changes after its check cannot slip other rows in, and a file
that changes nothing writes nothing.
"""

from __future__ import annotations

import re

import pytest
from bench.fixtures import list_file_lists, loader_data, write_course_file, write_list_file
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.citations.models import Citation
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lists.models import ReadingList
from readings.loaders.course_load import CourseLoader
from readings.loaders.models import Load, LoadStatus
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load, lists_load

PER_LIST = 83
# Queries a load may make for each 1,000 rows of a file, check and apply together
# (lookups and inserts per batch); a query per row would be 1,000 or more.
QUERIES_PER_THOUSAND = 60
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\s+(INTO\s+)?\"?(\w+)", re.IGNORECASE)


@pytest.fixture
def bench_institution(db):
    return Institution.objects.get(pk=loader_data(instructors=20).institution_id)


def _queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        load = run()
    assert load.status == LoadStatus.APPLIED, load.report["errors"][:3]
    return [q["sql"] for q in captured.captured_queries]


def _writes(queries: list[str]) -> list[str]:
    """The tables written, leaving out the load's own record and its lock."""
    tables = [m.group(3) for q in queries if (m := _WRITE.match(q))]
    return [t for t in tables if not t.startswith("loaders_")]


def test_a_course_load_makes_a_bounded_number_of_queries_per_thousand_rows(
    bench_institution, tmp_path
):
    small, large = tmp_path / "small.tsv", tmp_path / "large.tsv"
    write_course_file(small, rows=1000, instructors=20, seed=1)
    write_course_file(large, rows=3000, instructors=20, seed=2)

    def load(path):
        return lambda: courses_load(institution=bench_institution, path=path)

    few = len(_queries(load(small)))
    Course.objects.all().delete()
    many = len(_queries(load(large)))

    assert Course.objects.count() == 3000
    assert many - few <= 2 * QUERIES_PER_THOUSAND, (few, many)
    assert few <= 2 * QUERIES_PER_THOUSAND


def test_a_list_load_makes_a_bounded_number_of_queries_per_thousand_rows(
    bench_institution, tmp_path
):
    courses, small, large = tmp_path / "c.tsv", tmp_path / "small.tsv", tmp_path / "large.tsv"
    write_course_file(courses, rows=list_file_lists(3000, PER_LIST), instructors=20)
    courses_load(institution=bench_institution, path=courses)
    write_list_file(small, citations=1000, per_list=PER_LIST, instructors=20)
    write_list_file(large, citations=3000, per_list=PER_LIST, instructors=20)

    def load(path):
        return lambda: lists_load(institution=bench_institution, path=path)

    few = len(_queries(load(small)))
    ReadingList.objects.filter(code__startswith="LST-").delete()
    many = len(_queries(load(large)))

    assert Citation.objects.count() == 3000
    assert many - few <= 2 * QUERIES_PER_THOUSAND, (few, many)
    assert few <= 2 * QUERIES_PER_THOUSAND


def test_loading_an_unchanged_course_file_again_writes_nothing(bench_institution, tmp_path):
    path = tmp_path / "courses.tsv"
    write_course_file(path, rows=300, instructors=20)
    courses_load(institution=bench_institution, path=path)

    again = _queries(lambda: courses_load(institution=bench_institution, path=path))

    assert _writes(again) == []


def test_loading_an_unchanged_list_file_again_writes_nothing(bench_institution, tmp_path):
    courses, lists = tmp_path / "c.tsv", tmp_path / "l.tsv"
    write_course_file(courses, rows=list_file_lists(300, PER_LIST), instructors=20)
    write_list_file(lists, citations=300, per_list=PER_LIST, instructors=20)
    courses_load(institution=bench_institution, path=courses)
    lists_load(institution=bench_institution, path=lists)

    again = _queries(lambda: lists_load(institution=bench_institution, path=lists))

    assert _writes(again) == []
    assert Citation.objects.count() == 300


def test_the_apply_writes_the_rows_the_check_validated_not_the_file_again(
    bench_institution, tmp_path, monkeypatch
):
    path, other = tmp_path / "courses.tsv", tmp_path / "other.tsv"
    write_course_file(path, rows=20, instructors=20, seed=1)
    write_course_file(other, rows=40, instructors=20, seed=2)
    original_check = CourseLoader.check

    def check_then_the_file_is_replaced(self):
        original_check(self)
        path.write_bytes(other.read_bytes() + b"not\ta\tcourse\n")

    monkeypatch.setattr(CourseLoader, "check", check_then_the_file_is_replaced)

    load = courses_load(institution=bench_institution, path=path)

    assert load.status == LoadStatus.APPLIED
    assert Course.objects.count() == 20


def test_a_file_that_changed_before_its_check_read_it_is_not_applied(
    bench_institution, tmp_path, monkeypatch
):
    from readings.loaders import services

    path = tmp_path / "courses.tsv"
    write_course_file(path, rows=20, instructors=20)
    facts = services._file_facts

    def facts_then_the_file_grows(file_path):
        found = facts(file_path)
        write_course_file(path, rows=30, instructors=20)
        return found

    monkeypatch.setattr(services, "_file_facts", facts_then_the_file_grows)

    load = courses_load(institution=bench_institution, path=path, options=LoadOptions())

    assert load.status == LoadStatus.REJECTED
    assert "The file changed while it was being loaded" in load.report["errors"][0]["message"]
    assert not Course.objects.exists()


def test_rows_written_in_bulk_get_the_model_defaults_of_the_columns_a_file_has_not(
    bench_institution, tmp_path
):
    courses, lists = tmp_path / "c.tsv", tmp_path / "l.tsv"
    write_course_file(courses, rows=list_file_lists(100, PER_LIST), instructors=20)
    write_list_file(lists, citations=100, per_list=PER_LIST, instructors=20)
    courses_load(institution=bench_institution, path=courses)
    lists_load(institution=bench_institution, path=lists)

    reading_list = ReadingList.objects.filter(code__startswith="LST-").first()
    citation = Citation.objects.filter(reading_list=reading_list).first()
    course = Course.objects.first()

    assert reading_list.version == 1
    assert reading_list.created_at is not None and reading_list.updated_at is not None
    assert citation.authors and citation.position >= 0
    assert course.created_at is not None and course.rolled_from_id is None


@pytest.fixture
def small_batches(monkeypatch):
    """Batches and statements a few rows long, so a small file takes the paths of a large one."""
    from readings.loaders import inserts, list_load

    monkeypatch.setattr(list_load, "BATCH_ROWS", 100)
    monkeypatch.setattr(inserts, "_MAX_PARAMS", 300)


def test_a_list_file_of_many_batches_is_applied_whole_in_order(
    bench_institution, tmp_path, small_batches
):
    courses, lists = tmp_path / "c.tsv", tmp_path / "l.tsv"
    write_course_file(courses, rows=list_file_lists(700, PER_LIST), instructors=20)
    write_list_file(lists, citations=700, per_list=PER_LIST, instructors=20)
    courses_load(institution=bench_institution, path=courses)

    load = lists_load(institution=bench_institution, path=lists)

    assert load.status == LoadStatus.APPLIED, load.report["errors"][:3]
    loaded = ReadingList.objects.filter(code__startswith="LST-")
    assert loaded.count() == list_file_lists(700, PER_LIST)
    rows = Citation.objects.filter(reading_list__in=loaded).values_list(
        "original_system_id",
        "reading_list_id",
        "section__reading_list_id",
        "section_id",
        "position",
    )
    assert len(rows) == 700
    assert all(list_id == section_list_id for _, list_id, section_list_id, _, _ in rows)
    by_section: dict[int, list[tuple[int, str]]] = {}
    for original, _, _, section_id, position in rows:
        by_section.setdefault(section_id, []).append((position, original))
    for citations in by_section.values():
        citations.sort()
        # Contiguous positions, in the order of the file's rows.
        assert [p for p, _ in citations] == list(range(len(citations)))
        assert [o for _, o in citations] == sorted(o for _, o in citations)


def test_a_database_error_in_a_later_batch_applies_nothing_and_is_recorded(
    bench_institution, tmp_path, small_batches, monkeypatch
):
    from django.db import OperationalError

    from readings.loaders.list_load import ListLoader

    courses, lists = tmp_path / "c.tsv", tmp_path / "l.tsv"
    write_course_file(courses, rows=list_file_lists(500, PER_LIST), instructors=20)
    write_list_file(lists, citations=500, per_list=PER_LIST, instructors=20)
    courses_load(institution=bench_institution, path=courses)
    write = ListLoader._write
    written = []

    def write_then_fail_on_the_third_batch(self, plans):
        written.append(len(plans))
        if len(written) == 3:
            # What an older schema gives (a column the code has and the table not).
            raise OperationalError("table lists_readinglist has no column named reviewed_at")
        write(self, plans)

    monkeypatch.setattr(ListLoader, "_write", write_then_fail_on_the_third_batch)

    with pytest.raises(OperationalError):
        lists_load(institution=bench_institution, path=lists)

    assert len(written) == 3
    assert not ReadingList.objects.filter(code__startswith="LST-").exists()
    assert not Citation.objects.exists()
    load = Load.objects.get(kind="lists")
    assert load.status == LoadStatus.FAILED
    assert load.report["errors"][0]["message"] == (
        "The database refused the apply (table lists_readinglist has no column named "
        "reviewed_at); nothing was applied."
    )
