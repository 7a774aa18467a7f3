"""Problems found in a loader file, and the report a load produces (no database).

Every problem names the line, the column and the value, with a message a
librarian can act on; ``str(problem)`` reads "line 7, END_DATE '2017-03-31' is
before START_DATE '2018-01-14'.".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# A file with an error on every one of 50,000 lines still gives a readable
# report; the counts stay exact when the listing stops.
MAX_LISTED = 10_000
_SHOWN_CHARS = 60


def shown(value: str) -> str:
    """The value as quoted in a message: long values cut, with their length."""
    if len(value) <= _SHOWN_CHARS:
        return f"'{value}'"
    return f"'{value[:_SHOWN_CHARS]}…' ({len(value):,} characters)"


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.message}" if self.line else self.message

    def as_dict(self) -> dict[str, Any]:
        value = self.value if len(self.value) <= 200 else self.value[:200] + "…"
        return {"line": self.line, "column": self.column, "value": value, "message": self.message}


def cell_problem(line: int, column: str, value: str, reason: str) -> Problem:
    """A problem with one cell: "COLUMN 'value' <reason>"."""
    return Problem(line, column, value, f"{column} {shown(value)} {reason}")


COUNTS = (
    "rows",
    "created",
    "updated",
    "unchanged",
    "deleted",
    "rolled_over",
    "lists_created",
    "lists_copied",
    "skipped",
)


@dataclass
class Report:
    """What a load found and did; the JSON report is ``as_dict()``."""

    kind: str
    counts: Counter = field(default_factory=Counter)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    invalid_lines: set[int] = field(default_factory=set)
    profile: dict[str, Any] = field(default_factory=dict)
    fatal: bool = False
    notes: list[str] = field(default_factory=list)

    def error(self, problem: Problem, *, fatal: bool = False) -> None:
        self.error_count += 1
        if problem.line:
            self.invalid_lines.add(problem.line)
        if len(self.errors) < MAX_LISTED:
            self.errors.append(problem)
        if fatal:
            self.fatal = True

    def warning(self, problem: Problem) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(problem)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        data.update({name: self.counts.get(name, 0) for name in COUNTS})
        data.update({k: v for k, v in sorted(self.counts.items()) if k not in data})
        data["error_count"] = self.error_count
        data["warning_count"] = self.warning_count
        data["errors"] = [p.as_dict() for p in sorted(self.errors, key=_order)]
        data["warnings"] = [p.as_dict() for p in sorted(self.warnings, key=_order)]
        if self.error_count > len(self.errors) or self.warning_count > len(self.warnings):
            data["listing_cut_at"] = MAX_LISTED
        data["notes"] = list(self.notes)
        data["profile"] = self.profile
        return data


def _order(problem: Problem) -> int:
    # By line; within a line, in the order found (which follows the columns).
    return problem.line
