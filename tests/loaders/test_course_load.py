"""Loading course files into the database: check first, then apply all-or-nothing."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import threading

import pytest
from django.db import connection
from loader_files import DATA, HEADER, course, messages, warnings

from readings.accounts.models import Role, User
from readings.core.exceptions import InvalidInput
from readings.courses.models import Course, SearchableId
from readings.courses.services import course_create
from readings.institutions.models import AcademicDepartment, ProcessingDepartment, Term
from readings.lists.models import ListCourse, ReadingList
from readings.loaders.locking import LoadRunning, load_lock
from readings.loaders.models import Load, LoadStatus


def course_state():
    """Everything a course load may write, to prove a load wrote nothing."""
    return {
        "courses": list(Course.objects.order_by("pk").values()),
        "users": User.objects.count(),
        "terms": Term.objects.count(),
        "departments": AcademicDepartment.objects.count(),
        "lists": ReadingList.objects.count(),
        "links": ListCourse.objects.count(),
        "searchable_ids": SearchableId.objects.count(),
    }


def test_sample_file_reports_the_bad_end_date_and_applies_nothing_by_default(load, tmp_path):
    before = course_state()
    sample = shutil.copy(DATA / "lancaster-courses-new.tsv", tmp_path / "new.tsv")

    result = load(sample)

    assert result.status == LoadStatus.REJECTED
    assert {
        "line": 3,
        "column": "END_DATE",
        "value": "2017-03-31",
        "message": "END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
    } in result.report["errors"]
    assert result.report["applied"] is False
    assert course_state() == before


def test_sample_file_with_its_old_courses_present_applies_valid_rows(load, uni, tmp_path):
    lib = ProcessingDepartment.objects.get(institution=uni, code="LIB")
    for code in ("CRS101-2016", "CRS203-2016"):
        course_create(
            institution=uni, code=code, section="1", title=code, processing_department=lib
        )
    old = load(shutil.copy(DATA / "lancaster-courses-old.tsv", tmp_path / "old.tsv"))
    assert messages(old) == [
        "line 3, END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
        "line 6, COURSE_CODE/SECTION_ID CRS201-2017 section 1 does not exist, so it cannot be "
        "deleted.",
    ]

    applied = load(DATA / "lancaster-courses-old.tsv", apply_valid=True)

    assert applied.status == LoadStatus.APPLIED_VALID
    assert (applied.created, applied.rolled_over, applied.skipped) == (3, 2, 2)
    crs101 = Course.objects.get(code="CRS101-2017")
    assert crs101.rolled_from.code == "CRS101-2016"
    assert crs101.year == 2017
    assert sorted(
        Course.objects.get(code="CRS202-2017").instructors.values_list("primary_id", flat=True)
    ) == ["inst2", "inst3"]
    assert not Course.objects.filter(code="CRS102-2017").exists()


def test_a_clean_file_is_applied_and_recorded(load, course_file):
    path = course_file([course("HIST101", INSTR1="p1"), course("HIST102", section="")])

    result = load(path)

    assert result.status == LoadStatus.APPLIED
    assert (result.rows, result.created, result.error_count) == (2, 2, 0)
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.file_name == path.name
    assert result.finished_at is not None
    assert set(Course.objects.values_list("code", "section")) == {("HIST101", "1"), ("HIST102", "")}
    for created in Course.objects.all():
        created.full_clean()  # what the loader wrote passes the model's own validation


def test_loading_the_same_file_again_changes_nothing_and_says_so(load, course_file):
    path = course_file([course("HIST101", INSTR1="p1", READING_LIST_NAME="Core")])
    load(path)
    before = course_state()

    again = load(path)

    assert again.status == LoadStatus.APPLIED
    assert (again.created, again.updated, again.report["unchanged"]) == (0, 0, 1)
    assert again.report["lists_created"] == 0
    assert "This file was already loaded" in again.report["notes"][0]
    assert course_state() == before


def test_an_update_changes_only_participants_and_instructors_by_default(
    load, course_file, make_user
):
    make_user("ann", primary_id="p-ann")
    load(course_file([course("HIST101", COURSE_TITLE="Old title", NUM_OF_PARTICIPANTS="10")]))

    result = load(
        course_file(
            [course("HIST101", COURSE_TITLE="New title", NUM_OF_PARTICIPANTS="99", INSTR1="p-ann")]
        )
    )

    assert (result.updated, result.created) == (1, 0)
    changed = Course.objects.get(code="HIST101")
    assert (changed.title, changed.participants) == ("Old title", 99)
    assert list(changed.instructors.values_list("username", flat=True)) == ["ann"]


def test_the_institution_chooses_which_fields_an_update_changes(load, uni, course_file):
    uni.settings = {"course_update_fields": ["title", "searchable_ids", "terms"]}
    uni.save()
    load(course_file([course("HIST101", COURSE_TITLE="Old", NUM_OF_PARTICIPANTS="10")]))

    load(
        course_file(
            [
                course(
                    "HIST101",
                    COURSE_TITLE="New",
                    NUM_OF_PARTICIPANTS="50",
                    SEARCH_ID1="H1",
                    TERM1="AUTUMN",
                )
            ]
        )
    )

    changed = Course.objects.get(code="HIST101")
    assert (changed.title, changed.participants) == ("New", 10)
    assert list(changed.searchable_ids.values_list("value", flat=True)) == ["H1"]
    assert list(changed.terms.values_list("code", flat=True)) == ["AUTUMN"]


def test_an_unknown_update_field_setting_is_refused_before_loading(load, uni, course_file):
    uni.settings = {"course_update_fields": ["colour"]}
    uni.save()
    with pytest.raises(InvalidInput, match="course_update_fields"):
        load(course_file([course("HIST101")]))
    assert not Load.objects.exists()


def test_delete_removes_the_course_and_keeps_its_lists_unlinked(load, course_file):
    load(course_file([course("HIST101", READING_LIST_NAME="Core readings")]))
    reading_list = ReadingList.objects.get(name="Core readings")

    result = load(course_file([course("HIST101", OPERATION="DELETE")]))

    assert result.deleted == 1
    assert not Course.objects.filter(code="HIST101").exists()
    reading_list.refresh_from_db()
    assert list(reading_list.courses.all()) == []


def test_delete_of_an_unknown_course_is_an_error_and_nothing_is_applied(load, course_file):
    before = course_state()
    result = load(course_file([course("HIST101"), course("NOPE1", OPERATION="DELETE")]))
    assert messages(result) == [
        "line 3, COURSE_CODE/SECTION_ID NOPE1 section 1 does not exist, so it cannot be deleted."
    ]
    assert result.status == LoadStatus.REJECTED
    assert course_state() == before


def test_rollover_from_a_missing_course_is_an_error(load, course_file):
    result = load(course_file([course("HIST201", OPERATION="ROLLOVER", OLD_COURSE_CODE="HIST200")]))
    assert messages(result) == [
        "line 2, OLD_COURSE_CODE/OLD_COURSE_SECTION HIST200 (no section) does not exist, so "
        "there is nothing to roll over from."
    ]
    assert not Course.objects.exists()


def test_rollover_from_a_course_the_same_file_creates_is_allowed(load, course_file):
    result = load(
        course_file(
            [
                course(
                    "HIST201",
                    OPERATION="ROLLOVER",
                    OLD_COURSE_CODE="HIST200",
                    OLD_COURSE_SECTION="1",
                ),
                course("HIST200"),
            ]
        )
    )
    assert result.status == LoadStatus.APPLIED
    assert Course.objects.get(code="HIST201").rolled_from.code == "HIST200"


def test_unknown_operation_is_an_error(load, course_file):
    result = load(course_file([course("HIST101", OPERATION="MERGE")]))
    assert messages(result) == [
        "line 2, OPERATION 'MERGE' is not an operation; use DELETE, ROLLOVER, or leave it empty "
        "to create or update the course."
    ]


def test_a_new_course_needs_a_title(load, course_file):
    result = load(course_file([course("HIST101", COURSE_TITLE="")]))
    assert messages(result) == [
        "line 2, COURSE_TITLE is empty; HIST101 section 1 is a new course and needs a title."
    ]


def test_processing_department_must_exist(load, course_file):
    result = load(course_file([course("HIST101", PROC_DEPT="ELSEWHERE")]))
    assert messages(result) == [
        "line 2, PROC_DEPT 'ELSEWHERE' is not a processing department of Test University "
        "(known: LIB, MAIN); add it first."
    ]


def test_unknown_academic_department_is_an_error_unless_creation_is_allowed(load, uni, course_file):
    path = course_file([course("HIST101", ACAD_DEPT="HIST")])
    refused = load(path)
    assert "ACAD_DEPT 'HIST' is not an academic department" in messages(refused)[0]
    assert "--create-departments" in messages(refused)[0]

    allowed = load(path, create_departments=True)

    assert allowed.status == LoadStatus.APPLIED
    assert Course.objects.get(code="HIST101").academic_department.code == "HIST"
    assert "ACAD_DEPT 'HIST' is a new academic department" in warnings(allowed)[0]


def test_the_institution_setting_allows_new_departments(load, uni, course_file):
    uni.settings = {"create_unknown_departments": True}
    uni.save()
    assert load(course_file([course("HIST101", ACAD_DEPT="HIST")])).status == LoadStatus.APPLIED


def test_a_new_department_code_must_be_a_valid_code(load, course_file):
    result = load(course_file([course("HIST101", ACAD_DEPT="HI ST")]), create_departments=True)
    assert "ACAD_DEPT 'HI ST' cannot be a department code" in messages(result)[0]


def test_unknown_instructors_become_users_with_a_warning(load, uni, course_file):
    result = load(course_file([course("HIST101", INSTR1="p1", ALL_INSTRUCTORS="p1,p2")]))

    assert result.status == LoadStatus.APPLIED
    assert warnings(result) == [
        "line 2, INSTR1 'p1' is no user's primary id yet; an instructor account will be "
        "created for it (signing in through the campus login).",
        "line 2, ALL_INSTRUCTORS 'p2' is no user's primary id yet; an instructor account will "
        "be created for it (signing in through the campus login).",
    ]
    created = User.objects.get(primary_id="p1")
    assert created.institution == uni
    assert created.username == "p1@uni"
    assert not created.has_usable_password()
    assert created.has_role(Role.INSTRUCTOR)
    assert Course.objects.get(code="HIST101").instructors.count() == 2


def test_unknown_instructors_are_errors_when_the_institution_says_so(load, uni, course_file):
    uni.settings = {"create_unknown_instructors": False}
    uni.save()
    result = load(course_file([course("HIST101", INSTR1="ghost")]))
    assert messages(result) == [
        "line 2, INSTR1 'ghost' is no user's primary id, and the institution does not create "
        "instructors from course files; add the user first."
    ]
    assert not User.objects.filter(primary_id="ghost").exists()


def test_reading_list_name_creates_one_empty_list_once(load, course_file):
    path = course_file([course("HIST101", READING_LIST_NAME="Week by week")])
    first = load(path)
    load(path)

    assert first.report["lists_created"] == 1
    reading_list = ReadingList.objects.get(name="Week by week")
    assert list(reading_list.courses.values_list("code", flat=True)) == ["HIST101"]
    assert reading_list.citations.count() == 0
    assert [s.position for s in reading_list.sections.all()] == [0]


def test_apply_valid_applies_only_the_rows_without_errors(load, course_file):
    result = load(
        course_file([course("GOOD1"), course("BAD1", NUM_OF_PARTICIPANTS="-1"), course("GOOD2")]),
        apply_valid=True,
    )
    assert result.status == LoadStatus.APPLIED_VALID
    assert (result.created, result.skipped) == (2, 1)
    assert set(Course.objects.values_list("code", flat=True)) == {"GOOD1", "GOOD2"}


def test_a_dry_run_profiles_the_file_and_writes_nothing(load, uni, course_file, make_user):
    make_user("ann", primary_id="p-ann")
    load(course_file([course("OLD1"), course("KEEP1")]))
    before = course_state()
    path = course_file(
        [
            course("NEW1", ACAD_DEPT="CRS", TERM1="AUTUMN", INSTR1="p-ann", INSTR2="p-new"),
            course(
                "NEW2",
                ACAD_DEPT="CRS",
                TERM1="SPRING",
                START_DATE="2027-01-10",
                END_DATE="2027-05-01",
            ),
            course("KEEP1", NUM_OF_PARTICIPANTS="31"),
            course("OLD1", OPERATION="DELETE"),
            course("NEW1"),
        ]
    )

    result = load(path, dry_run=True)

    assert result.status == LoadStatus.CHECKED
    report = result.report
    assert (report["created"], report["updated"], report["deleted"], report["skipped"]) == (
        2,
        1,
        1,
        1,
    )
    profile = report["profile"]
    assert profile["academic_departments"] == {"(none)": 2, "CRS": 2}
    assert profile["terms"] == {"(none)": 2, "AUTUMN": 1, "SPRING": 1}
    assert profile["instructors_unknown_sample"] == ["p-new"]
    assert profile["duplicate_rows"] == 1
    assert profile["date_ranges"]["start_date"] == {"first": "2026-09-01", "last": "2027-01-10"}
    assert profile["date_ranges"]["end_date"] == {"first": "2026-12-15", "last": "2027-05-01"}
    assert profile["operations"] == {"create or update": 3, "DELETE": 1}
    assert course_state() == before


def test_counts_add_up_to_the_rows_read(load, course_file):
    load(course_file([course("A1"), course("B1")]))
    result = load(
        course_file(
            [
                course("A1"),
                course("B1", NUM_OF_PARTICIPANTS="5"),
                course("C1"),
                course("D1", OPERATION="DELETE"),
                course("A1"),
                "garbage\xff",
            ]
        ),
        apply_valid=True,
    )
    report = result.report
    parts = ("created", "updated", "unchanged", "deleted", "rolled_over", "skipped")
    assert sum(report[k] for k in parts) == report["rows"] == 6
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 1)


def test_files_as_registrars_write_them_load(load, course_file):
    lines = [
        course(
            "ÉTUDES1",
            section="",
            COURSE_TITLE="Études françaises — niveau 1",
            START_DATE="01-09-2026",
            END_DATE="15-12-2026",
            INSTR1="zoë",
        ),
        course("HIST101", START_DATE="02-09-2026", END_DATE="31-01-2027"),
    ]
    path = course_file(lines, newline="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    result = load(path)

    assert result.status == LoadStatus.APPLIED, messages(result)
    assert result.report["profile"]["date_format"] == "DD-MM-YYYY (detected)"
    etudes = Course.objects.get(code="ÉTUDES1", section="")
    assert etudes.title == "Études françaises — niveau 1"
    assert str(etudes.start_date) == "2026-09-01"
    assert User.objects.filter(primary_id="zoë").exists()


def test_ambiguous_dates_are_read_as_told_with_a_warning(load, course_file):
    path = course_file([course("HIST101", START_DATE="03/04/2026", END_DATE="05/06/2026")])
    auto = load(path, dry_run=True)
    assert "can be read day-first or month-first" in warnings(auto)[0]

    told = load(path, date_format="dd-mm-yyyy")

    assert not told.report["warnings"]
    assert str(Course.objects.get(code="HIST101").start_date) == "2026-04-03"


def test_an_unknown_date_format_option_is_refused(load, course_file):
    with pytest.raises(InvalidInput, match="is not a date format"):
        load(course_file([course("HIST101")]), date_format="YY.MM.DD")


def test_an_update_that_would_end_before_it_starts_is_an_error(load, uni, course_file):
    uni.settings = {"course_update_fields": ["start_date"]}
    uni.save()
    load(course_file([course("HIST101", START_DATE="2026-09-01", END_DATE="2026-12-15")]))
    result = load(course_file([course("HIST101", START_DATE="2027-01-10", END_DATE="2027-05-01")]))
    assert "would end (2026-12-15) before it starts (2027-01-10)" in messages(result)[0]


TITLES = [
    "<script>alert('x')</script>",
    '=HYPERLINK("http://example.com","click")',
    "+SUM(1,2)",
    "@import",
    "<b onmouseover=alert(1)>bold</b>",
]


def test_html_and_formulas_in_titles_are_stored_as_text(load, course_file):
    result = load(course_file([course(f"T{n}", COURSE_TITLE=t) for n, t in enumerate(TITLES)]))
    assert result.status == LoadStatus.APPLIED
    assert list(Course.objects.order_by("code").values_list("title", flat=True)) == TITLES


BAD_FILES = {
    "empty file": b"",
    "header only": (HEADER + "\n").encode(),
    "wrong delimiter": b"COURSE_CODE,COURSE_TITLE,SECTION_ID\nHIST101,History,1\n",
    "too many fields": f"{HEADER}\n{course('HIST101')}\tx\ty\n".encode(),
    "too few fields": f"{HEADER}\nHIST101\tHistory\n".encode(),
    "duplicate key": f"{HEADER}\n{course('HIST101')}\n{course('HIST101')}\n".encode(),
    "UTF-16": f"{HEADER}\n{course('HIST101')}\n".encode("utf-16"),
    "Latin-1 bytes": f"{HEADER}\n{course('HIST101')}\n".encode() + b"CAF\xc9\tCaf\xe9\t1\n",
    "NUL bytes": f"{HEADER}\n{course('HIST101')}\n".encode() + b"NUL\x00\tx\n",
    "impossible date": f"{HEADER}\n{course('HIST101', START_DATE='2026-02-30')}\n".encode(),
    "end before start": (
        f"{HEADER}\n{course('HIST101', START_DATE='2018-01-14', END_DATE='2017-03-31')}\n"
    ).encode(),
    "negative participants": f"{HEADER}\n{course('HIST101', NUM_OF_PARTICIPANTS='-4')}\n".encode(),
    "non-numeric participants": (
        f"{HEADER}\n{course('HIST101', NUM_OF_PARTICIPANTS='forty')}\n".encode()
    ),
    "10,000-character title": (
        f"{HEADER}\n{course('HIST101', COURSE_TITLE='x' * 10_000)}\n".encode()
    ),
    "DELETE of an unknown course": f"{HEADER}\n{course('HIST101', OPERATION='DELETE')}\n".encode(),
    "ROLLOVER from a missing course": (
        f"{HEADER}\n{course('HIST101', OPERATION='ROLLOVER', OLD_COURSE_CODE='GONE')}\n".encode()
    ),
    "unknown operation": f"{HEADER}\n{course('HIST101', OPERATION='UPSERT')}\n".encode(),
    "1 MB single line": f"{HEADER}\n{course('HIST101')}\n".encode() + b"A" * 1_000_000 + b"\n",
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_input_is_reported_and_nothing_is_written(name, load, tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_bytes(BAD_FILES[name])
    before = course_state()

    result = load(path)

    assert result.status == LoadStatus.REJECTED
    assert result.error_count >= 1
    assert result.report["errors"][0]["message"]
    assert course_state() == before


def test_an_unreadable_file_is_refused_before_a_load_starts(load, tmp_path):
    with pytest.raises(InvalidInput, match="Cannot read"):
        load(tmp_path / "missing.tsv")
    with pytest.raises(InvalidInput, match="is a directory"):
        load(tmp_path)
    assert not Load.objects.exists()


@contextlib.contextmanager
def lock_held_elsewhere(institution, kind):
    """Hold the load lock from another thread, i.e. another database session."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with load_lock(institution.pk, kind, institution.code):
                taken.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_second_course_load_is_refused_while_one_runs(load, uni, course_file):
    path = course_file([course("HIST101")])
    with lock_held_elsewhere(uni, "courses"), pytest.raises(LoadRunning) as refused:
        load(path)
    assert str(refused.value) == (
        "Another courses load is running for UNI; wait until it has finished."
    )
    assert not Course.objects.exists()
    assert load(path).status == LoadStatus.APPLIED


