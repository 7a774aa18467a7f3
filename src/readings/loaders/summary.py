"""Plain-text summaries of a load report, for the terminal and e-mail (no database)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Texts follow the active language: the loads page shows them in the reader's language,
# while the command line runs in LANGUAGE_CODE (English). The report's JSON keys stay as
# they are; only the words shown for them are translated.

# (count, as planned, as done); the first four are shown even when zero. A planned action
# follows "would" (an infinitive), a done one stands alone (a past participle).
_ACTIONS = {
    "courses": (
        ("created", _("create"), _("created")),
        ("updated", _("update"), _("updated")),
        ("deleted", _("delete"), _("deleted")),
        ("skipped", _("skip"), _("skipped")),
        ("unchanged", _("leave unchanged"), _("unchanged")),
        ("rolled_over", _("roll over"), _("rolled over")),
        ("lists_copied", _("copy lists"), _("lists copied")),
        ("lists_created", _("create lists"), _("lists created")),
    ),
    "lists": (
        ("created", _("create lists"), _("lists created")),
        ("updated", _("add to lists"), _("lists added to")),
        ("citations_created", _("add citations"), _("citations added")),
        ("skipped", _("skip rows"), _("rows skipped")),
        ("unchanged", _("leave lists unchanged"), _("lists unchanged")),
        ("sections_created", _("add sections"), _("sections added")),
        ("citations_unchanged", _("find citations already there"), _("citations already there")),
    ),
}
# The dry-run profile's keys, as people read them; an unknown key is shown as it is.
_PROFILE_LABELS = {
    "layout": _("layout"),
    "date_format": _("date format"),
    "courses_in_file": _("courses in file"),
    "duplicate_rows": _("duplicate rows"),
    "operations": _("operations"),
    "academic_departments": _("academic departments"),
    "processing_departments": _("processing departments"),
    "terms": _("terms"),
    "years": _("years"),
    "date_ranges": _("date ranges"),
    "instructors_named": _("instructors named"),
    "instructors_unknown": _("instructors unknown"),
    "instructors_unknown_sample": _("instructors unknown sample"),
    "new_academic_departments": _("new academic departments"),
    "new_terms": _("new terms"),
    "delimiter": _("delimiter"),
    "lists_in_file": _("lists in file"),
    "columns_not_kept": _("columns not kept"),
    "previous_load": _("previous load"),
}
SHOWN_PROBLEMS = 1000


def summary_lines(report: dict[str, Any], *, profile: bool = False) -> list[str]:
    applied = report.get("applied", False)
    lines = [_headline(report)]
    counts = " · ".join(f"{label} {n}" for label, n in action_counts(report))
    if applied:
        lines.append(f"  {counts}")
    else:
        lines.append("  " + gettext("would %(actions)s") % {"actions": counts})
    lines.extend(report.get("notes", []))
    lines.extend(_problems("error", report.get("errors", []), report.get("error_count", 0)))
    lines.extend(_problems("warning", report.get("warnings", []), report.get("warning_count", 0)))
    if profile and report.get("profile"):
        lines.append(gettext("Profile:"))
        lines.extend(profile_lines(report["profile"]))
    lines.append(_verdict(report))
    return lines


def action_counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    """(what, how many): done ("created") once applied, else planned ("create")."""
    applied = report.get("applied", False)
    actions = _ACTIONS.get(report.get("kind", "courses"), _ACTIONS["courses"])
    return [
        (str(done if applied else would), report.get(key, 0))
        for n, (key, would, done) in enumerate(actions)
        if report.get(key, 0) or n < 4
    ]


def _headline(report: dict[str, Any]) -> str:
    facts = [_rows(report.get("rows", 0))]
    profile = report.get("profile", {})
    if profile.get("layout"):
        facts.append(profile["layout"])
    if profile.get("date_format"):
        facts.append(gettext("dates %(format)s") % {"format": profile["date_format"]})
    values = {"file": report.get("file") or gettext("the file"), "facts": ", ".join(facts)}
    if report.get("applied"):
        return gettext("Loaded %(file)s (%(facts)s).") % values
    return gettext("Checked %(file)s (%(facts)s).") % values


def _problems(kind: str, problems: list[dict[str, Any]], count: int) -> list[str]:
    if not count:
        return []
    if kind == "error":
        heading = ngettext("%(n)s error:", "%(n)s errors:", count)
    else:
        heading = ngettext("%(n)s warning:", "%(n)s warnings:", count)
    lines = [heading % {"n": count}]
    for problem in problems[:SHOWN_PROBLEMS]:
        if problem.get("line"):
            text = gettext("line %(line)s, %(message)s") % {
                "line": problem["line"],
                "message": problem["message"],
            }
        else:
            text = problem["message"]
        lines.append(f"  {text}")
    if count > min(len(problems), SHOWN_PROBLEMS):
        more = count - min(len(problems), SHOWN_PROBLEMS)
        lines.append(
            "  "
            + gettext("… and %(n)s more; write them all with --report PATH.json.") % {"n": more}
        )
    return lines


def profile_lines(profile: dict[str, Any]) -> list[str]:
    return [
        "  " + gettext("%(label)s: %(value)s") % {"label": label, "value": text}
        for label, text in profile_items(profile)
    ]


def profile_items(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The dry-run profile as (label, text) pairs, e.g. ("academic departments", "CRS (1)")."""
    items = []
    none = gettext("none")
    for key, value in profile.items():
        label = str(_PROFILE_LABELS.get(key, key.replace("_", " ")))
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                if isinstance(v, dict):
                    span = gettext("%(first)s to %(last)s") % {
                        "first": v.get("first"),
                        "last": v.get("last"),
                    }
                    parts.append(f"{k} {span}")
                else:
                    parts.append(f"{k} ({v})")
            items.append((label, ", ".join(parts) or none))
        elif isinstance(value, list):
            items.append((label, ", ".join(map(str, value)) or none))
        else:
            items.append((label, str(value)))
    return items


