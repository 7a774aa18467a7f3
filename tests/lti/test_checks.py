"""Bad LTI settings are reported at start-up with stable ids, not at the first launch."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from readings.lti.checks import check_lti_settings

LTI_SETTINGS = (
    "LTI_SIMULATOR",
    "LTI_ALLOW_HTTP_PLATFORMS",
    "LTI_KEYSET_TIMEOUT",
    "LTI_LEEWAY",
    "LTI_MAX_TOKEN_BYTES",
    "LTI_COOKIELESS_LAUNCH",
    "READINGS_BASE_URL",
    "LTI_KEYSET_TTL",
    "LTI_KEYSET_REFETCH_INTERVAL",
    "LTI_KEYSET_FAILURE_BACKOFF",
    "LTI_SERVICE_TIMEOUT",
    "LTI_ROSTER_SYNC_INTERVAL",
    "LTI_FRAME_ANCESTORS",
    "LTI_LAUNCH_RETENTION_DAYS",
)


@pytest.fixture(autouse=True)
def unset(settings, monkeypatch):
    """Start from the defaults: none of the LTI settings set, in development mode."""
    for name in LTI_SETTINGS:
        if hasattr(settings, name):
            delattr(settings, name)
    monkeypatch.delenv("READINGS_BASE_URL", raising=False)
    settings.PRODUCTION = False
    return settings


def _ids() -> list[str]:
    return [message.id for message in check_lti_settings()]


def test_the_defaults_pass():
    assert _ids() == []


GOOD = [
    ("LTI_SIMULATOR", True),
    ("LTI_SIMULATOR", False),
    ("LTI_KEYSET_TIMEOUT", 0.5),
    ("LTI_KEYSET_TIMEOUT", "5"),
    ("LTI_LEEWAY", 0),
    ("LTI_LEEWAY", 300),
    ("LTI_MAX_TOKEN_BYTES", 4096),
    ("LTI_COOKIELESS_LAUNCH", "new_window"),
    ("LTI_COOKIELESS_LAUNCH", "refuse"),
    ("READINGS_BASE_URL", "http://127.0.0.1:8000"),
    ("READINGS_BASE_URL", "https://readings.example.edu/"),
    ("LTI_KEYSET_REFETCH_INTERVAL", 0),
    ("LTI_SERVICE_TIMEOUT", 10),
    ("LTI_ROSTER_SYNC_INTERVAL", 0),
    ("LTI_FRAME_ANCESTORS", ["https://lms.example.edu", "https://lms.example.edu:8443"]),
    ("LTI_LAUNCH_RETENTION_DAYS", 400),
]


@pytest.mark.parametrize(("name", "value"), GOOD, ids=[f"{n}={v!r}" for n, v in GOOD])
def test_sensible_values_pass(settings, name, value):
    setattr(settings, name, value)
    assert _ids() == []


BAD = [
    ("LTI_SIMULATOR", "false", "readings.E010"),
    ("LTI_ALLOW_HTTP_PLATFORMS", 1, "readings.E021"),
    ("LTI_KEYSET_TIMEOUT", 0, "readings.E011"),
    ("LTI_KEYSET_TIMEOUT", "5s", "readings.E011"),
    ("LTI_KEYSET_TIMEOUT", 120, "readings.E011"),
    ("LTI_LEEWAY", -1, "readings.E012"),
    ("LTI_LEEWAY", 3600, "readings.E012"),
    ("LTI_LEEWAY", 1.5, "readings.E012"),
    ("LTI_LEEWAY", True, "readings.E012"),
    ("LTI_MAX_TOKEN_BYTES", 100, "readings.E013"),
    ("LTI_MAX_TOKEN_BYTES", "64k", "readings.E013"),
    ("LTI_COOKIELESS_LAUNCH", "allow", "readings.E014"),
    ("READINGS_BASE_URL", "readings.example.edu", "readings.E015"),
    ("READINGS_BASE_URL", "https://readings.example.edu/app", "readings.E015"),
    ("READINGS_BASE_URL", "ftp://readings.example.edu", "readings.E015"),
    ("READINGS_BASE_URL", "https://readings.example.edu:http", "readings.E015"),
    ("LTI_KEYSET_TTL", 0, "readings.E016"),
    ("LTI_KEYSET_FAILURE_BACKOFF", -5, "readings.E016"),
    ("LTI_SERVICE_TIMEOUT", None, "readings.E017"),
    ("LTI_ROSTER_SYNC_INTERVAL", "hourly", "readings.E018"),
    ("LTI_FRAME_ANCESTORS", "https://lms.example.edu", "readings.E019"),
    ("LTI_FRAME_ANCESTORS", ["*"], "readings.E019"),
    ("LTI_FRAME_ANCESTORS", ["https://lms.example.edu/course/1"], "readings.E019"),
    ("LTI_LAUNCH_RETENTION_DAYS", 0, "readings.E020"),
]


@pytest.mark.parametrize(("name", "value", "check_id"), BAD, ids=[f"{n}={v!r}" for n, v, _ in BAD])
def test_a_bad_value_is_reported_under_its_id_with_a_hint(settings, name, value, check_id):
    setattr(settings, name, value)
    messages = check_lti_settings()
    assert [m.id for m in messages] == [check_id]
    assert name in messages[0].msg
    assert name in messages[0].hint


def test_the_simulator_is_refused_in_production(settings):
    settings.PRODUCTION = True
    assert _ids() == []  # unset: the simulator is off in production anyway
    settings.LTI_SIMULATOR = True
    assert _ids() == ["readings.E010"]
    settings.LTI_SIMULATOR = False
    assert _ids() == []


def test_plain_http_lms_platforms_are_refused_in_production(settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    assert _ids() == []
    settings.PRODUCTION = True
    assert _ids() == ["readings.E021"]


def test_production_needs_an_https_base_url_from_the_setting_or_the_environment(
    settings, monkeypatch
):
    settings.PRODUCTION = True
    monkeypatch.setenv("READINGS_BASE_URL", "http://readings.example.edu")
    assert _ids() == ["readings.E015"]
    monkeypatch.setenv("READINGS_BASE_URL", "https://readings.example.edu")
    assert _ids() == []


def test_the_checks_run_with_django_s_system_checks(settings):
    settings.LTI_LEEWAY = "a minute"
    settings.LTI_COOKIELESS_LAUNCH = "sometimes"
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "(readings.E012)" in str(raised.value)
    assert "(readings.E014)" in str(raised.value)
