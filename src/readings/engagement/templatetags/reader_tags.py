"""Template helpers for the reader's list page."""

from __future__ import annotations

import copy
from typing import Any

from django import template
from django.utils.safestring import SafeString

from readings.citations.names import clean_names
from readings.citations.styles import STYLES, format_citation
from readings.discovery.links import is_web_address

register = template.Library()

# Institution settings name Chicago by its full id; the formatters by the short one.
_STYLE_KEYS = {"chicago-author-date": "chicago"}


def style_key(institution_style: str) -> str:
    key = _STYLE_KEYS.get(institution_style, institution_style)
    return key if key in STYLES else "apa"


@register.simple_tag
def formatted_reference(citation: Any, institution_style: str) -> SafeString:
    """The item as a bibliography entry in the institution's style (escaped, titles in <i>)."""
    return format_citation(_displayable(citation), style_key(institution_style)).html


def _names(value: object) -> list:
    if not isinstance(value, list):
        return []
    try:
        return clean_names(value)
    except ValueError:
        return [n for n in value if isinstance(n, dict)]


def _displayable(citation: Any) -> Any:
    """Rows written around the services (names as plain strings, a non-web URL) still show
    every author and never print an unsafe address; such a row is formatted uncached."""
    authors, editors = _names(citation.authors), _names(citation.editors)
    url_ok = not citation.url or is_web_address(citation.url)
    if authors == citation.authors and editors == citation.editors and url_ok:
        return citation
    fixed = copy.copy(citation)
    fixed.pk = None  # the formatter caches by id; this repaired copy must not be cached as it
    fixed.authors, fixed.editors = authors, editors
    if not url_ok:
        fixed.url = ""
    return fixed
