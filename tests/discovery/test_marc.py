"""MARC 21 records become citation fields: titles, names, imprint, identifiers, holdings."""

from __future__ import annotations

import dataclasses

import pytest

from discovery.builders import control, field, record
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import CitationKind
from readings.discovery.marc import Holding, Kind, Record, record_from_marc, strip_isbd


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Middlemarch /", "Middlemarch"),
        ("London :", "London"),
        ("Penguin Books,", "Penguin Books"),
        ("c2019.", "c2019"),
        ("A study in scarlet.", "A study in scarlet"),
        ("Tolkien, J. R. R.", "Tolkien, J. R. R."),
        ("2nd ed.", "2nd ed."),
        ("  The   title  ;", "The title"),
        ("", ""),
        (None, ""),
    ],
)
def test_isbd_punctuation_is_stripped_but_initials_and_abbreviations_keep_their_period(
    raw, expected
):
    assert strip_isbd(raw, keep_period=raw == "2nd ed.") == expected


def test_a_full_book_record_maps_to_every_citation_field():
    marc = record(
        control("001", "991234567"),
        control("008", "190312s2019    enk           000 0 eng d"),
        field("010", "a", "  2018956789"),
        field("020", "a", "9780141439549 (paperback)", "q", "paperback"),
        field("020", "a", "0-306-40615-2 (hbk.)"),
        field("020", "a", "12345 (pbk.)"),
        field("035", "a", "(OCoLC)ocm01234567"),
        field("100", "a", "Eliot, George,", "d", "1819-1880,", "e", "author.", ind="1 "),
        field(
            "245",
            "a",
            "Middlemarch :",
            "b",
            "a study of provincial life /",
            "c",
            "G. Eliot.",
            ind="10",
        ),
        field("250", "a", "2nd ed."),
        field("264", "a", "London :", "b", "Penguin,", "c", "[2019]", ind=" 1"),
        field("264", "c", "©1994", ind=" 4"),
        field("300", "a", "xii, 880 pages ;", "c", "20 cm."),
        field("490", "a", "Penguin classics ;", "v", "no. 12", ind="1 "),
        field("830", "a", "Penguin classics ;", "v", "no. 12.", ind=" 0"),
        field("700", "a", "Ashton, Rosemary,", "e", "editor.", ind="1 "),
        field("700", "a", "Byatt, A. S.,", "e", "author of introduction.", ind="1 "),
        field("700", "a", "Woolf, Virginia,", "4", "aut", ind="1 "),
        field("856", "u", "https://example.org/middlemarch", ind="41"),
    )
    result = record_from_marc(marc)

    assert result.record_id == "991234567"
    assert result.kind == CitationKind.BOOK
    assert result.full_title == "Middlemarch: a study of provincial life"
    assert result.authors == [
        {"family": "Eliot", "given": "George"},
        {"family": "Woolf", "given": "Virginia"},
    ]
    assert result.editors == [{"family": "Ashton", "given": "Rosemary"}]
    assert result.edition == "2nd ed."
    assert (result.place, result.publisher, result.publication_date, result.year) == (
        "London",
        "Penguin",
        "[2019]",
        2019,
    )
    assert result.isbns == ["9780141439549", "9780306406157"]
    assert result.rejected_identifiers == ["12345 (pbk.)"]
    assert result.oclc == "1234567"
    assert result.lccn == "2018956789"
    assert result.series == ["Penguin classics; no. 12"]
    assert result.physical_description == "xii, 880 pages ; 20 cm"
    assert result.urls == ["https://example.org/middlemarch"]
    # The fields are exactly what the citation cleaner accepts.
    cleaned = clean_citation_fields(result.citation_fields())
    assert cleaned["title"] == "Middlemarch: a study of provincial life"
    assert cleaned["isbn"] == "9780141439549"
    assert cleaned["catalogue_record_id"] == "991234567"
    assert cleaned["year"] == 2019


def test_a_record_with_only_a_title_maps_without_error():
    result = record_from_marc(record(field("245", "a", "Untitled notes.", ind="00")))
    assert result.citation_fields() == {"secondary_type": "BK", "title": "Untitled notes"}
    assert (result.authors, result.isbns, result.year, result.holdings) == ([], [], None, [])


def test_a_record_with_no_fields_at_all_gives_an_empty_record():
    result = record_from_marc(record())
    assert result.title == ""
    assert result.record_id == ""


def test_the_year_falls_back_to_the_fixed_field_when_the_imprint_has_none():
    marc = record(
        control("008", "850101s1985    nyu           000 0 eng d"),
        field("245", "a", "Old book", ind="00"),
        field("260", "a", "New York :", "b", "Knopf,", "c", "[n.d.]"),
    )
    result = record_from_marc(marc)
    assert result.year == 1985
    assert result.place == "New York"


def test_non_latin_titles_and_names_come_from_linked_880_fields():
    marc = record(
        field("100", "6", "880-01", "a", "Murakami, Haruki,", "e", "author.", ind="1 "),
        field("245", "6", "880-02", "a", "Noruwei no mori /", ind="10"),
        field("880", "6", "100-01/$1", "a", "村上春樹,", "e", "author.", ind="1 "),
        field("880", "6", "245-02/$1", "a", "ノルウェイの森 /", ind="10"),
    )
    result = record_from_marc(marc)
    assert result.title == "Noruwei no mori"
    assert result.vernacular_title == "ノルウェイの森"
    assert result.authors == [{"family": "Murakami", "given": "Haruki"}]
    assert result.vernacular_authors == [{"family": "村上春樹"}]


