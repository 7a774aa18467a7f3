"""Life in production figures (placeholder interface; filled by the checks work)."""

from __future__ import annotations

from readings.institutions.models import Institution


def production_stats(institution: Institution) -> dict:
    return {}
