"""Readiness checks from live state (placeholder interface; filled by the checks work)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from readings.institutions.models import Institution


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: str  # readiness.models.CheckStatus value
    evidence: dict = field(default_factory=dict)
    explanation: str = ""
    required: bool = True
    checked_at: datetime.datetime | None = None
    last_passed_at: datetime.datetime | None = None


def run_checks(institution: Institution, *, record: bool = True) -> list[CheckResult]:
    return []
