"""Bibliographic sample data: one builder per citation kind, and topics of works.

Each builder returns the citation fields ``citations.services.citation_create``
takes. Works are real titles and authors (bibliographic facts); identifiers are
written as printed and their check digits recomputed, so every ISBN and ISSN
validates even where a digit was misremembered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stdnum import ean
from stdnum import issn as stdnum_issn

from readings.citations.models import CitationKind

# The demo university's own library site (a reserved .example domain).
LIBRARY = "https://library.northfield.example"

Work = dict[str, Any]
Names = str | dict[str, str] | list[str | dict[str, str]]


@dataclass(frozen=True)
class Topic:
    """A section of a list: its works in order, and when students may see it.

    ``window`` is "" (always open), "closed" (closed a few days ago) or
    "future" (opens in two weeks); dates are computed from today when built.
    """

    name: str
    works: tuple[Work, ...]
    description: str = ""
    window: str = ""


def topic(name: str, *works: Work, description: str = "", window: str = "") -> Topic:
    return Topic(name=name, works=works, description=description, window=window)


def isbn13(printed: str) -> str:
    """Return the ISBN-13 for a printed ISBN-13, with its check digit recomputed."""
    stem = printed.replace("-", "")[:12]
    return stem + ean.calc_check_digit(stem)


def issn(printed: str) -> str:
    """Return the ISSN for a printed ISSN, with its check digit recomputed."""
    stem = printed.replace("-", "")[:7]
    return f"{stem[:4]}-{stem[4:]}{stdnum_issn.calc_check_digit(stem)}"


def org(name: str) -> dict[str, str]:
    """An organisation as author (kept whole, never split into family and given)."""
    return {"literal": name}


def book(
    title: str,
    authors: Names,
    publisher: str,
    place: str,
    year: int,
    isbn: str,
    *,
    edition: str = "",
    editors: Names = "",
) -> Work:
    return {
        "secondary_type": CitationKind.BOOK,
        "title": title,
        "authors": _names(authors),
        "editors": _names(editors),
        "publisher": publisher,
        "place": place,
        "publication_date": str(year),
        "edition": edition,
        "isbn": isbn13(isbn),
    }


def ebook(
    title: str,
    authors: Names,
    publisher: str,
    place: str,
    year: int,
    isbn: str,
    url: str,
    *,
    edition: str = "",
) -> Work:
    work = book(title, authors, publisher, place, year, isbn, edition=edition)
    return {**work, "secondary_type": CitationKind.EBOOK, "url": url}


def chapter(
    chapter_title: str,
    authors: Names,
    book_title: str,
    publisher: str,
    place: str,
    year: int,
    pages: str,
    isbn: str,
    *,
    editors: Names = "",
    edition: str = "",
) -> Work:
    return {
        "secondary_type": CitationKind.CHAPTER,
        "title": book_title,
        "chapter_title": chapter_title,
        "authors": _names(authors),
        "editors": _names(editors),
        "publisher": publisher,
        "place": place,
        "publication_date": str(year),
        "edition": edition,
        "isbn": isbn13(isbn),
        **_pages(pages),
    }


def article(
    title: str,
    authors: Names,
    journal: str,
    year: int,
    volume: str,
    issue: str,
    pages: str,
    issn_printed: str = "",
    doi: str = "",
    *,
    url: str = "",
) -> Work:
    return {
        "secondary_type": CitationKind.ARTICLE,
        "title": title,
        "authors": _names(authors),
        "container_title": journal,
        "publication_date": str(year),
        "volume": volume,
        "issue": issue,
        "issn": issn(issn_printed) if issn_printed else "",
        "doi": doi,
        "url": url,
        **_pages(pages),
    }


def earticle(
    title: str,
    authors: Names,
    journal: str,
    year: int,
    volume: str,
    issue: str,
    pages: str,
    issn_printed: str,
    doi: str,
    url: str,
) -> Work:
    work = article(title, authors, journal, year, volume, issue, pages, issn_printed, doi, url=url)
    return {**work, "secondary_type": CitationKind.EARTICLE}


def journal(title: str, publisher: str, issn_printed: str, url: str = "") -> Work:
    return {
        "secondary_type": CitationKind.JOURNAL,
        "title": title,
        "publisher": publisher,
        "issn": issn(issn_printed),
        "url": url,
    }


def website(title: str, authors: Names, site: str, url: str, date: str = "") -> Work:
    return {
        "secondary_type": CitationKind.WEBSITE,
        "title": title,
        "authors": _names(authors),
        "container_title": site,
        "publication_date": date,
        "url": url,
    }


def video(title: str, authors: Names, publisher: str, year: int, url: str = "") -> Work:
    return _media(CitationKind.VIDEO, title, authors, publisher, year, url)


def audio(title: str, authors: Names, publisher: str, year: int, url: str = "") -> Work:
    return _media(CitationKind.AUDIO, title, authors, publisher, year, url)


def document(
    title: str,
    authors: Names,
    publisher: str,
    place: str,
    year: int,
    url: str = "",
    *,
    isbn: str = "",
) -> Work:
    return {
        "secondary_type": CitationKind.DOCUMENT,
        "title": title,
        "authors": _names(authors),
        "publisher": publisher,
        "place": place,
        "publication_date": str(year),
        "url": url,
        "isbn": isbn13(isbn) if isbn else "",
    }


def other(title: str, authors: Names, publisher: str, year: int | None, url: str) -> Work:
    return _media(CitationKind.OTHER, title, authors, publisher, year, url)


def noted(work: Work, *, public: str = "", private: str = "") -> Work:
    """The work with a note for students (a little HTML) and/or one for editors only."""
    return {**work, "public_note": public, "instructor_note": private}


def note(title: str, public_note: str) -> Work:
    """A heading-like item with instructions for students, no bibliographic data."""
    return {"secondary_type": CitationKind.NOTE, "title": title, "public_note": public_note}


def _media(
    kind: str, title: str, authors: Names, publisher: str, year: int | None, url: str
) -> Work:
    return {
        "secondary_type": kind,
        "title": title,
        "authors": _names(authors),
        "publisher": publisher,
        "publication_date": str(year) if year else "",
        "url": url,
    }


def _names(value: Names) -> list[str | dict[str, str]]:
    # "Family, Given; Family, Given" is how the data below is written; a
    # semicolon never occurs inside a name, unlike "and" or "&".
    if isinstance(value, dict):
        return [value]
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return list(value)


def _pages(pages: str) -> dict[str, str]:
    first, _, last = pages.replace("\u2013", "-").partition("-")
    return {"pages": pages, "start_page": first.strip(), "end_page": last.strip()}
