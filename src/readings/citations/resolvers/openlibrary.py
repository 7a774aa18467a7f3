"""ISBNs through the Open Library Books API (``/api/books?bibkeys=ISBN:…&jscmd=data``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from readings.citations.models import CitationKind
from readings.citations.names import parse_name
from readings.citations.resolvers import http
from readings.citations.resolvers.text import join_title, plain, without_empty

SOURCE = "openlibrary"


def resolve_isbn(isbn: str) -> dict[str, Any]:
    key = f"ISBN:{isbn}"
    params = {"bibkeys": key, "format": "json", "jscmd": "data"}
    try:
        answer = http.get_json(
            f"{http.base_url('openlibrary')}/api/books", service=SOURCE, params=params
        )
    except http.NotFoundAtService:
        answer = {}
    if not isinstance(answer, dict):
        raise http.invalid(_("Open Library sent an answer that cannot be read."))
    # An unknown ISBN is an empty object, not an error status.
    book = answer.get(key) or next(iter(answer.values()), None)
    if not isinstance(book, dict):
        raise http.invalid(_("No record found for ISBN %(isbn)s at Open Library."), isbn=isbn)
    return fields_from_book(book, isbn=isbn)


def fields_from_book(book: dict[str, Any], *, isbn: str = "") -> dict[str, Any]:
    identifiers = book.get("identifiers") if isinstance(book.get("identifiers"), dict) else {}
    fields: dict[str, Any] = {
        "secondary_type": CitationKind.BOOK,
        "title": join_title(plain(book.get("title")), plain(book.get("subtitle"))),
        "authors": [
            parse_name(plain(a.get("name")))
            for a in _objects(book.get("authors"))
            if plain(a.get("name"))
        ],
        "publisher": _first_name(book.get("publishers")),
        "place": _first_name(book.get("publish_places")),
        "publication_date": plain(book.get("publish_date")),
        "isbn": isbn,
        "oclc": _first(identifiers.get("oclc")),
        "lccn": _first(identifiers.get("lccn")),
    }
    return without_empty(fields)


def _objects(values: Any) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def _first_name(values: Any) -> str:
    objects = _objects(values)
    return plain(objects[0].get("name")) if objects else ""


def _first(values: Any) -> str:
    return plain(values[0]) if isinstance(values, list) and values else ""
