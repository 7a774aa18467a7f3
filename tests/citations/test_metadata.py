"""Cleaning citation metadata: every problem at once, unsafe links and markup refused."""

from __future__ import annotations

import datetime

import pytest

from readings.citations.metadata import clean_citation_fields
from readings.core.exceptions import InvalidInput


def errors_for(data: dict, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as caught:
        clean_citation_fields(data, **kwargs)
    return caught.value.errors


def test_every_invalid_field_is_reported_at_once():
    errors = errors_for(
        {
            "title": "  ",
            "isbn": "123",
            "issn": "1234-5678",
            "doi": "junk",
            "pmid": "PMC1",
            "url": "javascript:alert(1)",
            "source_links": ["https://ok.example/", "data:text/html,hi"],
            "status": "Lost",
            "secondary_type": "BOOKISH",
            "authors": [42],
            "publisher": "p" * 300,
            "due_date": "next week",
        }
    )
    assert set(errors) == {
        "title",
        "isbn",
        "issn",
        "doi",
        "pmid",
        "url",
        "source_links",
        "status",
        "secondary_type",
        "authors",
        "publisher",
        "due_date",
    }
    assert all(messages and all(messages) for messages in errors.values())


def test_an_unknown_status_lists_the_allowed_ones():
    message = errors_for({"title": "T", "status": "Lost"})["status"][0]
    assert "'Lost'" in message
    assert all(s in message for s in ("BeingPrepared", "Complete", "Inactive"))


def test_an_unknown_type_lists_the_allowed_ones():
    message = errors_for({"title": "T", "secondary_type": "BOOKISH"})["secondary_type"][0]
    assert all(code in message for code in ("BK", "E_BK", "BOOK_EXTRACT", "CR", "WS"))


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/path",
        "ftp://files.example/a.pdf",
        "file:///etc/passwd",
        "https://",
        "https://exa mple.org/",
    ],
)
@pytest.mark.parametrize("field", ["url", "source_links"])
def test_unsafe_or_unusable_links_are_refused(field, link):
    value = [link] if field == "source_links" else link
    assert field in errors_for({"title": "T", field: value})


@pytest.mark.parametrize(
    "link", ["https://example.org/a?b=c#d", "http://library.example.edu/record/1"]
)
def test_web_links_are_kept(link):
    cleaned = clean_citation_fields({"title": "T", "url": f" {link} ", "source_links": [link]})
    assert (cleaned["url"], cleaned["source_links"]) == (link, [link])


def test_a_single_source_link_given_as_text_is_one_link():
    cleaned = clean_citation_fields({"title": "T", "source_links": "https://a.example/"})
    assert cleaned["source_links"] == ["https://a.example/"]


def test_blank_source_links_are_dropped():
    cleaned = clean_citation_fields({"title": "T", "source_links": ["", "  ", None]})
    assert cleaned["source_links"] == []


@pytest.mark.parametrize(
    ("note", "kept", "removed"),
    [
        ("<p>Read <em>chapter 2</em></p><script>alert(1)</script>", "<em>chapter 2</em>", "alert"),
        ('<p onclick="steal()">Week 1</p>', "Week 1", "onclick"),
        ('<a href="javascript:alert(1)">x</a>', ">x</a>", "javascript"),
        ('<img src="x" onerror="alert(1)">Look', "Look", "img"),
        ('<a href="https://lib.example/">Guide</a>', 'href="https://lib.example/"', "<script"),
        ("<ul><li>One</li></ul><strong>Two</strong>", "<ul><li>One</li></ul>", "style"),
        ('<p style="color:red">Red</p><style>p{}</style>', "<p>Red</p>", "color"),
    ],
)
def test_public_notes_keep_simple_markup_and_lose_anything_that_runs(note, kept, removed):
    cleaned = clean_citation_fields({"title": "T", "public_note": note})["public_note"]
    assert kept in cleaned
    assert removed not in cleaned


def test_links_in_public_notes_do_not_pass_on_the_page():
    cleaned = clean_citation_fields(
        {"title": "T", "public_note": '<a href="https://x.example/">x</a>'}
    )
    assert 'rel="noopener noreferrer nofollow"' in cleaned["public_note"]


@pytest.mark.parametrize(
    ("secondary_type", "material_type"),
    [
        ("BK", "BK"),
        ("E_BK", "BK"),
        ("BOOK_EXTRACT", "BK"),
        ("WS", "BK"),
        ("VD", "BK"),
        ("CR", "CR"),
        ("E_CR", "CR"),
        ("JR", "CR"),
    ],
)
def test_the_material_type_follows_the_secondary_type(secondary_type, material_type):
    cleaned = clean_citation_fields({"title": "T", "secondary_type": secondary_type})
    assert cleaned["type"] == material_type


@pytest.mark.parametrize(
    ("date", "year"), [("c2019", 2019), ("[1998]", 1998), ("n.d.", None), ("", None)]
)
def test_the_year_follows_the_publication_date(date, year):
    cleaned = clean_citation_fields({"title": "T", "publication_date": date})
    assert (cleaned["publication_date"], cleaned["year"]) == (date, year)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2025-10-01", datetime.date(2025, 10, 1)),
        (datetime.date(2025, 10, 1), datetime.date(2025, 10, 1)),
        ("", None),
        (None, None),
    ],
)
def test_due_dates_are_dates(given, expected):
    assert clean_citation_fields({"title": "T", "due_date": given})["due_date"] == expected


def test_identifiers_are_normalised():
    cleaned = clean_citation_fields(
        {"title": "T", "isbn": "0-306-40615-2", "issn": "03785955", "doi": "DOI:10.1000/X"}
    )
    assert (cleaned["isbn"], cleaned["issn"], cleaned["doi"]) == (
        "9780306406157",
        "0378-5955",
        "10.1000/x",
    )


def test_a_very_long_title_is_kept_whole():
    title = "Word " * 1999 + "End."
    assert clean_citation_fields({"title": title})["title"] == title.strip()


def test_a_partial_change_checks_only_what_is_given():
    assert clean_citation_fields({"volume": " 12 "}, partial=True) == {"volume": "12"}


def test_a_new_citation_needs_a_title():
    assert errors_for({"isbn": "9780306406157"}) == {"title": ["A citation needs a title."]}


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        clean_citation_fields({"title": "T", "colour": "red"})
