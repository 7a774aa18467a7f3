"""Export a list of citations as RIS, BibTeX, CSL-JSON, CSV or a formatted bibliography.

The file formats and the bibliography take plain iterables of citations; the
export page works on ``ExportGroup``s (a heading and its citations) so the same
selection can come out grouped by section or as one alphabetical list.

Spreadsheet formulas: a CSV cell, or a Word/PDF paragraph, that begins with
``= + - @``, a tab or a carriage return gets a leading apostrophe, so text
opened in (or pasted into) a spreadsheet is never evaluated as a formula. The
copyable text on the export page and the plain-text download stay exactly as
the style prints them: they are shown and saved as text, never opened as a sheet.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from readings.citations.bibtex import export_bibtex
from readings.citations.csl import to_csl
from readings.citations.names import format_names
from readings.citations.ris import export_ris
from readings.citations.styles import Formatted, entry_labels, format_citation

__all__ = [
    "CSV_COLUMNS",
    "ExportGroup",
    "alphabetical",
    "export_bibliography",
    "export_bibliography_html",
    "export_bibtex",
    "export_csl_json",
    "export_csv",
    "export_grouped_bibliography",
    "export_ris",
    "neutralise_formula",
    "printable",
    "segments",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ITALIC = re.compile(r"<i>(.*?)</i>", re.DOTALL)
# Control characters (but tab and newline), lone surrogates and non-characters:
# Word refuses them in its XML and fonts have no glyphs for them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass
class ExportGroup:
    """A heading (a section name, or "" for one alphabetical list) and its citations."""

    heading: str
    citations: list[Any] = field(default_factory=list)


def neutralise_formula(text: str) -> str:
    """Prefix a value a spreadsheet would read as a formula with an apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def printable(text: str) -> str:
    """Text without the characters a document format cannot hold."""
    return _UNPRINTABLE.sub("", text)


def segments(formatted: Formatted) -> list[tuple[str, bool]]:
    """Split a formatted entry into (text, italic) runs, for Word and PDF.

    The HTML escapes every stored character, so an ``<i>`` in it can only be
    the formatter's own italics.
    """
    runs: list[tuple[str, bool]] = []
    last = 0
    for match in _ITALIC.finditer(formatted.html):
        if match.start() > last:
            runs.append((html.unescape(formatted.html[last : match.start()]), False))
        runs.append((html.unescape(match.group(1)), True))
        last = match.end()
    if last < len(formatted.html):
        runs.append((html.unescape(formatted.html[last:]), False))
    if "".join(text for text, _ in runs) != formatted.text:
        return [(formatted.text, False)]  # never print anything but the verified text
    return runs


def alphabetical(citations: Iterable[Any], style: str) -> list[Any]:
    """Citations in the order a bibliography in this style lists them."""
    return sorted(citations, key=lambda c: _sort_key(format_citation(c, style).text))


def _sort_key(text: str) -> str:
    # Accents and opening quotes must not move an entry: "“Über…" files under U.
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain.lstrip("\u201c\u2018\"'([ ").casefold()


def export_csl_json(citations: Iterable[Any]) -> str:
    """Return a CSL-JSON array, readable by Zotero, Mendeley and citeproc."""
    return json.dumps([to_csl(c) for c in citations], ensure_ascii=False, indent=2) + "\n"


def export_bibliography(citations: Iterable[Any], style: str) -> str:
    """Return plain-text entries in list order, one per line, ready to copy."""
    return "".join(format_citation(c, style).text + "\n" for c in citations)


def export_grouped_bibliography(groups: Sequence[ExportGroup], style: str) -> str:
    """Plain-text bibliography; each group under its heading, groups a blank line apart.

    A numbered style (Vancouver) numbers the entries on through the headings.
    """
    labels = entry_labels(style)
    blocks = []
    for group in groups:
        body = "".join(
            next(labels) + format_citation(c, style).text + "\n" for c in group.citations
        )
        blocks.append(f"{group.heading}\n{body}" if group.heading else body)
    return "\n".join(blocks)


def export_bibliography_html(citations: Iterable[Any], style: str) -> SafeString:
    """Return the entries as safe HTML paragraphs, titles in italics."""
    return format_html_join(
        "\n", '<p class="csl-entry">{}</p>', ((format_citation(c, style).html,) for c in citations)
    )


CSV_COLUMNS = [
    ("section", "Section"),
    ("type", "Type"),
    ("citation", "Citation"),
    ("title", "Title"),
    ("chapter_title", "Chapter"),
    ("authors", "Authors"),
    ("editors", "Editors"),
    ("container_title", "Journal, book or site"),
    ("publisher", "Publisher"),
    ("place", "Place"),
    ("publication_date", "Date"),
    ("edition", "Edition"),
    ("volume", "Volume"),
    ("issue", "Issue"),
    ("pages", "Pages"),
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("doi", "DOI"),
    ("pmid", "PMID"),
    ("url", "URL"),
]


def export_csv(groups: Sequence[ExportGroup], style: str) -> str:
    """One row per citation with its formatted entry; every cell formula-safe.

    Starts with a byte-order mark so Excel reads the file as UTF-8.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in CSV_COLUMNS])
    for group in groups:
        for citation in group.citations:
            row = _csv_values(citation, group.heading, style)
            writer.writerow([neutralise_formula(row[key]) for key, _ in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def _csv_values(citation: Any, heading: str, style: str) -> dict[str, str]:
    pages = citation.pages or "\u2013".join(
        p for p in (citation.start_page, citation.end_page) if p
    )
    derived = {
        "section": heading,
        "type": citation.get_secondary_type_display(),
        "citation": format_citation(citation, style).text,
        "authors": format_names(citation.authors or []),
        "editors": format_names(citation.editors or []),
        "pages": pages,
    }
    # Only plain fields are read from the citation: "section" would load the relation.
    return {
        key: derived[key] if key in derived else str(getattr(citation, key) or "")
        for key, _ in CSV_COLUMNS
    }
