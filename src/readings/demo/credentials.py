"""The demo accounts to print: who to sign in as, and what to look at."""

from __future__ import annotations

from dataclasses import dataclass

from readings.accounts.models import Role
from readings.demo import people, structure
from readings.lti.simulator import simulator_enabled

STUDENTS_SHOWN = 3
_HEADINGS = ("username", "password", "role", "what to look at")
_STUDENT_LOOK = "another student: their own courses' lists"


@dataclass(frozen=True)
class Credential:
    username: str
    password: str
    role: str
    look_at: str


def demo_credentials() -> list[Credential]:
    """Every staff account, and the first few students."""
    shown = (
        *people.ADMINISTRATORS,
        *people.LIBRARIANS,
        *people.INSTRUCTORS,
        *people.STUDENTS[:STUDENTS_SHOWN],
    )
    return [Credential(p.username, p.password, _role(p), p.look_at or _STUDENT_LOOK) for p in shown]


def credentials_table() -> str:
    rows = [_HEADINGS, *((c.username, c.password, c.role, c.look_at) for c in demo_credentials())]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADINGS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    hidden = len(people.STUDENTS) - STUDENTS_SHOWN
    student = people.password_for(Role.STUDENT)
    lines.append(
        f"… and {hidden} more students (first.last, password {student}): see /admin/ > Users."
    )
    if simulator_enabled():
        admin = people.ADMINISTRATORS[0].username
        lines += [
            "",
            f"LMS simulator: sign in as {admin} and open /lti/simulator/ to launch into a course",
            "as any person and role, as an LMS would (real signed LTI 1.3 launches, recorded).",
        ]
    return "\n".join(lines)


def _role(person: people.Person) -> str:
    label = Role(person.role).label
    if person.role == Role.ADMINISTRATOR:
        return f"{label} + Django admin"
    if person.processing:
        return f"{label}, {structure.PROCESSING_NAMES[person.processing]}"
    if person.department:
        return f"{label}, {dict(structure.ACADEMIC_DEPARTMENTS)[person.department]}"
    return label
