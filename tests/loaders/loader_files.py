"""Build loader files cell by cell, and read what a load reported (no fixtures here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from readings.loaders.course_rows import COLUMNS

if TYPE_CHECKING:
    from readings.loaders.models import Load

DATA = Path(__file__).parent / "data"
HEADER = "\t".join(COLUMNS)


def course_line(**cells: str) -> str:
    """One 34-column row; cells named by column, e.g. COURSE_CODE="HIST101"."""
    unknown = set(cells) - set(COLUMNS)
    assert not unknown, unknown
    return "\t".join(cells.get(column, "") for column in COLUMNS)


def course(code: str, section: str = "1", **cells: str) -> str:
    """A valid row for a new course: title, processing department LIB, ISO dates."""
    defaults = {
        "COURSE_TITLE": f"Course {code}",
        "PROC_DEPT": "LIB",
        "START_DATE": "2026-09-01",
        "END_DATE": "2026-12-15",
        "NUM_OF_PARTICIPANTS": "30",
    }
    return course_line(**{"COURSE_CODE": code, "SECTION_ID": section, **defaults, **cells})


def write_lines(
    path: Path, lines: list[str], *, header: str | None = HEADER, newline: str = "\n"
) -> Path:
    text = newline.join(([header] if header is not None else []) + lines) + newline
    path.write_bytes(text.encode("utf-8"))
    return path


def messages(load: Load) -> list[str]:
    return [f"line {e['line']}, {e['message']}" for e in load.report["errors"]]


def warnings(load: Load) -> list[str]:
    return [f"line {w['line']}, {w['message']}" for w in load.report["warnings"]]


def list_line(**cells: str) -> str:
    """One 67-column reading-list row; cells named by column, e.g. citation_title="…"."""
    from readings.loaders.list_rows import COLUMNS as LIST_COLUMNS

    unknown = set(cells) - set(LIST_COLUMNS)
    assert not unknown, unknown
    return "\t".join(cells.get(column, "") for column in LIST_COLUMNS)


def list_header(delimiter: str = "\t") -> str:
    from readings.loaders.list_rows import COLUMNS as LIST_COLUMNS

    return delimiter.join(LIST_COLUMNS)


def citation(list_code: str, title: str, **cells: str) -> str:
    """A row of list ``list_code`` (course HIST101 section 1) holding one book."""
    defaults = {
        "coursecode": "HIST101",
        "section_id": "1",
        "reading_list_code": list_code,
        "reading_list_name": f"List {list_code}",
        "section_name": "Week 1",
        "citation_secondary_type": "BK",
        "citation_title": title,
    }
    return list_line(**{**defaults, **cells})
