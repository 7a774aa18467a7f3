"""OpenURL 1.0 KEV links: the right metadata format and keys for every citation type."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from readings.citations.models import CitationKind
from readings.discovery.openurl import (
    BOOK_FORMAT,
    DC_FORMAT,
    JOURNAL_FORMAT,
    context_object,
    openurl,
)

ELIOT = {"family": "Eliot", "given": "George"}


def kev(fields):
    return dict(context_object(fields))


def test_a_book_uses_the_book_format_with_title_author_isbn_and_imprint():
    pairs = kev(
        {
            "secondary_type": "BK",
            "title": "Middlemarch",
            "authors": [ELIOT],
            "publisher": "Penguin",
            "place": "London",
            "publication_date": "c2019",
            "edition": "2nd ed.",
            "isbn": "9780141439754",
            "oclc": "1234567",
        }
    )
    assert pairs["ctx_ver"] == "Z39.88-2004"
    assert pairs["rft_val_fmt"] == BOOK_FORMAT
    assert pairs["rft.genre"] == "book"
    assert pairs["rft.btitle"] == "Middlemarch"
    assert (pairs["rft.aulast"], pairs["rft.aufirst"], pairs["rft.au"]) == (
        "Eliot",
        "George",
        "Eliot, George",
    )
    assert (pairs["rft.pub"], pairs["rft.place"], pairs["rft.date"]) == (
        "Penguin",
        "London",
        "2019",
    )
    assert pairs["rft.isbn"] == "9780141439754"
    assert pairs["rft_id"] == "info:oclcnum/1234567"
    assert "rft.atitle" not in pairs


def test_a_chapter_is_a_bookitem_with_the_chapter_as_article_title():
    pairs = kev(
        {
            "secondary_type": "BOOK_EXTRACT",
            "title": "The Oxford Book",
            "chapter_title": "On Reading",
            "start_page": "10",
            "end_page": "25",
        }
    )
    assert (pairs["rft.genre"], pairs["rft.atitle"], pairs["rft.btitle"]) == (
        "bookitem",
        "On Reading",
        "The Oxford Book",
    )
    assert (pairs["rft.spage"], pairs["rft.epage"]) == ("10", "25")


def test_an_article_uses_the_journal_format_with_its_doi():
    pairs = context_object(
        {
            "secondary_type": "CR",
            "title": "A finding",
            "container_title": "Nature",
            "authors": [ELIOT, {"literal": "The Consortium"}],
            "volume": "5",
            "issue": "2",
            "pages": "1-9",
            "issn": "0028-0836",
            "doi": "10.1000/xyz",
            "year": 2020,
        }
    )
    as_dict = dict(pairs)
    assert as_dict["rft_val_fmt"] == JOURNAL_FORMAT
    assert (as_dict["rft.genre"], as_dict["rft.atitle"], as_dict["rft.jtitle"]) == (
        "article",
        "A finding",
        "Nature",
    )
    assert [v for k, v in pairs if k == "rft.au"] == ["Eliot, George", "The Consortium"]
    assert (as_dict["rft.volume"], as_dict["rft.issue"], as_dict["rft.pages"]) == ("5", "2", "1-9")
    assert as_dict["rft.issn"] == "0028-0836"
    assert as_dict["rft_id"] == "info:doi/10.1000/xyz"
    assert as_dict["rft.date"] == "2020"


def test_a_journal_is_named_as_the_journal_title():
    pairs = kev({"secondary_type": "JR", "title": "Nature", "issn": "0028-0836"})
    assert (pairs["rft.genre"], pairs["rft.jtitle"]) == ("journal", "Nature")
    assert "rft.atitle" not in pairs


@pytest.mark.parametrize(
    ("kind", "dc_type"),
    [("WS", "InteractiveResource"), ("VD", "MovingImage"), ("AR", "Sound"), ("DO", "Text")],
)
def test_other_types_use_dublin_core(kind, dc_type):
    pairs = kev(
        {
            "secondary_type": kind,
            "title": "Thing",
            "authors": [ELIOT],
            "url": "https://example.org/x",
        }
    )
    assert pairs["rft_val_fmt"] == DC_FORMAT
    assert (pairs["rft.title"], pairs["rft.creator"], pairs["rft.type"]) == (
        "Thing",
        "Eliot, George",
        dc_type,
    )
    assert pairs["rft_id"] == "https://example.org/x"


def test_every_citation_type_gets_a_link_with_a_title():
    for kind in CitationKind.values:
        pairs = kev({"secondary_type": kind, "title": "T", "chapter_title": "C"})
        assert any(key.endswith("title") and value for key, value in pairs.items()), kind


def test_empty_fields_are_left_out():
    pairs = kev({"secondary_type": "BK", "title": "T", "isbn": "", "authors": []})
    assert "rft.isbn" not in pairs
    assert "rft.au" not in pairs


@pytest.mark.parametrize(
    ("base", "prefix"),
    [
        ("https://resolver.example.edu/openurl", "https://resolver.example.edu/openurl?url_ver="),
        ("https://r.example.edu/x?inst=UNI", "https://r.example.edu/x?inst=UNI&url_ver="),
        ("https://r.example.edu/x?", "https://r.example.edu/x?url_ver="),
    ],
)
def test_the_link_appends_the_context_object_to_the_resolver_address(base, prefix):
    link = openurl(base, {"secondary_type": "BK", "title": "Les misérables & co"})
    assert link.startswith(prefix)
    query = dict(parse_qsl(urlsplit(link).query))
    assert query["rft.btitle"] == "Les misérables & co"
