"""Start-up checks for the LTI settings, with stable ids an administrator can look up.

Every LTI setting has a safe default in the code that reads it; these checks
only look at settings that were set, and refuse values that would fail at the
first launch (``float("5s")``), weaken the launch checks (a leeway of an
hour), or do not belong in production (the LMS simulator, plain-HTTP LMSs).

==============  ==============================================================
readings.E010   LTI_SIMULATOR not true/false, or on in production mode
readings.E011   LTI_KEYSET_TIMEOUT not a number of seconds above 0, at most 30
readings.E012   LTI_LEEWAY not a whole number of seconds from 0 to 300
readings.E013   LTI_MAX_TOKEN_BYTES not a whole number from 1,024 to 1,048,576
readings.E014   LTI_COOKIELESS_LAUNCH neither "new_window" nor "refuse"
readings.E015   READINGS_BASE_URL not an http(s) origin (https in production)
readings.E016   LTI_KEYSET_TTL / _REFETCH_INTERVAL / _FAILURE_BACKOFF negative or
                not numbers (TTL above 0)
readings.E017   LTI_SERVICE_TIMEOUT not a number of seconds above 0, at most 60
readings.E018   LTI_ROSTER_SYNC_INTERVAL not a whole number of seconds, 0 or more
readings.E019   LTI_FRAME_ANCESTORS not a list of http(s) origins
readings.E020   LTI_LAUNCH_RETENTION_DAYS not a whole number of days, 1 or more
readings.E021   LTI_ALLOW_HTTP_PLATFORMS not true/false, or on in production mode
==============  ==============================================================
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error

_UNSET = object()
COOKIELESS_CHOICES = ("new_window", "refuse")


def check_lti_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    production = bool(getattr(settings, "PRODUCTION", False))
    problems: list[CheckMessage | None] = [
        _switch("LTI_SIMULATOR", "readings.E010", production, "the LMS simulator"),
        _switch("LTI_ALLOW_HTTP_PLATFORMS", "readings.E021", production, "plain-HTTP LMSs"),
        _number("LTI_KEYSET_TIMEOUT", "readings.E011", "a number of seconds", above=0, most=30),
        _number("LTI_LEEWAY", "readings.E012", "a whole number of seconds", 0, 300, whole=True),
        _number(
            "LTI_MAX_TOKEN_BYTES", "readings.E013", "a whole number", 1024, 1024 * 1024, whole=True
        ),
        _cookieless(),
        _base_url(production),
        _number("LTI_KEYSET_TTL", "readings.E016", "a number of seconds", above=0),
        _number("LTI_KEYSET_REFETCH_INTERVAL", "readings.E016", "a number of seconds", 0),
        _number("LTI_KEYSET_FAILURE_BACKOFF", "readings.E016", "a number of seconds", 0),
        _number("LTI_SERVICE_TIMEOUT", "readings.E017", "a number of seconds", above=0, most=60),
        _number(
            "LTI_ROSTER_SYNC_INTERVAL", "readings.E018", "a whole number of seconds", 0, whole=True
        ),
        _frame_ancestors(),
        _number(
            "LTI_LAUNCH_RETENTION_DAYS", "readings.E020", "a whole number of days", 1, whole=True
        ),
    ]
    return [problem for problem in problems if problem is not None]


def _switch(name: str, check_id: str, production: bool, what: str) -> Error | None:
    value = getattr(settings, name, _UNSET)
    if value is _UNSET:
        return None
    if not isinstance(value, bool):
        return Error(f"{name} is {value!r}.", hint=f"Set {name} to True or False.", id=check_id)
    if value and production:
        return Error(
            f"{name} is on in production mode.",
            hint=f"Turn off {what} in production: remove {name} or set it to False.",
            id=check_id,
        )
    return None


def _number(
    name: str,
    check_id: str,
    kind: str,
    least: float | None = None,
    most: float | None = None,
    *,
    above: float | None = None,
    whole: bool = False,
) -> Error | None:
    value = getattr(settings, name, _UNSET)
    if value is _UNSET:
        return None
    number = _as_number(value, int if whole else float)
    fits = number is not None
    fits = fits and (least is None or number >= least) and (above is None or number > above)
    fits = fits and (most is None or number <= most)
    if fits:
        return None
    return Error(
        f"{name} is {value!r}.",
        hint=f"Set {name} to {kind} {_bounds(least, above, most)}.",
        id=check_id,
    )


def _bounds(least: float | None, above: float | None, most: float | None) -> str:
    if least is not None and most is not None:
        return f"from {least:g} to {most:g}"
    if least is not None:
        return f"of {least:g} or more"
    if most is not None:
        return f"above {above:g} and at most {most:g}"
    return f"above {above:g}"


def _as_number(value: object, convert: Callable[[str], float]) -> float | None:
    """The value as the code reading the setting will take it, or None if it cannot."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and (convert is float or isinstance(value, int)):
        return value
    if isinstance(value, str):
        try:
            return convert(value.strip())
        except ValueError:
            return None
    return None


def _cookieless() -> Error | None:
    value = getattr(settings, "LTI_COOKIELESS_LAUNCH", _UNSET)
    if value is _UNSET or value in COOKIELESS_CHOICES:
        return None
    return Error(
        f"LTI_COOKIELESS_LAUNCH is {value!r}.",
        hint='Set LTI_COOKIELESS_LAUNCH to "new_window" (continue a launch from an iframe '
        'without cookies in a new window) or "refuse" (every launch needs the state cookie).',
        id="readings.E014",
    )


def _base_url(production: bool) -> Error | None:
    # configuration.base_url reads the setting, then the environment variable.
    value = getattr(settings, "READINGS_BASE_URL", "") or os.environ.get("READINGS_BASE_URL", "")
    if not value:
        return None
    hint = "Set READINGS_BASE_URL to the address people and LMSs reach Readings at, e.g. "
    hint += "https://readings.example.edu (no path, query or fragment)."
    if not isinstance(value, str) or not _is_origin(value):
        return Error(f"READINGS_BASE_URL is {value!r}.", hint=hint, id="readings.E015")
    if production and not value.startswith("https://"):
        return Error(
            f"READINGS_BASE_URL is {value!r}: LMSs launch tools over HTTPS only.",
            hint=hint,
            id="readings.E015",
        )
    return None


def _frame_ancestors() -> Error | None:
    value = getattr(settings, "LTI_FRAME_ANCESTORS", _UNSET)
    if value is _UNSET:
        return None
    if isinstance(value, list | tuple) and all(
        isinstance(origin, str) and _is_origin(origin) for origin in value
    ):
        return None
    return Error(
        f"LTI_FRAME_ANCESTORS is {value!r}.",
        hint="Set LTI_FRAME_ANCESTORS to a list of origins that may show Readings in a frame "
        'besides the LMS itself, e.g. ["https://lms.example.edu"]; no wildcards.',
        id="readings.E019",
    )


def _is_origin(value: str) -> bool:
    """scheme://host[:port], optionally with a trailing slash, and nothing else."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "*" not in value
        and " " not in value.strip()
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
        and "@" not in parts.netloc
    )
