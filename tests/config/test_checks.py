"""System checks: production mode refuses insecure settings with stable ids.

readings.W001 (SQLite in production) is tested through `readings check --deploy`
in tests/cli, where the database really is configured from the environment.
"""

from __future__ import annotations

import pytest

from readings.core.checks import check_production_database, check_production_settings

STRONG_KEY = "wQ8v-3kPz_Lr7NcYt2Hs9JfBm5XaGd1Ue4Ri6Oo0TyKqCjVnZlEx"  # 52 characters


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = STRONG_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["readings.example.edu"]
    return settings


def _ids(problems) -> list[str]:
    return [p.id for p in problems]


def test_proper_production_settings_raise_nothing(production):
    assert check_production_settings() == []


def test_development_mode_is_never_checked(settings):
    settings.PRODUCTION = False
    settings.SECRET_KEY = "dev"
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["*"]

    assert check_production_settings() == []
    assert check_production_database() == []


@pytest.mark.parametrize(
    "key",
    [
        STRONG_KEY[:49],
        "django-insecure-" + STRONG_KEY,
        "abcd" * 20,
    ],
    ids=["49-characters", "development-prefix", "four-distinct-characters"],
)
def test_a_weak_key_is_readings_e001(production, key):
    production.SECRET_KEY = key

    assert _ids(check_production_settings()) == ["readings.E001"]


def test_a_key_of_fifty_varied_characters_passes(production):
    production.SECRET_KEY = STRONG_KEY[:50]

    assert check_production_settings() == []


def test_debug_in_production_is_readings_e002(production):
    production.DEBUG = True

    assert _ids(check_production_settings()) == ["readings.E002"]


@pytest.mark.parametrize("hosts", [[], ["*"], ["readings.example.edu", "*"]])
def test_no_or_wildcard_hosts_are_readings_e003(production, hosts):
    production.ALLOWED_HOSTS = hosts

    assert _ids(check_production_settings()) == ["readings.E003"]


def test_a_subdomain_pattern_is_not_a_wildcard(production):
    production.ALLOWED_HOSTS = [".example.edu"]

    assert check_production_settings() == []
