"""Plain-text summaries of a load report, for the terminal and e-mail (no database)."""

from __future__ import annotations

from typing import Any

# (count, as planned, as done); the first four are shown even when zero.
_ACTIONS = {
    "courses": (
        ("created", "create", "created"),
        ("updated", "update", "updated"),
        ("deleted", "delete", "deleted"),
        ("skipped", "skip", "skipped"),
        ("unchanged", "leave unchanged", "unchanged"),
        ("rolled_over", "roll over", "rolled over"),
        ("lists_copied", "copy lists", "lists copied"),
        ("lists_created", "create lists", "lists created"),
    ),
    "lists": (
        ("created", "create lists", "lists created"),
        ("updated", "add to lists", "lists added to"),
        ("citations_created", "add citations", "citations added"),
        ("skipped", "skip rows", "rows skipped"),
        ("unchanged", "leave lists unchanged", "lists unchanged"),
        ("sections_created", "add sections", "sections added"),
        ("citations_unchanged", "find citations already there", "citations already there"),
    ),
}
SHOWN_PROBLEMS = 1000


def summary_lines(report: dict[str, Any], *, profile: bool = False) -> list[str]:
    applied = report.get("applied", False)
    lines = [_headline(report)]
    counts = [f"{label} {n}" for label, n in action_counts(report)]
    lines.append(("  " if applied else "  would ") + " · ".join(counts))
    lines.extend(report.get("notes", []))
    lines.extend(_problems("error", report.get("errors", []), report.get("error_count", 0)))
    lines.extend(_problems("warning", report.get("warnings", []), report.get("warning_count", 0)))
    if profile and report.get("profile"):
        lines.append("Profile:")
        lines.extend(profile_lines(report["profile"]))
    lines.append(_verdict(report))
    return lines


def action_counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    """(what, how many): done ("created") once applied, else planned ("create")."""
    applied = report.get("applied", False)
    actions = _ACTIONS.get(report.get("kind", "courses"), _ACTIONS["courses"])
    return [
        (done if applied else would, report.get(key, 0))
        for n, (key, would, done) in enumerate(actions)
        if report.get(key, 0) or n < 4
    ]


def _headline(report: dict[str, Any]) -> str:
    facts = [f"{report.get('rows', 0)} rows"]
    profile = report.get("profile", {})
    if profile.get("layout"):
        facts.append(profile["layout"])
    if profile.get("date_format"):
        facts.append(f"dates {profile['date_format']}")
    what = "Loaded" if report.get("applied") else "Checked"
    return f"{what} {report.get('file', 'the file')} ({', '.join(facts)})."


def _problems(kind: str, problems: list[dict[str, Any]], count: int) -> list[str]:
    if not count:
        return []
    lines = [f"{count} {kind}{'s' if count != 1 else ''}:"]
    for problem in problems[:SHOWN_PROBLEMS]:
        where = f"line {problem['line']}, " if problem.get("line") else ""
        lines.append(f"  {where}{problem['message']}")
    if count > min(len(problems), SHOWN_PROBLEMS):
        lines.append(
            f"  … and {count - min(len(problems), SHOWN_PROBLEMS)} more; "
            "write them all with --report PATH.json."
        )
    return lines


def profile_lines(profile: dict[str, Any]) -> list[str]:
    return [f"  {label}: {text}" for label, text in profile_items(profile)]


def profile_items(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The dry-run profile as (label, text) pairs, e.g. ("academic departments", "CRS (1)")."""
    items = []
    for key, value in profile.items():
        label = key.replace("_", " ")
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                if isinstance(v, dict):
                    parts.append(f"{k} {v.get('first')} to {v.get('last')}")
                else:
                    parts.append(f"{k} ({v})")
            items.append((label, ", ".join(parts) or "none"))
        elif isinstance(value, list):
            items.append((label, ", ".join(map(str, value)) or "none"))
        else:
            items.append((label, str(value)))
    return items


def _verdict(report: dict[str, Any]) -> str:
    errors = report.get("error_count", 0)
    status = report.get("status", "")
    valid = report.get("rows", 0) - report.get("skipped", 0)
    if status == "applied":
        return "Applied."
    if status == "applied_valid":
        skipped = report.get("skipped", 0)
        return (
            f"Applied the {_rows(valid)} without errors; {_rows(skipped)} with errors "
            f"{'was' if skipped == 1 else 'were'} skipped."
        )
    if status == "failed":
        return "Nothing was applied."
    if report.get("dry_run"):
        if errors:
            return f"Dry run: nothing was applied. Fix the {errors} errors before loading."
        return "Dry run: nothing was applied. The file can be loaded as it is."
    return (
        f"Nothing was applied: the file has {errors} error{'s' if errors != 1 else ''}. "
        f"Fix them, or load with --apply-valid to apply the {_rows(valid)} without errors."
    )


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def page_verdict(report: dict[str, Any], status: str) -> str:
    """The outcome in one sentence for the loads page (which offers options, not flags)."""
    errors = report.get("error_count", 0)
    skipped = report.get("skipped", 0)
    valid = report.get("rows", 0) - skipped
    if status == "applied":
        return f"Applied: the {_rows(valid)} of the file were loaded."
    if status == "applied_valid":
        return (
            f"Applied the {_rows(valid)} without errors; {_rows(skipped)} with errors "
            f"{'was' if skipped == 1 else 'were'} skipped."
        )
    if status == "checked":
        if errors:
            return (
                f"Dry run: nothing was applied. Fix the {_count(errors, 'error')} before "
                "loading the file."
            )
        return "Dry run: nothing was applied. The file can be loaded as it is."
    if status == "rejected":
        return (
            f"Nothing was applied: the file has {_count(errors, 'error')}. Fix them, or load "
            f"it again choosing to apply the {_rows(valid)} without errors."
        )
    if status == "interrupted":
        return "The load was interrupted before it finished; nothing was applied."
    return "Nothing was applied."


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"
