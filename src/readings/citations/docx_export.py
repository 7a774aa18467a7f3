"""A formatted bibliography as a Word document (python-docx).

Each entry is one paragraph with a hanging indent, its text exactly the
style's (titles in italic runs, after the number in a numbered style);
headings are the list and section names.
Paragraphs that would start like a spreadsheet formula get a leading
apostrophe (see ``exports``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.shared import Cm, Pt

from readings.citations.exports import ExportGroup, neutralise_formula, printable, segments
from readings.citations.styles import entry_labels, format_citation

ENTRY_STYLE = "Normal"
_HANGING = Cm(1.27)  # half an inch, as the style guides show


def build_docx(*, title: str, groups: Sequence[ExportGroup], style: str) -> bytes:
    document = Document()
    title = printable(title)
    document.core_properties.title = title[:255]
    document.core_properties.author = "Readings"
    document.add_heading(neutralise_formula(title), level=1)
    labels = entry_labels(style)
    for group in groups:
        if group.heading:
            document.add_heading(neutralise_formula(printable(group.heading)), level=2)
        for citation in group.citations:
            runs = [(next(labels), False), *segments(format_citation(citation, style))]
            _add_entry(document, [(printable(text), italic) for text, italic in runs if text])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_entry(document, runs: list[tuple[str, bool]]) -> None:
    paragraph = document.add_paragraph(style=ENTRY_STYLE)
    paragraph.paragraph_format.left_indent = _HANGING
    paragraph.paragraph_format.first_line_indent = -_HANGING
    paragraph.paragraph_format.space_after = Pt(6)
    whole = "".join(text for text, _ in runs)
    if neutralise_formula(whole) != whole:
        paragraph.add_run("'")
    for text, italic in runs:
        run = paragraph.add_run(text)
        run.italic = italic or None
