"""Clean citation metadata into the stored shape, collecting every field error."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from readings.citations import identifiers, names
from readings.citations.models import (
    Citation,
    CitationKind,
    CitationStatus,
    material_type_for,
)
from readings.core.exceptions import InvalidInput
from readings.core.text import SAFE_URL_SCHEMES, check_url, sanitize_note

METADATA_FIELDS = (
    "secondary_type",
    "status",
    "title",
    "authors",
    "editors",
    "container_title",
    "chapter_title",
    "publisher",
    "place",
    "publication_date",
    "edition",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "isbn",
    "issn",
    "doi",
    "pmid",
    "oclc",
    "lccn",
    "url",
    "source_links",
    "catalogue_record_id",
    "original_system_id",
    "public_note",
    "instructor_note",
    "library_note",
    "due_date",
)

_IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "isbn": identifiers.normalize_isbn,
    "issn": identifiers.normalize_issn,
    "doi": identifiers.normalize_doi,
    "pmid": identifiers.normalize_pmid,
}
# Checked here, with everything else, so one answer lists every problem.
_MAX_LENGTHS = {
    field.name: field.max_length
    for field in Citation._meta.get_fields()
    if field.name in METADATA_FIELDS and getattr(field, "max_length", None)
}
_URL = URLValidator(schemes=sorted(SAFE_URL_SCHEMES))


def clean_citation_fields(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate and normalise citation fields; raise InvalidInput listing every problem.

    With ``partial`` only the given fields are checked (for updates).
    """
    unknown = set(data) - set(METADATA_FIELDS)
    if unknown:
        raise TypeError(f"Unknown citation fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, value in data.items():
        try:
            cleaned[field] = _clean_field(field, value)
        except ValueError as exc:  # IdentifierError is one too
            errors.setdefault(field, []).append(str(exc))
            continue
        longest = _MAX_LENGTHS.get(field)
        if longest and len(cleaned[field]) > longest:
            errors.setdefault(field, []).append(
                _("Keep this to %(limit)d characters (it has %(count)d).")
                % {"limit": longest, "count": len(cleaned[field])}
            )
    if not partial and not str(cleaned.get("title", "")).strip():
        errors.setdefault("title", []).append(_("A citation needs a title."))
    if errors:
        raise InvalidInput(errors)
    if "secondary_type" in cleaned:
        cleaned["type"] = material_type_for(cleaned["secondary_type"])
    if "publication_date" in cleaned:
        cleaned["year"] = identifiers.year_from_date(cleaned["publication_date"])
    return cleaned


def _clean_field(field: str, value: Any) -> Any:
    if field in _IDENTIFIERS:
        return _IDENTIFIERS[field](str(value or ""))
    if field in ("authors", "editors"):
        return names.clean_names(value)
    if field == "secondary_type":
        return _choice(value, CitationKind)
    if field == "status":
        return _choice(value, CitationStatus)
    if field == "url":
        return _clean_link(str(value or ""))
    if field == "source_links":
        return _clean_links(value)
    if field == "public_note":
        return sanitize_note(str(value or ""))
    if field == "due_date":
        return _clean_date(value)
    return str(value or "").strip()


# Choices.values builds a new list on every access; loaders clean millions of cells.
_KNOWN_VALUES = {
    CitationKind: frozenset(CitationKind.values),
    CitationStatus: frozenset(CitationStatus.values),
}


def _choice(value: Any, choices: type) -> str:
    text = str(value or "").strip()
    if text in _KNOWN_VALUES[choices]:
        return text
    if choices is CitationKind:
        message = _("'%(value)s' is not a known type; use one of %(allowed)s.")
    else:
        message = _("'%(value)s' is not a known status; use one of %(allowed)s.")
    raise ValueError(message % {"value": text, "allowed": ", ".join(choices.values)})


def _clean_link(value: str) -> str:
    link = value.strip()
    if not link:
        return ""
    problem = check_url(link)
    if problem:
        raise ValueError(problem)
    try:
        _URL(link)
    except ValidationError as exc:
        raise ValueError(
            _("'%(link)s' is not a usable web address.") % {"link": link[:60]}
        ) from exc
    return link


def _clean_links(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if value is not None and not isinstance(value, list | tuple):
        raise ValueError(_("Give source links as a list of web addresses."))
    links = [_clean_link(str(v)) for v in value or [] if v is not None]
    return [link for link in links if link]


def _clean_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(
            _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from exc
