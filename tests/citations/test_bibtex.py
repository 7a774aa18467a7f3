"""BibTeX: LaTeX decoded, corporate names kept whole, broken entries reported."""

# ruff: noqa: RUF001  (en dashes in page ranges are intended)

from __future__ import annotations

import pytest

from readings.citations.bibtex import export_bibtex, import_bibtex
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation

FILE = r"""
% Exported from a reference manager
@string{uchicago = "University of Chicago Press"}

@book{kuhn1962,
  author    = {Kuhn, Thomas S.},
  title     = {The {Structure} of Scientific Revolutions},
  publisher = uchicago,
  address   = {Chicago},
  year      = 1962,
  edition   = {2nd},
  isbn      = {978-0-226-45808-3},
}

@incollection{petty1998,
  author    = {Richard E. Petty and Duane T. Wegener},
  editor    = {Gilbert, Daniel T. and Fiske, Susan T.},
  title     = {Attitudes and Attitude Change},
  booktitle = {The Handbook of Social Psychology},
  pages     = {323--390},
  year      = {1998},
  publisher = {McGraw-Hill},
}

@article{godel1931,
  author  = {G{\"o}del, Kurt and {\O}stergaard, {\AA}se and Sch\"{o}n, \'Eva},
  title   = {{\"U}ber formal unentscheidbare S{\"a}tze, $E=mc^2$ \& 50\% <b>bold</b>},
  journal = {Monatshefte f{\"u}r Mathematik und Physik},
  volume  = {38},
  number  = {1},
  pages   = {173--198},
  year    = {1931},
  month   = dec,
  doi     = {10.1007/BF01700692},
  note    = {=HYPERLINK("http://evil") <script>alert(1)</script>},
}

@article{broken1, title = {Missing a closing brace, year = 2000

@online{who2023,
  author = {{World Health Organization}},
  title  = {Climate change and health},
  url    = {https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health},
  date   = {2023-10-12},
}

@article{bad-doi, title = {Wrong DOI}, doi = {12.34/x}}

@misc{kuhn1962, title = {Same key again}}

@video{ted2006,
  author = {Robinson, Ken},
  title  = {Do schools kill creativity?},
  url    = {https://www.ted.com/talks/sir_ken_robinson_do_schools_kill_creativity},
  year   = {2006},
}
"""


@pytest.fixture(scope="module")
def result():
    return import_bibtex(FILE)


def test_good_entries_are_read_in_order(result):
    assert [e["title"] for e in result.entries] == [
        "The Structure of Scientific Revolutions",
        "The Handbook of Social Psychology",
        "Über formal unentscheidbare Sätze, $E=mc^2$ & 50% <b>bold</b>",
        "Climate change and health",
        "Do schools kill creativity?",
    ]
    assert [e["secondary_type"] for e in result.entries] == ["BK", "BOOK_EXTRACT", "CR", "WS", "VD"]


def test_a_book_resolves_string_macros_and_normalises_the_isbn(result):
    book = result.entries[0]

    assert book["publisher"] == "University of Chicago Press"
    assert book["place"] == "Chicago"
    assert book["isbn"] == "9780226458083"
    assert book["publication_date"] == "1962"


def test_a_chapter_splits_names_written_either_way(result):
    chapter = result.entries[1]

    assert chapter["chapter_title"] == "Attitudes and Attitude Change"
    assert chapter["authors"] == [
        {"family": "Petty", "given": "Richard E."},
        {"family": "Wegener", "given": "Duane T."},
    ]
    assert [n["family"] for n in chapter["editors"]] == ["Gilbert", "Fiske"]
    assert chapter["pages"] == "323–390"


def test_latex_accents_become_unicode_and_month_joins_the_year(result):
    article = result.entries[2]

    assert article["authors"] == [
        {"family": "Gödel", "given": "Kurt"},
        {"family": "Østergaard", "given": "Åse"},
        {"family": "Schön", "given": "Éva"},
    ]
    assert article["container_title"] == "Monatshefte für Mathematik und Physik"
    assert article["publication_date"] == "1931-12"
    assert article["doi"] == "10.1007/bf01700692"


def test_a_note_with_markup_or_a_formula_is_kept_as_escaped_text(result):
    note = result.entries[2]["public_note"]

    assert "<script>" not in note
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note
    assert note.startswith('=HYPERLINK("http://evil")')


def test_a_braced_corporate_author_stays_one_name(result):
    assert result.entries[3]["authors"] == [{"literal": "World Health Organization"}]
    assert result.entries[3]["publication_date"] == "2023-10-12"


def test_broken_entries_are_listed_with_position_and_reason(result):
    errors = {e.position: e.reason for e in result.errors}

    assert sorted(errors) == [4, 6, 7]
    assert "cannot be read" in errors[4]
    assert "DOI" in errors[6]
    assert "kuhn1962" in errors[7]


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
        chapter_title="Attitudes & attitude change: 100% {braced}",
        authors="Petty, Richard E.; Wegener, Duane T.",
        editors="Gilbert, Daniel T.",
        pages="323–390",
        publication_date="1998",
    ),
    _citation(
        secondary_type="CR",
        title="Über Sätze_und $math$",
        container_title="Monatshefte für Mathematik und Physik",
        authors=[{"family": "Gödel", "given": "Kurt"}, {"literal": "Kuhn & Partners"}],
        volume="38",
        issue="1",
        doi="10.1007/BF01700692",
        publication_date="1931-12-01",
    ),
    _citation(
        secondary_type="BK", title="A second Kuhn", authors="Kuhn, T.", publication_date="1962"
    ),
]


def test_export_gives_unique_keys_and_escapes_latex_specials():
    text = export_bibtex(EXPORTED)

    assert "@book{kuhn1962," in text
    assert "@book{kuhn1962a," in text
    assert "@incollection{petty1998," in text
    assert r"Attitudes \& attitude change: 100\% \{braced\}" in text
    assert "{Kuhn \\& Partners}" in text


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
        "doi",
        "volume",
        "issue",
        "pages",
        "publisher",
        "place",
    ],
)
def test_exported_entries_read_back_with_the_same_fields(field):
    result = import_bibtex(export_bibtex(EXPORTED))

    assert result.errors == []
    assert [e.get(field) or None for e in result.entries] == [
        getattr(c, field) or None for c in EXPORTED
    ]
