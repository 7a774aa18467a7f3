"""CSV, Word and PDF exports: the style's exact strings, italics, and no spreadsheet formulas."""

# ruff: noqa: RUF001  (en dashes and typographic quotes are what the styles print)

from __future__ import annotations

import csv
import io
import re
import zlib

import pytest
from django.utils.html import escape
from docx import Document

from readings.citations.docx_export import build_docx
from readings.citations.exports import (
    ExportGroup,
    alphabetical,
    export_csv,
    export_grouped_bibliography,
    neutralise_formula,
    segments,
)
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation
from readings.citations.pdf_export import FONT_DIR, build_pdf, latin1_text
from readings.citations.styles import STYLES, format_citation


def _citation(**fields) -> Citation:
    return Citation(**clean_citation_fields(fields))


BOOK = _citation(
    secondary_type="BK",
    title="The structure of scientific revolutions",
    authors="Kuhn, Thomas S.",
    publisher="University of Chicago Press",
    place="Chicago",
    publication_date="1962",
)
ARTICLE = _citation(
    secondary_type="CR",
    title="Über formal unentscheidbare Sätze",
    container_title="Monatshefte für Mathematik und Physik",
    authors="Gödel, Kurt",
    volume="38",
    pages="173-198",
    publication_date="1931",
)
FORMULA = _citation(
    secondary_type="BK", title='=HYPERLINK("http://evil.example","x")', publication_date="2020"
)
MARKUP = _citation(secondary_type="BK", title="<b>Bold</b> & <script>x</script>", authors="Doe, Jo")
GROUPS = [
    ExportGroup("Week 1: foundations", [BOOK, ARTICLE]),
    ExportGroup("-Week 2", [FORMULA, MARKUP]),
]
ALL = [BOOK, ARTICLE, FORMULA, MARKUP]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Kuhn, T. S.", "Kuhn, T. S."),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_values_a_spreadsheet_would_evaluate_are_prefixed_with_an_apostrophe(value, expected):
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("citation", ALL, ids=["book", "article", "formula", "markup"])
def test_segments_rebuild_the_exact_text_and_mark_the_italics(style, citation):
    formatted = format_citation(citation, style)

    runs = segments(formatted)

    assert "".join(text for text, _ in runs) == formatted.text
    assert "".join(f"<i>{escape(t)}</i>" if i else escape(t) for t, i in runs) == formatted.html


def test_segments_of_an_apa_article_put_journal_and_volume_in_italics():
    runs = segments(format_citation(ARTICLE, "apa"))

    assert [t for t, italic in runs if italic] == ["Monatshefte für Mathematik und Physik", "38"]


def test_alphabetical_order_ignores_accents_and_opening_quotes():
    web = _citation(secondary_type="WS", title="Gazette", url="https://example.org/")
    ordered = alphabetical([BOOK, web, ARTICLE], "chicago")

    # “Gazette.” files under G, Gödel after it, Kuhn last.
    assert [c.title for c in ordered] == ["Gazette", ARTICLE.title, BOOK.title]


def test_the_grouped_bibliography_puts_each_section_under_its_heading():
    text = export_grouped_bibliography(GROUPS[:1], "apa")

    assert text == (
        "Week 1: foundations\n"
        f"{format_citation(BOOK, 'apa').text}\n"
        f"{format_citation(ARTICLE, 'apa').text}\n"
    )


# --- CSV -----------------------------------------------------------------------------


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_has_one_row_per_citation_with_its_formatted_entry():
    rows = _csv_rows(export_csv(GROUPS, "harvard"))

    assert [r["Title"] for r in rows[:2]] == [BOOK.title, ARTICLE.title]
    assert rows[0]["Section"] == "Week 1: foundations"
    assert rows[0]["Citation"] == format_citation(BOOK, "harvard").text
    assert rows[1]["Authors"] == "Gödel, Kurt"
    assert rows[1]["Pages"] == "173-198"  # as stored
    assert rows[1]["Type"] == "Article"


def test_csv_cells_that_start_a_formula_are_neutralised():
    rows = _csv_rows(export_csv(GROUPS, "apa"))
    formula = rows[2]

    assert formula["Title"] == "'" + FORMULA.title
    assert formula["Citation"] == "'" + format_citation(FORMULA, "apa").text
    assert formula["Section"] == "'-Week 2"
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_csv_keeps_markup_as_text():
    rows = _csv_rows(export_csv(GROUPS, "apa"))

    assert rows[3]["Title"] == "<b>Bold</b> & <script>x</script>"


# --- Word ------------------------------------------------------------------------------


def _docx(style: str, groups=GROUPS):
    return Document(io.BytesIO(build_docx(title="=Reading list", groups=groups, style=style)))


@pytest.mark.parametrize("style", list(STYLES))
def test_word_paragraphs_are_the_formatted_entries_under_their_headings(style):
    document = _docx(style, GROUPS[:1])

    texts = [(p.style.name, p.text) for p in document.paragraphs]

    first, second = ("1. ", "2. ") if style == "vancouver" else ("", "")
    assert texts == [
        ("Heading 1", "'=Reading list"),
        ("Heading 2", "Week 1: foundations"),
        ("Normal", first + format_citation(BOOK, style).text),
        ("Normal", second + format_citation(ARTICLE, style).text),
    ]


def test_word_numbers_vancouver_entries_through_every_heading_in_plain_runs():
    document = _docx("vancouver")
    entries = [p for p in document.paragraphs if p.style.name == "Normal"]

    assert [p.text.split(" ", 1)[0] for p in entries] == ["1.", "2.", "3.", "4."]
    assert entries[0].runs[0].text == "1. "
    assert not entries[0].runs[0].italic
    # The number comes first, so an entry that starts like a formula needs no apostrophe.
    assert entries[2].text == "3. " + format_citation(FORMULA, "vancouver").text


