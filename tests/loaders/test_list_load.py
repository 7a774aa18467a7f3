"""Loading Leganto reading-list files: grouping, mapping, collisions, idempotent re-loads."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from loader_files import citation, list_header, messages, warnings, write_lines

from readings.citations.models import Citation
from readings.courses.models import Course
from readings.courses.services import course_create
from readings.lists.models import ListMember, ReadingList, Section, Visibility
from readings.lists.services import list_create
from readings.loaders.models import LoadStatus
from readings.loaders.runs import LoadOptions
from readings.loaders.services import lists_load


@pytest.fixture
def courses(uni):
    hist = course_create(
        institution=uni, code="HIST101", section="1", title="History", searchable_ids=["H-101"]
    )
    geo = course_create(institution=uni, code="GEO200", section="", title="Geography")
    return hist, geo


@pytest.fixture
def load_lists(uni):
    def run(path, **options):
        return lists_load(institution=uni, path=path, options=LoadOptions(**options))

    return run


def list_file(tmp_path, lines, name="lists.tsv", delimiter="\t"):
    return write_lines(tmp_path / name, lines, header=list_header(delimiter))


def state():
    return {
        "lists": list(ReadingList.objects.order_by("pk").values()),
        "sections": list(Section.objects.order_by("pk").values()),
        "citations": list(Citation.objects.order_by("pk").values()),
        "members": ListMember.objects.count(),
    }


def sample_lines():
    return [
        citation(
            "HIST-RL",
            "The making of the English working class",
            reading_list_name="History: core readings",
            reading_list_status="Complete",
            RLStatus="PUBLISHED",
            visibility="RESTRICTED",
            owner_user_name="ann",
            section_tags="ESSENTIAL",
            citation_author="Thompson, E. P.",
            citation_publication_date="c1963",
            citation_isbn="0-306-40615-2",
            citation_original_system_id="OLD-1",
            citation_tags="ESSENTIAL",
            citation_public_note="<p>Read ch. 1</p><script>x()</script>",
        ),
        citation(
            "HIST-RL",
            "Past and present",
            reading_list_name="History: core readings",
            reading_list_status="Complete",
            RLStatus="PUBLISHED",
            visibility="RESTRICTED",
            owner_user_name="ann",
            section_tags="ESSENTIAL",
            citation_secondary_type="CR",
            citation_journal_title="Past & Present",
            citation_author="Jane Smith and John Doe",
            citation_publication_date="[2019]",
            citation_doi="https://doi.org/10.1093/PASTJ/GTZ001",
        ),
        citation(
            "HIST-RL",
            "Sources online",
            reading_list_name="History: core readings",
            reading_list_status="Complete",
            RLStatus="PUBLISHED",
            visibility="RESTRICTED",
            owner_user_name="ann",
            section_name="Week 2",
            section_start_date="2026-10-01",
            citation_secondary_type="WS",
            citation_source="https://example.org/sources",
            citation_source1="https://example.org/mirror",
        ),
        citation(
            "GEO-RL",
            "Maps",
            coursecode="",
            section_id="",
            searchable_id1="NOPE",
            searchable_id2="H-101",
            reading_list_name="Geography",
        ),
    ]


def test_a_list_file_creates_lists_sections_and_citations(load_lists, courses, make_user, tmp_path):
    hist, _ = courses
    ann = make_user("ann")

    result = load_lists(list_file(tmp_path, sample_lines()))

    assert result.status == LoadStatus.APPLIED, messages(result)
    report = result.report
    assert (report["created"], report["sections_created"], report["citations_created"]) == (2, 3, 4)
    history = ReadingList.objects.get(code="HIST-RL")
    assert history.name == "History: core readings"
    assert (history.status, history.publication_status) == ("Complete", "PUBLISHED")
    assert history.visibility == Visibility.COURSE
    assert list(history.courses.all()) == [hist]
    assert list(history.members.values_list("user", "role")) == [(ann.pk, "owner")]
    week1, week2 = history.sections.order_by("position")
    assert (week1.position, week1.name, week2.position, week2.name) == (0, "Week 1", 1, "Week 2")
    assert list(week1.tags.values_list("code", flat=True)) == ["ESSENTIAL"]
    assert str(week2.start_date) == "2026-10-01"
    book, article = week1.citations.order_by("position")
    assert (book.position, article.position) == (0, 1)
    assert book.authors == [{"family": "Thompson", "given": "E. P."}]
    assert (book.publication_date, book.year) == ("c1963", 1963)
    assert book.isbn == "9780306406157"
    assert book.original_system_id == "OLD-1"
    assert list(book.tags.values_list("code", flat=True)) == ["ESSENTIAL"]
    assert "<script>" not in book.public_note and "Read ch. 1" in book.public_note
    assert (article.type, article.secondary_type) == ("CR", "CR")
    assert article.container_title == "Past & Present"
    assert [a["family"] for a in article.authors] == ["Smith", "Doe"]
    assert article.doi == "10.1093/pastj/gtz001"
    site = week2.citations.get()
    assert (site.url, site.source_links) == (
        "https://example.org/sources",
        ["https://example.org/mirror"],
    )
    # Linked through its second searchable id, as the first matches no course.
    assert list(ReadingList.objects.get(code="GEO-RL").courses.all()) == [hist]


def test_reloading_the_same_file_changes_nothing(load_lists, courses, make_user, tmp_path):
    make_user("ann")
    path = list_file(tmp_path, sample_lines())
    load_lists(path)
    before = state()

    again = load_lists(path)

    report = again.report
    assert again.status == LoadStatus.APPLIED
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    assert (report["citations_created"], report["citations_unchanged"]) == (0, 4)
    assert state() == before


def test_a_reload_adds_only_what_is_missing_and_keeps_edits(load_lists, courses, tmp_path):
    load_lists(list_file(tmp_path, [citation("RL1", "First"), citation("RL1", "Second")]))
    Citation.objects.filter(title="First").update(title="First (edited by the instructor)")
    version = ReadingList.objects.get(code="RL1").version

    result = load_lists(
        list_file(
            tmp_path,
            [citation("RL1", "First"), citation("RL1", "Second"), citation("RL1", "Third")],
            name="more.tsv",
        )
    )

    assert (result.report["citations_created"], result.report["updated"]) == (1, 1)
    titles = list(
        Citation.objects.filter(reading_list__code="RL1")
        .order_by("position")
        .values_list("position", "title")
    )
    assert titles == [(0, "First (edited by the instructor)"), (1, "Second"), (2, "Third")]
    assert ReadingList.objects.get(code="RL1").version == version + 1


def test_comma_separated_files_with_quoted_values_load_alike(load_lists, courses, tmp_path):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list_header(",").split(","))
    for line in [citation("RL1", 'Pride, prejudice and "quotes"'), citation("RL1", "Two")]:
        writer.writerow(line.split("\t"))
    path = tmp_path / "lists.csv"
    path.write_text(buffer.getvalue())

    result = load_lists(path)

    assert result.status == LoadStatus.APPLIED, messages(result)
    assert result.report["profile"]["delimiter"] == "comma"
    assert list(Citation.objects.order_by("position").values_list("title", flat=True)) == [
        'Pride, prejudice and "quotes"',
        "Two",
    ]


def test_a_list_code_used_again_later_in_the_file_is_skipped(load_lists, courses, tmp_path):
    lines = [
        citation("RL1", "One"),
        citation("RL2", "Two"),
        citation("RL1", "Again", reading_list_name="Another list"),
    ]
    result = load_lists(list_file(tmp_path, lines), apply_valid=True)

    assert messages(result) == [
        "line 4, reading_list_code 'RL1' starts a new list, but the list of line 2 has this "
        "code; the rows of this list are skipped."
    ]
    assert result.report["skipped"] == 1
    assert list(
        Citation.objects.filter(reading_list__code="RL1").values_list("title", flat=True)
    ) == ["One"]


def test_a_list_code_of_another_existing_list_is_a_collision(load_lists, uni, courses, tmp_path):
    list_create(institution=uni, name="Someone else's list", code="RL1")

    result = load_lists(list_file(tmp_path, [citation("RL1", "One"), citation("RL1", "Two")]))

    assert messages(result) == [
        "line 2, reading_list_code 'RL1' already belongs to the list 'Someone else's list'; a "
        "list code names one list, so the rows of this list (lines 2-3) are skipped."
    ]
    assert result.status == LoadStatus.REJECTED
    assert not Citation.objects.exists()


def test_rows_naming_an_unknown_course_are_reported_and_nothing_applied(
    load_lists, courses, tmp_path
):
    before = state()
    lines = [citation("RL1", "One"), citation("RL2", "Two", coursecode="NOPE101")]
    result = load_lists(list_file(tmp_path, lines))
    assert messages(result) == [
        "line 3, coursecode/section_id NOPE101 section 1 match no course; load the courses "
        "first. The rows of this list (line 3) are skipped."
    ]
    assert state() == before

    partial = load_lists(list_file(tmp_path, lines), apply_valid=True)
    assert partial.status == LoadStatus.APPLIED_VALID
    assert list(ReadingList.objects.values_list("code", flat=True)) == ["RL1"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"reading_list_status": "Done"},
            "reading_list_status 'Done' is not known; use one of BeingPrepared, "
            "ReadyForProcessing, InProcess, Complete, Inactive, Declined, RolledOver.",
        ),
        ({"RLStatus": "LIVE"}, "RLStatus 'LIVE' is not known; use one of DRAFT, PUBLISHED"),
        ({"visibility": "SECRET"}, "visibility 'SECRET' is not known; use one of OPEN_TO_WORLD"),
        (
            {"citation_secondary_type": "BOOKISH"},
            "citation_secondary_type 'BOOKISH' is not a known type; use one of BK, E_BK",
        ),
        ({"citation_status": "Lost"}, "citation_status 'Lost' is not a known status"),
        ({"citation_isbn": "12345"}, "citation_isbn '12345' is not a valid ISBN"),
        ({"citation_title": ""}, "citation_title: A citation needs a title."),
        ({"citation_source": "javascript:alert(1)"}, "citation_source 'javascript:alert(1)'"),
        ({"section_start_date": "2026-02-30"}, "section_start_date '2026-02-30' is not a real"),
        ({"section_tags": "SHINY"}, "section_tags 'SHINY' is not a tag here (known: ESSENTIAL"),
        ({"reading_list_code": ""}, "reading_list_code is empty; every list needs a code"),
    ],
)
def test_unknown_values_are_reported_with_what_is_allowed(
    load_lists, courses, tmp_path, cells, expected
):
    result = load_lists(list_file(tmp_path, [citation("RL1", "One", **cells)]))
    assert result.status == LoadStatus.REJECTED
    assert any(expected in m for m in messages(result)), messages(result)
    assert not ReadingList.objects.exists()


def test_columns_readings_does_not_keep_are_reported_once(load_lists, courses, tmp_path):
    lines = [citation("RL1", "One", citation_note="n1"), citation("RL1", "Two", citation_note="n2")]
    result = load_lists(list_file(tmp_path, lines))
    assert warnings(result) == [
        "line 2, citation_note 'n1' is not kept: Readings has no place for this column, so its "
        "values in this file are not loaded."
    ]


def test_a_file_without_a_header_is_refused(load_lists, courses, tmp_path):
    path = write_lines(tmp_path / "x.tsv", [citation("RL1", "One")], header=None)
    result = load_lists(path)
    assert "the first line is not a reading-list header" in messages(result)[0]


def test_empty_and_header_only_files_are_errors(load_lists, courses, tmp_path):
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    assert "the file is empty" in messages(load_lists(empty))[0]
    header_only = write_lines(tmp_path / "h.tsv", [], header=list_header())
    assert "no citation rows" in messages(load_lists(header_only))[0]


def test_a_ten_thousand_character_citation_title_is_kept(load_lists, courses, tmp_path):
    title = "T" * 10_000
    assert load_lists(list_file(tmp_path, [citation("RL1", title)])).status == LoadStatus.APPLIED
    assert Citation.objects.get().title == title


def test_load_lists_command_exit_statuses(uni, courses, tmp_path):
    good = list_file(tmp_path, [citation("RL1", "One")])
    bad = list_file(tmp_path, [citation("RL1", "One", citation_isbn="1")], name="bad.tsv")
    call_command("load", "lists", str(good))
    with pytest.raises(SystemExit) as failed:
        call_command("load", "lists", str(bad))
    assert failed.value.code == 1
    assert Course.objects.count() == 2


# Loading the same rows again --------------------------------------------------------------


def _counting_cleaner(monkeypatch) -> list[int]:
    from readings.loaders import list_rows

    cleaned: list[int] = []
    clean = list_rows.clean_citation_fields

    def counting(data, **kwargs):
        cleaned.append(1)
        return clean(data, **kwargs)

    monkeypatch.setattr(list_rows, "clean_citation_fields", counting)
    return cleaned


def test_a_list_loaded_again_from_the_same_rows_is_not_checked_again(
    load_lists, courses, tmp_path, monkeypatch
):
    path = list_file(
        tmp_path, [citation("RL1", "One"), citation("RL1", "Two"), citation("RL2", "A")]
    )
    load_lists(path)
    cleaned = _counting_cleaner(monkeypatch)

    again = load_lists(path)

    assert again.status == LoadStatus.APPLIED
    assert (again.created, again.updated, again.report["unchanged"]) == (0, 0, 2)
    assert again.report["citations_unchanged"] == 3
    assert cleaned == []
    assert Citation.objects.count() == 3


def test_a_list_edited_since_its_load_is_checked_and_completed_again(
    load_lists, courses, tmp_path, monkeypatch
):
    from readings.citations.services import citation_delete

    path = list_file(tmp_path, [citation("RL1", "One"), citation("RL1", "Two")])
    load_lists(path)
    citation_delete(citation_id=Citation.objects.get(title="Two").pk)
    cleaned = _counting_cleaner(monkeypatch)

    again = load_lists(path)

    assert len(cleaned) == 2
    assert again.report["updated"] == 1
    assert sorted(Citation.objects.values_list("title", flat=True)) == ["One", "Two"]


def test_a_list_whose_rows_changed_is_loaded_again(load_lists, courses, tmp_path):
    load_lists(list_file(tmp_path, [citation("RL1", "One")], name="first.tsv"))

    again = load_lists(
        list_file(tmp_path, [citation("RL1", "One"), citation("RL1", "Two")], name="second.tsv")
    )

    assert (again.report["updated"], again.report["citations_created"]) == (1, 1)
    assert Citation.objects.count() == 2


def test_a_list_loaded_without_an_unknown_owner_gets_the_owner_once_the_user_exists(
    load_lists, courses, tmp_path, make_user
):
    path = list_file(tmp_path, [citation("RL1", "One", owner_user_name="later")])
    load_lists(path)
    user = make_user("later", primary_id="later")

    again = load_lists(path)

    assert again.report["updated"] == 1
    assert ListMember.objects.filter(user=user, reading_list__code="RL1").exists()


@pytest.mark.parametrize(
    "cells",
    [
        {"title": "Only a title"},
        {
            "title": "Full",
            "secondary_type": "CR",
            "authors": "Smith, Ann; Jones, Bo",
            "editors": "Lee, Cy",
            "publication_date": "c2019",
            "isbn": "978-0-19-953556-9",
            "issn": "0042-0980",
            "doi": "10.1000/xyz",
            "url": "https://example.org/a",
            "source_links": ["https://example.org/b"],
            "public_note": "<p>Read <script>x</script>this</p>",
            "pages": "1-20",
        },
    ],
)
def test_a_loaded_citation_is_cleaned_exactly_as_the_editor_cleans_it(cells):
    from readings.citations.metadata import clean_citation_fields
    from readings.loaders.list_rows import CITATION_COLUMNS, clean_citation

    raw = {field: "" for field in CITATION_COLUMNS.values()}
    raw.update({"secondary_type": "BK", "status": "BeingPrepared", "source_links": []})
    raw.update(cells)

    assert clean_citation(dict(raw)) == clean_citation_fields(dict(raw))


def test_a_list_whose_course_was_deleted_since_is_checked_again(load_lists, courses, tmp_path):
    path = list_file(tmp_path, [citation("RL1", "One")])
    load_lists(path)
    Course.objects.filter(code="HIST101").delete()

    again = load_lists(path)

    assert again.status == LoadStatus.REJECTED
    assert "match no course" in messages(again)[0]