def test_a_running_list_load_does_not_block_a_course_load(load, uni, course_file):
    with lock_held_elsewhere(uni, "lists"):
        assert load(course_file([course("HIST101")])).status == LoadStatus.APPLIED


def test_a_load_cut_short_is_marked_interrupted_by_the_next_one(load, uni, course_file):
    path = course_file([course("HIST101")])
    stale = Load.objects.create(institution=uni, kind="courses", file_name="x", sha256="0")
    load(path)
    stale.refresh_from_db()
    assert stale.status == LoadStatus.INTERRUPTED


def test_a_database_change_between_check_and_apply_aborts_the_whole_apply(
    load, course_file, monkeypatch
):
    from readings.loaders.course_load import CourseLoader

    load(course_file([course("GONE1")]))
    original_check = CourseLoader.check

    def check_then_someone_deletes(self):
        original_check(self)
        Course.objects.filter(code="GONE1").delete()

    monkeypatch.setattr(CourseLoader, "check", check_then_someone_deletes)

    result = load(course_file([course("NEW1"), course("GONE1", OPERATION="DELETE")]))

    assert result.status == LoadStatus.FAILED
    assert result.report["applied"] is False
    assert "The database changed after the file was checked" in messages(result)[-1]
    assert not Course.objects.exists()  # NEW1 was not created