def test_word_puts_titles_in_italic_runs():
    document = _docx("apa", GROUPS[:1])
    book = document.paragraphs[2]

    italic = [run.text for run in book.runs if run.italic]

    assert italic == ["The structure of scientific revolutions"]
    assert document.core_properties.title == "=Reading list"


def test_word_neutralises_formulas_and_keeps_markup_as_text():
    document = _docx("apa")
    texts = [p.text for p in document.paragraphs]

    assert "'-Week 2" in texts
    assert "'" + format_citation(FORMULA, "apa").text in texts
    assert format_citation(MARKUP, "apa").text in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]


# --- PDF -------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF from fpdf2, decoded through each font's ToUnicode map."""
    source = data.decode("latin-1")
    objects = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"(\d+) 0 obj(.*?)endobj", source, re.DOTALL)
    }

    def stream(body: str) -> bytes:
        match = re.search(r"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL)
        raw = match.group(1).encode("latin-1")
        return zlib.decompress(raw) if "/FlateDecode" in body else raw

    fonts: dict[str, dict[int, str] | None] = {}
    for body in objects.values():
        for name, number in re.findall(r"/(F\d+) (\d+) 0 R", body):
            font = objects[int(number)]
            cmap_ref = re.search(r"/ToUnicode (\d+) 0 R", font)
            if not cmap_ref:
                fonts[name] = None  # a core font: Latin-1 bytes
                continue
            cmap = stream(objects[int(cmap_ref.group(1))]).decode("latin-1")
            fonts[name] = {
                int(code, 16): chr(int(uni, 16))
                for code, uni in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4,})>", cmap)
            }
    text = []
    for body in objects.values():
        if "stream" not in body or "/Type /Font" in body or "/Length1" in body:
            continue
        try:
            content = stream(body).decode("latin-1")
        except (zlib.error, AttributeError):
            continue
        if " Tj" not in content:
            continue
        current = None
        for match in re.finditer(
            r"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) ?Tj", content, re.DOTALL
        ):
            if match.group(1):
                current = fonts.get(match.group(1))
                continue
            raw = _unescape(match.group(2))
            if current is None:
                text.append(raw)
            else:
                codes = [(ord(raw[i]) << 8) + ord(raw[i + 1]) for i in range(0, len(raw) - 1, 2)]
                text.append("".join(current.get(code, "\ufffd") for code in codes))
        text.append(" ")
    return "".join(text)


def _unescape(value: str) -> str:
    escapes = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
    return re.sub(
        r"\\([0-7]{1,3}|.)",
        lambda m: (
            chr(int(m.group(1), 8)) if m.group(1).isdigit() else escapes.get(m.group(1), m.group(1))
        ),
        value,
        flags=re.DOTALL,
    )


def _squeeze(text: str) -> str:
    # Lines wrap at spaces, so compare without any whitespace.
    return re.sub(r"\s+", "", text)


needs_dejavu = pytest.mark.skipif(
    not (FONT_DIR / "DejaVuSans.ttf").is_file(), reason="fonts-dejavu-core is not installed"
)


@needs_dejavu
@pytest.mark.parametrize("style", list(STYLES))
def test_pdf_prints_the_formatted_entries_in_a_unicode_font(style):
    data = build_pdf(title="Reading list", groups=GROUPS[:1], style=style)

    assert data.startswith(b"%PDF-")
    text = _squeeze(pdf_text(data))
    assert _squeeze("Reading list") in text
    assert _squeeze("Week 1: foundations") in text
    first, second = ("1. ", "2. ") if style == "vancouver" else ("", "")
    assert _squeeze(first + format_citation(BOOK, style).text) in text
    assert _squeeze(second + format_citation(ARTICLE, style).text) in text
    if style != "vancouver":
        assert not re.search(r"(^|\s)1\.\s", pdf_text(data))


@needs_dejavu
def test_pdf_neutralises_formulas_and_keeps_markup_as_text():
    text = _squeeze(pdf_text(build_pdf(title="+Title", groups=GROUPS, style="apa")))

    assert _squeeze("'+Title") in text
    assert _squeeze("'-Week 2") in text
    assert _squeeze("'" + format_citation(FORMULA, "apa").text) in text
    assert _squeeze(format_citation(MARKUP, "apa").text) in text


def test_pdf_without_the_unicode_font_falls_back_to_latin1_look_alikes(tmp_path):
    data = build_pdf(title="Reading list", groups=GROUPS[:1], style="chicago", font_dir=tmp_path)

    text = pdf_text(data)
    assert "/Helvetica" in data.decode("latin-1")
    assert _squeeze(latin1_text(format_citation(ARTICLE, "chicago").text)) in _squeeze(text)
    assert "Gödel" in text  # ö is Latin-1 and survives


def test_latin1_text_replaces_what_helvetica_cannot_encode():
    assert latin1_text("“Łódź” – Ωmega…") == '"Lódz" - ?mega...'


def test_control_characters_are_dropped_from_word_and_pdf():
    broken = _citation(secondary_type="BK", title="Bad\x0btitle\x00 here", authors="\x01=Doe, Jo")
    groups = [ExportGroup("Week\x07 1", [broken])]
    expected = "'" + format_citation(broken, "apa").text.replace("\x0b", "").replace("\x00", "")
    expected = expected.replace("\x01", "")

    document = Document(io.BytesIO(build_docx(title="List\x1f", groups=groups, style="apa")))
    pdf = pdf_text(build_pdf(title="List\x1f", groups=groups, style="apa"))

    assert [p.text for p in document.paragraphs] == ["List", "Week 1", expected]
    assert _squeeze(expected) in _squeeze(pdf)
