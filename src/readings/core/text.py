"""Safe handling of user-written text and links."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from django.utils.translation import gettext as _

# Enough for a reading note (emphasis, lists, links); nothing that runs or styles.
NOTE_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote", "code"}
SAFE_URL_SCHEMES = {"http", "https"}


def sanitize_note(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=NOTE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=SAFE_URL_SCHEMES | {"mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def check_url(value: str) -> str | None:
    """Return an error message when a link would be unsafe or unusable, else None."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in SAFE_URL_SCHEMES:
        return _("Links must start with http:// or https:// (not '%(start)s').") % {
            "start": parts.scheme or value[:20]
        }
    if not parts.netloc:
        return _("The link has no host name.")
    return None
