"""A plain, readable reference line for the list page.

Full citation styles (APA, Harvard, …) come with the export work; this is the
fast default shown on every list page, so it avoids anything per-item costly.
"""

from __future__ import annotations

from urllib.parse import quote

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from readings.citations.models import Citation, CitationKind
from readings.citations.names import format_name

_MAX_AUTHORS = 3


def authors_text(citation: Citation) -> str:
    names = _names(citation.authors)
    if not names and citation.editors:
        names = _names(citation.editors)
        return _join(names) + (" (ed.)" if len(names) == 1 else " (eds.)")
    return _join(names)


def _names(value: object) -> list[str]:
    # Names are cleaned to dicts on the way in; a stray string still shows, never breaks.
    if not isinstance(value, list):
        return []
    return [format_name(n) if isinstance(n, dict) else str(n) for n in value]


def _join(names: list[str]) -> str:
    if len(names) > _MAX_AUTHORS:
        return f"{names[0]} et al."
    return "; ".join(names)


def link_for(citation: Citation) -> str:
    """The item's link; only http(s), whatever was stored (a ``javascript:`` URL never runs)."""
    if citation.doi:
        return "https://doi.org/" + quote(citation.doi, safe="/:;()[]._-")
    if citation.url.lower().startswith(("https://", "http://")):
        return citation.url
    return ""


def reference_html(citation: Citation) -> SafeString:
    parts: list[SafeString] = []
    who = authors_text(citation)
    if who:
        parts.append(format_html('<span class="authors">{}</span>', who))
    if citation.year or citation.publication_date:
        parts.append(
            format_html(
                '<span class="year">({})</span>', citation.year or citation.publication_date
            )
        )
    title = citation.chapter_title or citation.title
    link = link_for(citation)
    if link:
        parts.append(format_html('<a class="title" href="{}" rel="noopener">{}</a>', link, title))
    else:
        parts.append(format_html('<cite class="title">{}</cite>', title))
    parts.extend(_container(citation))
    return format_html_join(" ", "{}", ((p,) for p in parts))


def _container(citation: Citation) -> list[SafeString]:
    out = []
    if citation.secondary_type == CitationKind.CHAPTER and citation.chapter_title:
        out.append(format_html("In <cite>{}</cite>", citation.title))
    elif citation.container_title:
        out.append(format_html("<cite>{}</cite>", citation.container_title))
    details = ", ".join(
        x
        for x in (
            f"vol. {citation.volume}" if citation.volume else "",
            f"no. {citation.issue}" if citation.issue else "",
            f"pp. {citation.pages}" if citation.pages else "",
            citation.edition and f"{citation.edition} ed.",
            citation.publisher,
        )
        if x
    )
    if details:
        out.append(format_html('<span class="details">{}</span>', details))
    return out
