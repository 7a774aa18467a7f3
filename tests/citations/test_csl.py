"""CSL-JSON: citations map to items and back, and imports keep good entries."""

# ruff: noqa: RUF001  (en dashes in page ranges are intended)

from __future__ import annotations

import json

import pytest

from readings.citations.csl import from_csl, import_csl_json, to_csl
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation

KUHN = {"family": "Kuhn", "given": "Thomas S."}

CASES = [
    (
        {
            "secondary_type": "BK",
            "title": "The structure of scientific revolutions",
            "authors": [KUHN],
            "publisher": "University of Chicago Press",
            "place": "Chicago",
            "publication_date": "1962",
            "edition": "2nd",
            "isbn": "9780226458083",
        },
        {
            "type": "book",
            "title": "The structure of scientific revolutions",
            "author": [KUHN],
            "publisher": "University of Chicago Press",
            "publisher-place": "Chicago",
            "issued": {"date-parts": [[1962]]},
            "edition": "2nd",
            "ISBN": "9780226458083",
        },
    ),
    (
        {
            "secondary_type": "BOOK_EXTRACT",
            "title": "The handbook of social psychology",
            "chapter_title": "Attitudes and attitude change",
            "authors": [{"family": "Petty", "given": "Richard E."}],
            "editors": [{"family": "Gilbert", "given": "Daniel T."}],
            "pages": "323–390",
            "publication_date": "1998",
        },
        {
            "type": "chapter",
            "title": "Attitudes and attitude change",
            "container-title": "The handbook of social psychology",
            "author": [{"family": "Petty", "given": "Richard E."}],
            "editor": [{"family": "Gilbert", "given": "Daniel T."}],
            "page": "323–390",
            "issued": {"date-parts": [[1998]]},
        },
    ),
    (
        {
            "secondary_type": "CR",
            "title": "Molecular structure of nucleic acids",
            "container_title": "Nature",
            "authors": [{"family": "Watson", "given": "James D."}],
            "volume": "171",
            "issue": "4356",
            "pages": "737–738",
            "issn": "0028-0836",
            "doi": "10.1038/171737a0",
            "pmid": "13054692",
            "publication_date": "1953-04-25",
        },
        {
            "type": "article-journal",
            "container-title": "Nature",
            "volume": "171",
            "issue": "4356",
            "ISSN": "0028-0836",
            "DOI": "10.1038/171737a0",
            "PMID": "13054692",
            "issued": {"date-parts": [[1953, 4, 25]]},
        },
    ),
    (
        {
            "secondary_type": "WS",
            "title": "Climate change and health",
            "authors": [{"literal": "World Health Organization"}],
            "url": "https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health",
            "publication_date": "c2023",
        },
        {
            "type": "webpage",
            "author": [{"literal": "World Health Organization"}],
            "URL": "https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health",
            "issued": {"raw": "c2023", "date-parts": [[2023]]},
        },
    ),
    (
        {"secondary_type": "VD", "title": "Do schools kill creativity?", "public_note": "Watch"},
        {"type": "motion_picture", "note": "Watch"},
    ),
    ({"secondary_type": "AR", "title": "Kind of blue"}, {"type": "song"}),
    ({"secondary_type": "E_BK", "title": "An e-book"}, {"type": "book"}),
    ({"secondary_type": "NOTE", "title": "Read before class"}, {"type": "document"}),
]


def _citation(fields: dict) -> Citation:
    return Citation(**clean_citation_fields(fields))


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_a_citation_becomes_the_csl_item_with_its_fields(fields, expected):
    item = to_csl(_citation(fields))

    assert {k: item.get(k) for k in expected} == expected
    assert item["custom"] == {"readings_type": fields["secondary_type"]}


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_a_csl_item_reads_back_into_the_same_citation_fields(fields, expected):
    cleaned = clean_citation_fields(fields)

    assert clean_citation_fields(from_csl(to_csl(Citation(**cleaned)))) == cleaned


def test_an_item_from_another_tool_maps_its_type_and_dates():
    """Zotero-style items have no Readings type; their CSL type decides."""
    item = {
        "type": "article-newspaper",
        "title": "  A  headline ",
        "container-title": ["The Guardian"],
        "issued": {"date-parts": [[2019, 5]]},
        "author": [{"family": "Müller", "given": "Jürgen", "suffix": "Jr."}],
    }

    fields = clean_citation_fields(from_csl(item))

    assert fields["secondary_type"] == "CR"
    assert fields["title"] == "A headline"
    assert fields["container_title"] == "The Guardian"
    assert fields["publication_date"] == "2019-05"
    assert fields["authors"] == [{"family": "Müller", "given": "Jürgen"}]


def test_an_unknown_csl_type_becomes_other():
    assert from_csl({"type": "hearing", "title": "x"})["secondary_type"] == "OTHER"


def test_a_chapter_without_a_book_title_keeps_its_own_title():
    fields = from_csl({"type": "chapter", "title": "Lonely chapter"})

    assert fields["title"] == "Lonely chapter"
    assert "chapter_title" not in fields


def test_imported_entries_leave_out_derived_fields():
    """citation_create derives type and year itself and refuses them as input."""
    (entry,) = import_csl_json(
        json.dumps([{"type": "book", "title": "T", "issued": "2001"}])
    ).entries

    assert entry == {"secondary_type": "BK", "title": "T", "publication_date": "2001"}


def test_import_keeps_good_items_and_lists_broken_ones_with_their_position():
    text = json.dumps(
        [
            {"type": "book", "title": "Good one"},
            "not an object",
            {"type": "book", "title": ""},
            {"type": "article-journal", "title": "Bad DOI", "DOI": "11.1/x"},
            {"type": "webpage", "title": "Bad link", "URL": "javascript:alert(1)"},
            {"type": "book", "title": "<script>alert(1)</script> =SUM(A1)"},
        ]
    )

    result = import_csl_json(text)

    assert [e["title"] for e in result.entries] == [
        "Good one",
        "<script>alert(1)</script> =SUM(A1)",
    ]
    assert [e.position for e in result.errors] == [2, 3, 4, 5]
    assert "not a JSON object" in result.errors[0].reason
    assert "title" in result.errors[1].reason
    assert "DOI" in result.errors[2].reason
    assert result.errors[2].title == "Bad DOI"
    assert "http" in result.errors[3].reason


def test_a_file_that_is_not_json_is_one_error():
    result = import_csl_json("{not json")

    assert result.entries == []
    assert len(result.errors) == 1
    assert "not valid JSON" in result.errors[0].reason


def test_a_single_item_object_is_accepted():
    result = import_csl_json(json.dumps({"type": "book", "title": "Alone"}))

    assert [e["title"] for e in result.entries] == ["Alone"]
