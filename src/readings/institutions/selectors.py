"""Reads for institutions."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from readings.core.exceptions import InvalidInput
from readings.institutions.models import Institution

# Every institution setting with its default, in one place (later issues add theirs).
SETTING_DEFAULTS: dict[str, Any] = {
    "course_update_fields": ["participants", "instructors"],
    "create_unknown_instructors": True,
    "create_unknown_departments": False,
    "rollover_list_status": "BeingPrepared",
    "course_date_format": "auto",
    "link_resolver_url": "",
    # The institution's own host name (readings.example.edu), for the readiness `domain` check.
    "host": "",
}


def institution_setting(institution: Institution, key: str) -> Any:
    if key not in SETTING_DEFAULTS:
        raise KeyError(f"Unknown institution setting {key!r}")
    return (institution.settings or {}).get(key, SETTING_DEFAULTS[key])


def institution_resolve(code: str | None) -> Institution:
    """The institution named by code, or the only one when none is named."""
    if code:
        found = Institution.objects.filter(code=code).first()
        if found is None:
            raise InvalidInput(
                {"institution": [_("No institution has the code '%(code)s'.") % {"code": code}]}
            )
        return found
    institutions = list(Institution.objects.all()[:2])
    if len(institutions) == 1:
        return institutions[0]
    if not institutions:
        raise InvalidInput(
            {
                "institution": [
                    _("There is no institution yet; add one with 'readings institution add'.")
                ]
            }
        )
    raise InvalidInput(
        {"institution": [_("There are several institutions; name one with --institution CODE.")]}
    )


def institution_today(institution: Institution) -> datetime.date:
    """Today's date where the institution is: section windows open at local midnight."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(institution.time_zone)).date()
