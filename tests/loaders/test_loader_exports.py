"""Exports in the loader formats: load → export → load gives back the same data."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from loader_files import citation, course, list_header, messages, write_lines

from readings.citations.models import Citation
from readings.courses.models import Course
from readings.courses.services import course_create
from readings.lists.models import ReadingList
from readings.loaders.exports import courses_export, lists_export
from readings.loaders.models import LoadStatus
from readings.loaders.runs import LoadOptions
from readings.loaders.services import lists_load


def export_courses(institution) -> str:
    buffer = io.StringIO()
    courses_export(institution=institution, stream=buffer)
    return buffer.getvalue()


def export_lists(institution, delimiter="\t") -> str:
    buffer = io.StringIO()
    lists_export(institution=institution, stream=buffer, delimiter=delimiter)
    return buffer.getvalue()


def test_courses_round_trip_through_an_export(uni, load, course_file, tmp_path, make_user):
    uni.settings = {"course_update_fields": []}
    uni.save()
    make_user("ann", primary_id="p-ann")
    lines = [
        course(
            "HIST101",
            COURSE_TITLE="=SUM(1,2) & <b>bold</b>",
            ACAD_DEPT="CRS",
            TERM1="AUTUMN",
            TERM2="SPRING",
            YEAR="2026-27",
            WEEKLY_HOURS="3",
            SEARCH_ID1="H1",
            SEARCH_ID2="H2",
            MULTI_SEARCH_ID="H3,H4",
            INSTR1="p-ann",
            ALL_INSTRUCTORS="p-new",
            SUBMIT_LISTS_BY="2026-08-01",
            CAMPUS_AND_PARTICIPANTS="North|20,South",
        ),
        course("HIST102", section="", COURSE_TITLE="Zoë\u2019s seminar"),
    ]
    assert load(course_file(lines)).status == LoadStatus.APPLIED
    first = export_courses(uni)
    assert "\t'=SUM(1,2) & <b>bold</b>\t" in first  # the formula cannot run in a spreadsheet

    Course.objects.all().delete()
    exported = write_lines(tmp_path / "export.tsv", first.splitlines()[1:])
    reloaded = load(exported)

    assert reloaded.status == LoadStatus.APPLIED, messages(reloaded)
    assert export_courses(uni) == first
    hist = Course.objects.get(code="HIST101")
    assert hist.title == "=SUM(1,2) & <b>bold</b>"
    assert sorted(hist.instructors.values_list("primary_id", flat=True)) == ["p-ann", "p-new"]
    assert sorted(hist.campuses.values_list("campus", "participants")) == [
        ("North", 20),
        ("South", None),
    ]


@pytest.fixture
def hist(uni):
    return course_create(institution=uni, code="HIST101", section="1", title="History")


RL1 = {
    "reading_list_status": "Complete",
    "RLStatus": "PUBLISHED",
    "visibility": "OPEN_TO_WORLD",
    "owner_user_name": "ann",
}
LIST_LINES = [
    citation(
        "RL1",
        '=HYPERLINK("http://x")',
        **RL1,
        section_tags="ESSENTIAL",
        citation_author="Thompson, E. P.; Smith, Jane",
        citation_publication_date="c1963",
        citation_isbn="9780306406157",
        citation_tags="ESSENTIAL,OPTIONAL",
        citation_public_note="<p>Read, then discuss</p>",
        citation_source="https://example.org/a",
        citation_source1="https://example.org/b",
        citation_original_system_id="OLD-1",
    ),
    citation(
        "RL1",
        "Second, with a comma",
        **RL1,
        section_tags="ESSENTIAL",
        citation_secondary_type="CR",
        citation_issn="0028-0836",
    ),
    citation("RL1", "", **RL1, section_name="Week 2", citation_secondary_type=""),
    citation("RL2", "Other list", reading_list_name="Second list", visibility="FULL"),
]


@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_lists_round_trip_through_an_export(uni, hist, make_user, tmp_path, delimiter):
    make_user("ann")
    path = write_lines(tmp_path / "lists.tsv", LIST_LINES, header=list_header())
    loaded = lists_load(institution=uni, path=path, options=LoadOptions())
    assert loaded.status == LoadStatus.APPLIED, messages(loaded)
    first = export_lists(uni, delimiter)

    ReadingList.objects.all().delete()
    exported = tmp_path / f"export.{'csv' if delimiter == ',' else 'tsv'}"
    exported.write_text(first)
    reloaded = lists_load(institution=uni, path=exported, options=LoadOptions())

    assert reloaded.status == LoadStatus.APPLIED, messages(reloaded)
    assert export_lists(uni, delimiter) == first
    assert Citation.objects.get(original_system_id="OLD-1").title == '=HYPERLINK("http://x")'
    assert ReadingList.objects.get(code="RL1").sections.count() == 2


def test_csv_exports_neutralise_formulas(uni, hist, tmp_path):
    path = write_lines(tmp_path / "lists.tsv", LIST_LINES, header=list_header())
    lists_load(institution=uni, path=path, options=LoadOptions())
    rows = list(csv.reader(io.StringIO(export_lists(uni, ","))))
    titles = [row[27] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in titles
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_export_command_writes_a_file_or_exits_2(uni, hist, tmp_path, capsys):
    output = tmp_path / "courses.tsv"
    call_command("export", "courses", "--output", str(output))
    assert output.read_text().splitlines()[1].startswith("HIST101\tHistory\t1\t")
    with pytest.raises(SystemExit) as refused:
        call_command("export", "lists", "--institution", "NOPE")
    assert refused.value.code == 2
    capsys.readouterr()
    call_command("export", "lists", "--format", "csv")
    assert capsys.readouterr().out.startswith("coursecode,section_id,")
