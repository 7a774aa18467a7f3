"""One result row per run: printed, and kept in docs/benchmarks.md with --record."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import BenchError

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
START = "<!-- results:start (bench/run.py --record keeps this table) -->"
END = "<!-- results:end -->"
COLUMNS = (
    "Benchmark",
    "Size",
    "Database",
    "Figure",
    "Baseline (same run)",
    "Ratio",
    "Set-up",
    "Machine",
    "Code",
    "Date",
)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Result:
    benchmark: str
    size: str
    database: str  # engine and version, e.g. "SQLite 3.40.1"
    figure: str
    baseline: str
    ratio: str
    setup: str  # server, workers, load generator settings
    machine: str
    code: str  # the commit measured (machine.code_version())
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())

    def cells(self) -> list[str]:
        return [
            self.benchmark,
            self.size,
            self.database,
            self.figure,
            self.baseline,
            self.ratio,
            self.setup,
            self.machine,
            self.code,
            self.date,
        ]


def key(cells: list[str]) -> tuple[str, str, str]:
    """Rows are kept per benchmark, size and database engine (not its version)."""
    return (cells[0], cells[1], cells[2].split(" ")[0].lower())


def markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def show(result: Result) -> str:
    """The result as aligned 'name: value' lines, then the table row."""
    width = max(len(c) for c in COLUMNS)
    pairs = zip(COLUMNS, result.cells(), strict=True)
    lines = [f"{name:<{width}}  {value}" for name, value in pairs]
    return "\n".join([*lines, "", markdown_row(result.cells())])


def record(result: Result, doc: Path = DOC) -> None:
    """Put the row in the document's results table, replacing the row with the same key."""
    text = doc.read_text() if doc.exists() else ""
    if START not in text or END not in text:
        raise BenchError(f"{doc} has no results table between {START!r} and {END!r}")
    head, rest = text.split(START, 1)
    body, tail = rest.split(END, 1)
    rows = [_cells(line) for line in body.splitlines() if line.startswith("|")]
    rows = [r for r in rows[2:] if len(r) == len(COLUMNS)]  # after the header and its rule
    new = result.cells()
    replaced = [new if key(r) == key(new) else r for r in rows]
    if new not in replaced:
        replaced.append(new)
    table = [markdown_row(list(COLUMNS)), markdown_row(["---"] * len(COLUMNS))]
    table += [markdown_row(r) for r in replaced]
    doc.write_text(head + START + "\n" + "\n".join(table) + "\n" + END + tail)


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(inner)]
