"""Small text helpers shared by the resolvers."""

from __future__ import annotations

import html
import re
from typing import Any

from readings.citations.csl import EN_DASH

_TAG = re.compile(r"<[^>]*>")
_PAGE_RANGE = re.compile(r"^\s*(\w*?)(\d+)\s*[-\u2013\u2014]+\s*(\w*?)(\d+)\s*$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def plain(value: Any) -> str:
    """Text without markup: titles from Crossref carry JATS tags such as <i> and &amp;."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(html.unescape(_TAG.sub("", str(value))).split())


def join_title(title: str, subtitle: str) -> str:
    if not subtitle or subtitle.lower() in title.lower():
        return title
    return f"{title}: {subtitle}" if title else subtitle


def page_range(value: str) -> str:
    """'123-9' (MEDLINE's shortened end page) -> '123\u2013129'; other forms stay as they are."""
    text = plain(value)
    match = _PAGE_RANGE.match(text)
    if not match:
        return text
    prefix, start, end_prefix, end = match.groups()
    if len(end) < len(start) and not end_prefix:
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}{EN_DASH}{end_prefix}{end}"


def date_from_parts(parts: Any) -> str:
    """CSL/Crossref ``{"date-parts": [[2013, 3, 1]]}`` -> '2013-03-01'."""
    try:
        first = [int(p) for p in parts["date-parts"][0] if p is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    if not first:
        return ""
    return "-".join([str(first[0]), *(f"{p:02d}" for p in first[1:3])])


def date_from_words(value: str) -> str:
    """'2019 Aug 15' or '2019 Aug' -> ISO; anything else is kept as written."""
    text = plain(value)
    words = text.replace(",", " ").split()
    if words and words[0].isdigit() and len(words[0]) == 4:
        out = [words[0]]
        if len(words) > 1 and words[1].lower().rstrip(".") in _MONTHS:
            out.append(f"{_MONTHS[words[1].lower().rstrip('.')]:02d}")
            if len(words) > 2 and words[2].isdigit():
                out.append(f"{int(words[2]):02d}")
            return "-".join(out)
        if len(words) == 1:
            return words[0]
    return text


def without_empty(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in ("", None, [], {})}
