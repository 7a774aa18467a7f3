"""Export a list of citations as RIS, BibTeX, CSL-JSON or a formatted bibliography."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from readings.citations.bibtex import export_bibtex
from readings.citations.csl import to_csl
from readings.citations.ris import export_ris
from readings.citations.styles import format_citation

__all__ = [
    "export_bibliography",
    "export_bibliography_html",
    "export_bibtex",
    "export_csl_json",
    "export_ris",
]


def export_csl_json(citations: Iterable[Any]) -> str:
    """Return a CSL-JSON array, readable by Zotero, Mendeley and citeproc."""
    return json.dumps([to_csl(c) for c in citations], ensure_ascii=False, indent=2) + "\n"


def export_bibliography(citations: Iterable[Any], style: str) -> str:
    """Return plain-text entries in list order, one per line, ready to copy."""
    return "".join(format_citation(c, style).text + "\n" for c in citations)


def export_bibliography_html(citations: Iterable[Any], style: str) -> SafeString:
    """Return the entries as safe HTML paragraphs, titles in italics."""
    return format_html_join(
        "\n", '<p class="csl-entry">{}</p>', ((format_citation(c, style).html,) for c in citations)
    )