def _verdict(report: dict[str, Any]) -> str:
    errors = report.get("error_count", 0)
    status = report.get("status", "")
    valid = report.get("rows", 0) - report.get("skipped", 0)
    if status == "applied":
        return gettext("Applied.")
    if status == "applied_valid":
        return _applied_valid(valid, report.get("skipped", 0))
    if status == "failed":
        return gettext("Nothing was applied.")
    if report.get("dry_run"):
        if errors:
            return ngettext(
                "Dry run: nothing was applied. Fix the %(n)s error before loading.",
                "Dry run: nothing was applied. Fix the %(n)s errors before loading.",
                errors,
            ) % {"n": errors}
        return gettext("Dry run: nothing was applied. The file can be loaded as it is.")
    return ngettext(
        "Nothing was applied: the file has %(n)s error. Fix it, or load with --apply-valid "
        "to apply the %(rows)s without errors.",
        "Nothing was applied: the file has %(n)s errors. Fix them, or load with --apply-valid "
        "to apply the %(rows)s without errors.",
        errors,
    ) % {"n": errors, "rows": _rows(valid)}


def _rows(n: int) -> str:
    return ngettext("%(n)s row", "%(n)s rows", n) % {"n": n}


def _applied_valid(valid: int, skipped: int) -> str:
    return ngettext(
        "Applied the %(rows)s without errors; %(n)s row with errors was skipped.",
        "Applied the %(rows)s without errors; %(n)s rows with errors were skipped.",
        skipped,
    ) % {"rows": _rows(valid), "n": skipped}


def page_verdict(report: dict[str, Any], status: str) -> str:
    """The outcome in one sentence for the loads page (which offers options, not flags)."""
    errors = report.get("error_count", 0)
    skipped = report.get("skipped", 0)
    valid = report.get("rows", 0) - skipped
    if status == "applied":
        return ngettext(
            "Applied: the %(n)s row of the file was loaded.",
            "Applied: the %(n)s rows of the file were loaded.",
            valid,
        ) % {"n": valid}
    if status == "applied_valid":
        return _applied_valid(valid, skipped)
    if status == "checked":
        if errors:
            return ngettext(
                "Dry run: nothing was applied. Fix the %(n)s error before loading the file.",
                "Dry run: nothing was applied. Fix the %(n)s errors before loading the file.",
                errors,
            ) % {"n": errors}
        return gettext("Dry run: nothing was applied. The file can be loaded as it is.")
    if status == "rejected":
        return ngettext(
            "Nothing was applied: the file has %(n)s error. Fix it, or load it again choosing "
            "to apply the %(rows)s without errors.",
            "Nothing was applied: the file has %(n)s errors. Fix them, or load it again "
            "choosing to apply the %(rows)s without errors.",
            errors,
        ) % {"n": errors, "rows": _rows(valid)}
    if status == "interrupted":
        return gettext("The load was interrupted before it finished; nothing was applied.")
    return gettext("Nothing was applied.")
