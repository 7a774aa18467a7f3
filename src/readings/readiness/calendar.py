"""The plan as iCalendar (RFC 5545): one all-day event per dated task.

Written by hand rather than with a library: the format is small, and the rules
that matter are here — CRLF line endings, lines folded at 75 octets (never
inside a UTF-8 character), and TEXT values escaped (backslash, ``;``, ``,``
and newlines).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from readings.readiness.models import Plan, Task

PRODID = "-//Readings//Implementation plan//EN"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces; continuation lines start with a space."""
    pieces = []
    current = b""
    limit = MAX_OCTETS
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current = b""
            limit = MAX_OCTETS - 1  # the leading space counts
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def plan_calendar(plan: Plan, tasks: Iterable[Task], *, host: str, now: datetime.datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{plan.institution.name}: implementation plan')}",
    ]
    for task in tasks:
        if task.due_date is None:
            continue
        description = "\n".join(
            part
            for part in (
                f"{task.get_phase_display()} · {task.get_responsible_role_display()} · "
                f"{task.get_status_display()}",
                task.description,
                task.notes,
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:readiness-task-{task.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART;VALUE=DATE:{task.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{task.due_date + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(task.title)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"CATEGORIES:{escape_text(task.get_phase_display())}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
