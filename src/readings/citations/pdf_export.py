"""A formatted bibliography as a PDF (fpdf2).

Entries are the style's exact strings, titles in italics, with a hanging
indent (after the number in a numbered style). The text needs a Unicode
font: DejaVu Sans (Debian package fonts-dejavu-core; the oblique face comes
with fonts-dejavu-extra and is used for italics when present). Without it
the PDF falls back to Helvetica, which encodes Latin-1 only: typographic
quotes and dashes become their ASCII look-alikes, accents outside Latin-1
are dropped and anything else becomes "?", so the document is still
produced. Paragraphs that would start like a spreadsheet formula get a
leading apostrophe (see ``exports``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from readings.citations.exports import ExportGroup, neutralise_formula, printable, segments
from readings.citations.styles import entry_labels, format_citation

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FAMILY = "DejaVu"
_FALLBACK = "Helvetica"
_HANGING = 10.0  # mm
_ASCII_LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u0141": "L",  # Ł and ł have no decomposition
        "\u0142": "l",
    }
)


@dataclass(frozen=True)
class _Fonts:
    family: str
    unicode: bool


def build_pdf(
    *, title: str, groups: Sequence[ExportGroup], style: str, font_dir: Path = FONT_DIR
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(printable(title))
    pdf.set_creator("Readings")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    fonts = _load_fonts(pdf, font_dir)
    pdf.add_page()
    text = _encoder(fonts)
    pdf.set_font(fonts.family, "B", 16)
    pdf.multi_cell(0, 8, neutralise_formula(text(title)), align="L", new_x="LMARGIN")
    pdf.ln(4)
    labels = entry_labels(style)
    for group in groups:
        if group.heading:
            pdf.set_font(fonts.family, "B", 13)
            pdf.multi_cell(0, 7, neutralise_formula(text(group.heading)), align="L")
            pdf.ln(2)
        pdf.set_font(fonts.family, "", 11)
        with pdf.text_columns(text_align="LEFT", line_height=1.3) as columns:
            for citation in group.citations:
                runs = [(next(labels), False), *segments(format_citation(citation, style))]
                _write_entry(pdf, columns, [(text(run), italic) for run, italic in runs if run])
        pdf.ln(3)
    return bytes(pdf.output())


def _write_entry(pdf: FPDF, columns, runs: list[tuple[str, bool]]) -> None:
    whole = "".join(text for text, _ in runs)
    with columns.paragraph(
        indent=_HANGING, first_line_indent=-_HANGING, bottom_margin=2.5
    ) as paragraph:
        if neutralise_formula(whole) != whole:
            paragraph.write("'")
        for run, italic in runs:
            pdf.set_font(style="I" if italic else "")
            paragraph.write(run)
    pdf.set_font(style="")


def _load_fonts(pdf: FPDF, font_dir: Path) -> _Fonts:
    regular = font_dir / "DejaVuSans.ttf"
    if not regular.is_file():
        return _Fonts(_FALLBACK, unicode=False)
    bold = font_dir / "DejaVuSans-Bold.ttf"
    oblique = font_dir / "DejaVuSans-Oblique.ttf"
    pdf.add_font(_FAMILY, "", str(regular))
    pdf.add_font(_FAMILY, "B", str(bold if bold.is_file() else regular))
    # Without the oblique face italics print upright rather than failing.
    pdf.add_font(_FAMILY, "I", str(oblique if oblique.is_file() else regular))
    return _Fonts(_FAMILY, unicode=True)


def _encoder(fonts: _Fonts):
    if fonts.unicode:
        return printable
    return lambda value: latin1_text(printable(value))


def latin1_text(value: str) -> str:
    """What Helvetica can print: Latin-1, with look-alikes and stripped accents for the rest."""
    out = []
    for ch in value.translate(_ASCII_LOOKALIKES):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)
