"""Turn what an LMS says about a course into the code Readings looks it up by.

Plain Python: no Django import.
"""

from __future__ import annotations

import re

from readings.lti.claims import LaunchClaims

CONTEXT_LABEL = "context_label"
CUSTOM_PARAMETER = "custom"
COURSE_SECTION_SOURCEDID = "lis_course_section_sourcedid"
CONTEXT_ID = "context_id"


def normalise_code(value: str, pattern: str = "") -> str:
    """Case- and space-insensitive form of a course code, optionally cut by ``pattern``.

    With a pattern, its first group (or the whole match) is the code; no match
    gives "" (nothing to look up). ``"  hist 101 "`` → ``"HIST 101"``.
    """
    value = " ".join(value.split())
    if pattern and value:
        found = re.search(pattern, value)
        if found is None:
            return ""
        value = found.group(1) if found.groups() else found.group(0)
    return " ".join(value.split()).upper()


def course_key(claims: LaunchClaims, *, source: str, parameter: str = "") -> str:
    """The raw value the platform's matching rule reads from this launch ("" if absent)."""
    context = claims.context
    if source == CONTEXT_LABEL:
        return context.label if context else ""
    if source == CUSTOM_PARAMETER:
        return claims.custom.get(parameter, "")
    if source == COURSE_SECTION_SOURCEDID:
        return claims.course_section_sourcedid
    if source == CONTEXT_ID:
        return context.id if context else ""
    raise ValueError(f"Unknown course matching source {source!r}")
