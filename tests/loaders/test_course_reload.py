"""Loading a course file again: lines a load applied before are recognised, changes still apply."""

from __future__ import annotations

import pytest
from loader_files import course, messages, warnings

from readings.courses.models import Course, SearchableId
from readings.institutions.models import ProcessingDepartment
from readings.lists.models import ReadingList
from readings.loaders import course_load, course_rows
from readings.loaders.models import LoadedCourse, LoadStatus


@pytest.fixture
def rows_read(monkeypatch) -> list[int]:
    """The lines a load read cell by cell (a recognised line is not read)."""
    read: list[int] = []
    original = course_rows.read_course_row

    def counting(row, *args, **kwargs):
        read.append(row.line)
        return original(row, *args, **kwargs)

    monkeypatch.setattr(course_rows, "read_course_row", counting)
    return read


def three_courses() -> list[str]:
    return [
        course("HIST101", INSTR1="p1", SEARCH_ID1="h101", CAMPUS_AND_PARTICIPANTS="Main|20"),
        course("HIST102", TERM1="AUT", READING_LIST_NAME="Core"),
        course("HIST103", ACAD_DEPT="CRS", YEAR="2026"),
    ]


def test_the_same_file_again_is_not_read_again_and_reports_as_a_full_check(
    load, course_file, make_user, rows_read
):
    make_user(primary_id="p1")
    path = course_file(three_courses())
    load(path)
    checked = load(path, dry_run=True)
    LoadedCourse.objects.all().delete()
    rows_read.clear()

    full = load(path, dry_run=True)
    load(path)  # remembers the lines again
    rows_read.clear()
    again = load(path)

    assert rows_read == []
    assert again.status == LoadStatus.APPLIED
    assert (again.created, again.updated, again.report["unchanged"]) == (0, 0, 3)
    for report in (checked.report, again.report):
        assert report["profile"] | {"previous_load": 0} == full.report["profile"] | {
            "previous_load": 0
        }
        assert report["warnings"] == full.report["warnings"] == []


def test_a_changed_line_is_read_and_applied_while_the_others_are_recognised(
    load, course_file, make_user, rows_read
):
    make_user(primary_id="p1")
    load(course_file(three_courses()))
    lines = three_courses()
    lines[1] = course("HIST102", TERM1="AUT", READING_LIST_NAME="Core", NUM_OF_PARTICIPANTS="45")
    rows_read.clear()

    changed = load(course_file(lines))

    assert rows_read == [3]
    assert (changed.updated, changed.report["unchanged"]) == (1, 2)
    assert Course.objects.get(code="HIST102").participants == 45


def test_a_course_edited_since_its_load_is_restored_by_the_same_file(load, course_file, make_user):
    make_user(primary_id="p1")
    path = course_file(three_courses())
    load(path)
    edited = Course.objects.get(code="HIST101")
    edited.instructors.clear()
    Course.objects.filter(pk=edited.pk).update(participants=5)

    again = load(path)

    assert (again.updated, again.report["unchanged"]) == (1, 2)
    edited.refresh_from_db()
    assert edited.participants == 30
    assert list(edited.instructors.values_list("primary_id", flat=True)) == ["p1"]


def test_a_department_renamed_since_makes_the_lines_naming_it_errors_again(load, course_file):
    path = course_file([course("HIST101")])
    load(path)
    ProcessingDepartment.objects.filter(code="LIB").update(code="LIBRARY")

    again = load(path)

    assert again.status == LoadStatus.REJECTED
    assert messages(again)[0].startswith("line 2, PROC_DEPT 'LIB' is not a processing department")


def test_a_repeat_of_a_recognised_line_is_still_reported_as_a_duplicate(load, course_file):
    load(course_file([course("HIST101")]))

    again = load(course_file([course("HIST101"), course("HIST101")]))

    assert messages(again) == [
        "line 3, COURSE_CODE/SECTION_ID HIST101 section 1 repeats the course of line 2; only "
        "the first row for a course is used."
    ]


def test_a_recognised_line_still_gives_back_its_named_list_if_it_was_deleted(
    load, course_file, make_user
):
    make_user(primary_id="p1")
    path = course_file(three_courses())
    load(path)
    ReadingList.objects.filter(name="Core").delete()

    again = load(path)

    assert again.report["lists_created"] == 1
    assert Course.objects.get(code="HIST102").reading_lists.filter(name="Core").exists()


def test_a_file_loaded_again_keeps_its_detected_date_format_and_warning_unread(
    load, course_file, monkeypatch
):
    path = course_file([course("HIST101", START_DATE="03/04/2026", END_DATE="05/06/2026")])
    first = load(path)

    def sniff_again(stream):
        raise AssertionError("the dates of a file loaded before were read again")

    monkeypatch.setattr(course_load, "sniff_date_format", sniff_again)
    again = load(path)
    other = course_file([course("HIST102", START_DATE="03/04/2026", END_DATE="05/06/2026")])

    assert again.report["profile"]["date_format"] == first.report["profile"]["date_format"]
    assert warnings(again) == warnings(first)
    assert "can be read day-first or month-first" in warnings(again)[0]
    with pytest.raises(AssertionError, match="were read again"):
        load(other)


def test_searchable_ids_edited_since_are_restored_when_updates_may_change_them(
    load, uni, course_file, make_user
):
    make_user(primary_id="p1")
    path = course_file(three_courses())
    load(path)
    SearchableId.objects.filter(value="h101").update(value="edited")

    kept = load(path)
    uni.settings = {"course_update_fields": ["searchable_ids"]}
    uni.save()
    restored = load(path)

    assert (kept.updated, kept.report["unchanged"]) == (0, 3)
    assert (restored.updated, restored.report["unchanged"]) == (1, 2)
    assert SearchableId.objects.filter(value="h101").exists()