def test_a_record_only_in_its_original_script_uses_it_for_the_citation():
    marc = record(field("880", "6", "245-01/(N", "a", "Война и мир /", ind="10"))
    assert record_from_marc(marc).citation_fields()["title"] == "Война и мир"


def test_corporate_and_forename_only_names_become_literal_names():
    marc = record(
        field(
            "110", "a", "World Health Organization.", "b", "Regional Office for Europe.", ind="2 "
        ),
        field("700", "a", "Plato,", "e", "author.", ind="0 "),
        field("700", "a", "Dante Alighieri,", "t", "Inferno.", ind="0 "),
        field("245", "a", "Report", ind="10"),
    )
    assert record_from_marc(marc).authors == [
        {"literal": "World Health Organization. Regional Office for Europe"},
        {"literal": "Plato"},
    ]


def test_issns_are_validated_and_invalid_ones_set_aside():
    marc = record(
        field("022", "a", "0317-8471"),
        field("022", "a", "1234-5678"),
        field("245", "a", "Journal of things.", ind="00"),
        leader="00000cas a2200000 a 4500",
    )
    result = record_from_marc(marc)
    assert result.issns == ["0317-8471"]
    assert result.rejected_identifiers == ["1234-5678"]
    assert result.kind == CitationKind.JOURNAL


def test_as_dict_gives_what_dataclasses_asdict_gives_and_reads_back():
    marc = record(
        control("001", "rec-1"),
        field("020", "a", "0141439548"),
        field("020", "a", "not an isbn"),
        field("100", "a", "Eliot, George,", "e", "author.", ind="1 "),
        field("700", "a", "Ashton, Rosemary,", "e", "editor.", ind="1 "),
        field("245", "a", "Middlemarch /", ind="10"),
        field("650", "a", "Provincial life.", ind=" 0"),
        field("856", "u", "https://example.org/mm"),
        field("852", "a", "Main Library", "b", "Stacks", "h", "PR4662"),
    )
    mapped = record_from_marc(marc)
    data = mapped.as_dict()
    assert data == dataclasses.asdict(mapped)
    data["authors"][0]["family"] = "changed"
    assert mapped.authors[0]["family"] == "Eliot"  # a copy, not the record's own lists
    assert Record.from_dict(data).holdings == mapped.holdings


def test_a_doi_comes_from_024_with_source_doi_and_other_standard_numbers_are_ignored():
    marc = record(
        field("024", "a", "https://doi.org/10.1000/ABC.1", "2", "doi", ind="7 "),
        field("024", "a", "9780141439549", "2", "ean", ind="7 "),
        field("024", "a", "10.1000/not-a-doi-source", ind="3 "),
        field("245", "a", "Open book.", ind="00"),
    )
    result = record_from_marc(marc)
    assert result.dois == ["10.1000/abc.1"]
    assert result.citation_fields()["doi"] == "10.1000/abc.1"


@pytest.mark.parametrize(
    ("leader", "extra", "kind"),
    [
        ("00000cam a2200000 i 4500", [], CitationKind.BOOK),
        ("00000cam a2200000 i 4500", [control("007", "cr |||||||||||")], CitationKind.EBOOK),
        (
            "00000cam a2200000 i 4500",
            [control("008", "190101s2019    enk     o     000 0 eng d")],
            CitationKind.EBOOK,
        ),
        ("00000cas a2200000 a 4500", [], CitationKind.JOURNAL),
        ("00000cab a2200000 a 4500", [], CitationKind.ARTICLE),
        ("00000cgm a2200000 i 4500", [], CitationKind.VIDEO),
        ("00000cjm a2200000 i 4500", [], CitationKind.AUDIO),
        ("00000cim a2200000 i 4500", [], CitationKind.AUDIO),
        ("00000cmm a2200000 i 4500", [], CitationKind.DOCUMENT),
        ("00000cem a2200000 i 4500", [], CitationKind.OTHER),
        ("00000ctm a2200000 i 4500", [], CitationKind.BOOK),
    ],
)
def test_the_type_is_guessed_from_the_leader(leader, extra, kind):
    marc = record(field("245", "a", "Item", ind="00"), *extra, leader=leader)
    assert record_from_marc(marc).kind == kind


def test_holdings_come_from_852_and_alma_ava_fields():
    marc = record(
        field("245", "a", "Item", ind="00"),
        field("852", "a", "Main Library", "b", "Stacks,", "h", "PR4662", "i", ".M5 2019"),
        field(
            "AVA",
            "b",
            "LAW",
            "q",
            "Law Library",
            "c",
            "Reserve",
            "d",
            "KF 101 .A2",
            "e",
            "unavailable",
        ),
        field("AVA", "b", "SCI", "c", "Floor 2", "e", "check_holdings"),
    )
    assert record_from_marc(marc).holdings == [
        Holding(library="Main Library", location="Stacks", call_number="PR4662 .M5 2019"),
        Holding(
            library="Law Library",
            location="Reserve",
            call_number="KF 101 .A2",
            availability="unavailable",
        ),
        Holding(library="SCI", location="Floor 2", call_number="", availability="unknown"),
    ]


def test_multipart_titles_keep_their_part_number_and_name():
    marc = record(
        field("245", "a", "History of England.", "n", "Volume 2,", "p", "The Tudors.", ind="10")
    )
    assert record_from_marc(marc).title == "History of England. Volume 2. The Tudors"


def test_every_kind_the_mapping_gives_is_a_citation_type():
    kinds = {v for k, v in vars(Kind).items() if k.isupper()}
    assert kinds <= set(CitationKind.values)
    assert len(kinds) == 8
