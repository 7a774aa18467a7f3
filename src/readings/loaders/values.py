"""Read single cells of a loader file: dates, counts, years (no database).

Each reader returns the typed value or raises ``CellError`` whose text
completes a sentence that starts with the column and the value, e.g.
"START_DATE '2026-02-30' is not a real date: February 2026 has 28 days.".
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter

ISO = "YYYY-MM-DD"
DAY_FIRST = "DD-MM-YYYY"
MONTH_FIRST = "MM/DD/YYYY"
AUTO = "auto"
DATE_FORMATS = (AUTO, ISO, DAY_FIRST, MONTH_FIRST)

_DATE = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_ISO_DIGITS = re.compile(r"\d{4}-\d{2}-\d{2}$", re.ASCII)
_COUNT = re.compile(r"^\d+$", re.ASCII)
_NEGATIVE = re.compile(r"^-\s*\d+$", re.ASCII)
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$", re.ASCII)
MAX_COUNT = 2_147_483_647  # PositiveIntegerField on every supported database


class CellError(ValueError):
    """The cell cannot be read; the text says why, after "COLUMN 'value'"."""


def parse_date(text: str, date_format: str) -> datetime.date:
    """Read a date written in ``date_format`` (ISO dates are always understood).

    ``date_format`` is one of ISO, DAY_FIRST or MONTH_FIRST; any of '-', '/'
    or '.' may separate the parts.
    """
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and _ISO_DIGITS.match(text):
        # The common case, read by the C library; a date that does not exist
        # (2026-02-30) goes on to be explained below.
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE.match(text)
    if not match:
        raise CellError(f"is not a date in the form {date_format}.")
    first, _, middle, last = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(middle), int(last)
    elif len(last) == 4 and date_format != ISO:
        a, b = int(first), int(middle)
        day, month = (a, b) if date_format == DAY_FIRST else (b, a)
        year = int(last)
    elif len(last) == 4:
        raise CellError(f"is not a date in the form {ISO}; give --date-format to read it.")
    else:
        raise CellError(f"has no four-digit year; write dates in the form {date_format}.")
    if not 1 <= month <= 12:
        raise CellError(f"is not a real date: there is no month {month} (read as {date_format}).")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        raise CellError(f"is not a real date: {name} {year} has {days} days.")
    return datetime.date(year, month, day)


class DateFormatSniffer:
    """Decide how to read day-month-year dates from the dates a file holds.

    ISO dates are never ambiguous. For dates written with the year last, a
    first part above 12 shows the file is day-first, a middle part above 12
    that it is month-first; when no date shows either, the separator decides
    ('/' month-first as in MM/DD/YYYY, '-' or '.' day-first) and the result
    carries a warning.
    """

    def __init__(self) -> None:
        self.day_first: str | None = None
        self.month_first: str | None = None
        self.undecided: str | None = None
        self.separators: Counter[str] = Counter()

    def feed(self, text: str) -> None:
        match = _DATE.match(text)
        if not match or len(match.group(1)) == 4 or len(match.group(4)) != 4:
            return
        first, separator, middle, _ = match.groups()
        self.separators[separator] += 1
        if int(first) > 12:
            self.day_first = self.day_first or text
        elif int(middle) > 12:
            self.month_first = self.month_first or text
        elif first != middle:
            self.undecided = self.undecided or text

    def decide(self) -> tuple[str, str | None]:
        """The format to read with, and a warning when the file left it open."""
        if self.day_first and self.month_first:
            return DAY_FIRST, (
                f"Dates are written both day-first (e.g. '{self.day_first}') and month-first "
                f"(e.g. '{self.month_first}'); they were read as {DAY_FIRST} and the dates "
                "that do not fit are reported. Give --date-format to choose."
            )
        if self.day_first:
            return DAY_FIRST, None
        if self.month_first:
            return MONTH_FIRST, None
        if not self.separators:
            return ISO, None
        chosen = MONTH_FIRST if self.separators.most_common(1)[0][0] == "/" else DAY_FIRST
        if not self.undecided:
            return chosen, None
        example = parse_date(self.undecided, chosen)
        return chosen, (
            f"Dates such as '{self.undecided}' can be read day-first or month-first; "
            f"they were read as {chosen} ('{self.undecided}' = {example:%d %B %Y}). "
            "Give --date-format to choose."
        )


def parse_count(text: str) -> int:
    """A whole number of people or hours, 0 or more."""
    if _COUNT.match(text):
        value = int(text)
        if value > MAX_COUNT:
            raise CellError(f"is too large (at most {MAX_COUNT:,}).")
        return value
    if _NEGATIVE.match(text):
        raise CellError("is negative; it must be 0 or more.")
    raise CellError("is not a whole number.")


def parse_year(text: str) -> int:
    """An academic year: '2017', or '2017-18' / '2017/2018' read as 2017."""
    match = _YEAR.match(text)
    if not match:
        raise CellError("is not a year (write it as 2017 or 2017-18).")
    return int(match.group(1))


def check_length(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise CellError(f"is {len(text):,} characters long; {what} can have at most {limit:,}.")


# Spreadsheets run a cell that starts with one of these as a formula. Exports
# put an apostrophe before such text (OWASP's advice); loaders take exactly one
# such apostrophe off again so that export → load gives back the same text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def clean_cells(fields: list[str]) -> list[str]:
    """Every cell stripped and unguarded (a file has millions of cells: keep this lean)."""
    cells = [f.strip() for f in fields]
    for index, text in enumerate(cells):
        if text[:1] == "'":
            cells[index] = unguard_formula(text)
    return cells
