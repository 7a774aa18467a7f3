"""Filters for the loads pages: a load's options and outcome in words."""

from __future__ import annotations

from typing import Any

from django import template

from readings.loaders import summary
from readings.loaders.models import Load

register = template.Library()


@register.filter
def load_mode(load: Load) -> str:
    options = load.options or {}
    if options.get("dry_run"):
        words = ["Check only (dry run)"]
    elif options.get("apply_valid"):
        words = ["Apply the rows without errors"]
    else:
        words = ["Apply if the file has no errors"]
    date_format = options.get("date_format")
    if date_format and not date_format.startswith("("):
        words.append(f"dates {date_format}")
    if options.get("create_departments"):
        words.append("create missing departments")
    return "; ".join(words)


@register.filter
def load_verdict(load: Load) -> str:
    return summary.page_verdict(load.report or {}, load.status)


@register.filter
def action_counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    return summary.action_counts(report or {})


@register.filter
def profile_items(profile: dict[str, Any]) -> list[tuple[str, str]]:
    return summary.profile_items(profile or {})
