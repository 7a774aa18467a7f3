"""RIS: many records at once, broken ones reported, exports that read back."""

# ruff: noqa: RUF001  (en dashes in page ranges are intended)

from __future__ import annotations

import pytest

from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation
from readings.citations.ris import export_ris, import_ris

# As EndNote and Zotero write them: a BOM, wrapped lines, SN for ISBN and ISSN alike.
FILE = """\ufeffTY  - BOOK
AU  - Kuhn, Thomas S.
TI  - The structure of scientific revolutions
PY  - 1962
CY  - Chicago
PB  - University of Chicago Press
ET  - 2nd
SN  - 0-226-45808-3 (pbk.)
ER  -

TY  - CHAP
AU  - Petty, Richard E.
AU  - Wegener, Duane T.
A2  - Gilbert, Daniel T.
ED  - Fiske, Susan T.
TI  - Attitudes and attitude change
T2  - The handbook of social psychology
PY  - 1998
SP  - 323
EP  - 390
PB  - McGraw-Hill
ER  -

TY  - JOUR
AU  - Gödel, Kurt
AU  - Østergård, Åse
TI  - Über formal unentscheidbare Sätze der Principia Mathematica
  und verwandter Systeme
JO  - Monatshefte für Mathematik und Physik
VL  - 38
IS  - 1
SP  - 173
EP  - 198
DA  - 1931/12/01/
SN  - 0026-9255
DO  - https://doi.org/10.1007/BF01700692
N1  - <b>Classic</b> =HYPERLINK("http://evil")
ER  -

TY  - JOUR
TI  - A record with a broken DOI
DO  - not-a-doi
ER  -

TY  - BOOK
TI  - A record that never ends
TY  - ELEC
TI  - Climate change and health
AU  - World Health Organization
UR  - https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health
UR  - https://example.org/mirror
PY  - 2023///
ER  -

AU  - Nobody, No
TI  - Tags with no TY
ER  -

TY  - VIDEO
AU  - Robinson, Ken
TI  - Do schools kill creativity?
T2  - TED
UR  - javascript:alert(1)
ER  -

TY  - SOUND
TI  - <script>alert(1)</script> & =1+1
ER  -
"""


@pytest.fixture(scope="module")
def result():
    return import_ris(FILE)


def test_good_records_are_read_in_order(result):
    assert [e["title"] for e in result.entries] == [
        "The structure of scientific revolutions",
        "The handbook of social psychology",
        "Über formal unentscheidbare Sätze der Principia Mathematica und verwandter Systeme",
        "Climate change and health",
        "<script>alert(1)</script> & =1+1",
    ]


def test_a_book_keeps_its_isbn_although_rispy_calls_sn_issn(result):
    book = result.entries[0]

    assert book["secondary_type"] == "BK"
    assert book["isbn"] == "9780226458083"
    assert book.get("issn", "") == ""
    assert book["authors"] == [{"family": "Kuhn", "given": "Thomas S."}]
    assert (book["place"], book["publisher"], book["edition"]) == (
        "Chicago",
        "University of Chicago Press",
        "2nd",
    )
    assert book["publication_date"] == "1962"


def test_a_chapter_takes_the_book_title_and_editors(result):
    chapter = result.entries[1]

    assert chapter["secondary_type"] == "BOOK_EXTRACT"
    assert chapter["chapter_title"] == "Attitudes and attitude change"
    assert [n["family"] for n in chapter["editors"]] == ["Fiske", "Gilbert"]
    assert (chapter["start_page"], chapter["end_page"], chapter["pages"]) == (
        "323",
        "390",
        "323–390",
    )


def test_an_article_keeps_non_ascii_names_its_journal_issn_and_date(result):
    article = result.entries[2]

    assert article["authors"] == [
        {"family": "Gödel", "given": "Kurt"},
        {"family": "Østergård", "given": "Åse"},
    ]
    assert article["container_title"] == "Monatshefte für Mathematik und Physik"
    assert article["issn"] == "0026-9255"
    assert article["doi"] == "10.1007/bf01700692"
    assert article["publication_date"] == "1931-12-01"


def test_notes_and_titles_with_markup_stay_text(result):
    article = result.entries[2]

    assert article["public_note"] == ('&lt;b&gt;Classic&lt;/b&gt; =HYPERLINK("http://evil")')
    assert result.entries[4]["secondary_type"] == "AR"


def test_a_web_page_takes_its_first_link(result):
    page = result.entries[3]

    assert page["secondary_type"] == "WS"
    assert page["url"].startswith("https://www.who.int/")
    assert page["publication_date"] == "2023"


def test_broken_records_are_listed_with_position_and_reason(result):
    errors = {e.position: e for e in result.errors}

    assert sorted(errors) == [4, 5, 7, 8]
    assert "DOI" in errors[4].reason
    assert errors[4].title == "A record with a broken DOI"
    assert "no end line" in errors[5].reason
    assert "no type line" in errors[7].reason
    assert "http" in errors[8].reason


def test_a_stray_end_line_is_not_a_record():
    result = import_ris("TY  - BOOK\nTI  - One\nER  -\nER  -\n\n1.\nTY  - BOOK\nTI  - Two\nER  -\n")

    assert [e["title"] for e in result.entries] == ["One", "Two"]
    assert result.errors == []


def test_a_file_ending_inside_a_record_reports_it():
    result = import_ris("TY  - BOOK\nTI  - Cut short\n")

    assert result.entries == []
    assert [(e.position, "ends inside" in e.reason) for e in result.errors] == [(1, True)]


def _citation(**fields) -> Citation:
    return Citation(**clean_citation_fields(fields))


EXPORTED = [
    _citation(
        secondary_type="BK",
        title="The structure of scientific revolutions",
        authors="Kuhn, Thomas S.",
        publisher="University of Chicago Press",
        place="Chicago",
        publication_date="1962",
        isbn="9780226458083",
    ),
    _citation(
        secondary_type="BOOK_EXTRACT",
        title="The handbook of social psychology",
        chapter_title="Attitudes and attitude change",
        authors="Petty, Richard E.; Wegener, Duane T.",
        editors="Gilbert, Daniel T.",
        pages="323-390",
        publication_date="1998",
    ),
    _citation(
        secondary_type="CR",
        title="Über Sätze",
        container_title="Monatshefte für Mathematik und Physik",
        authors="Gödel, Kurt",
        volume="38",
        issue="1",
        issn="0026-9255",
        doi="10.1007/BF01700692",
        publication_date="1931-12-01",
    ),
]


def test_export_writes_records_without_rispy_numbering_lines():
    text = export_ris(EXPORTED)

    assert text.startswith("TY  - BOOK\n")
    assert "1." not in text.splitlines()
    assert text.count("ER  - ") == 3
    assert "SN  - 9780226458083" in text
    assert "DA  - 1931/12/01" in text


@pytest.mark.parametrize(
    "field",
    [
        "secondary_type",
        "title",
        "chapter_title",
        "container_title",
        "authors",
        "editors",
        "publication_date",
        "isbn",
        "issn",
        "doi",
        "volume",
        "issue",
        "publisher",
        "place",
    ],
)
def test_exported_records_read_back_with_the_same_fields(field):
    result = import_ris(export_ris(EXPORTED))

    assert result.errors == []
    assert [e.get(field) or None for e in result.entries] == [
        getattr(c, field) or None for c in EXPORTED
    ]
