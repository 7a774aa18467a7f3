"""Normalise and validate bibliographic identifiers (no database, no Django).

Each function takes what a person or a file gave and returns the canonical
form, or raises ``IdentifierError`` with a message a librarian understands.
An empty value is allowed and stays empty.
"""

from __future__ import annotations

import re

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE
)
# The number itself, after an optional "ISBN"/"ISSN" label and before any
# qualifier such as "(pbk.)" or "hbk": digits, X, hyphens and spaces.
_ISBN_NUMBER = re.compile(r"^(?:ISBN(?:-1[03])?:?\s*)?([0-9Xx][0-9Xx \-]*)", re.IGNORECASE)
_ISSN_NUMBER = re.compile(r"^(?:ISSN:?\s*)?([0-9Xx][0-9Xx \-]*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


class IdentifierError(ValueError):
    """The identifier is malformed or fails its check digit."""


def normalize_isbn(value: str) -> str:
    """Return the ISBN-13 without hyphens; ISBN-10 is converted."""
    raw = (value or "").strip()
    if not raw:
        return ""
    # Catalogue data often carries qualifiers: "9780306406157 (pbk.)".
    match = _ISBN_NUMBER.match(raw)
    candidate = match.group(1) if match else raw
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(candidate))
    except StdnumError as exc:
        raise IdentifierError(f"'{raw}' is not a valid ISBN ({_reason(exc)}).") from exc


def normalize_issn(value: str) -> str:
    """Return the ISSN as NNNN-NNNC."""
    raw = (value or "").strip()
    if not raw:
        return ""
    match = _ISSN_NUMBER.match(raw)
    try:
        return stdnum_issn.format(stdnum_issn.validate(match.group(1) if match else raw))
    except StdnumError as exc:
        raise IdentifierError(f"'{raw}' is not a valid ISSN ({_reason(exc)}).") from exc


def normalize_doi(value: str) -> str:
    """Return the bare DOI (10.xxxx/…), lower-cased since DOIs are case-insensitive."""
    raw = (value or "").strip()
    if not raw:
        return ""
    doi = _DOI_PREFIXES.sub("", raw).strip()
    if not _DOI_SHAPE.match(doi):
        raise IdentifierError(
            f"'{raw}' is not a valid DOI (a DOI starts with '10.', a registrant number and '/')."
        )
    return doi.lower()


def normalize_pmid(value: str) -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"^(?:pmid:?\s*)", "", raw, flags=re.IGNORECASE)
    if not digits.isdigit() or len(digits) > 9 or int(digits) == 0:
        raise IdentifierError(f"'{raw}' is not a valid PubMed id (up to 9 digits).")
    return str(int(digits))


def year_from_date(text: str) -> int | None:
    """Derive a year from free-text dates such as 'c2019', '[2019]', 'cop. 2019', '2019-05'."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def _reason(exc: StdnumError) -> str:
    message = str(exc).strip().rstrip(".")
    return message[0].lower() + message[1:] if message else "invalid"
