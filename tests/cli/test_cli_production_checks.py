"""Production mode: `readings check --deploy` passes on proper settings, names each insecure one."""

from __future__ import annotations

import sqlite3

import pytest


def test_check_deploy_passes_with_proper_production_settings(readings, production_env):
    result = readings("check", "--deploy", env=production_env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    "key",
    [
        "too-short-but-random-7f3a9c",
        "django-insecure-" + "k9#mQ2v!xR7zL4pW8nT1bY6cF3hJ5dS0aG" * 2,
        "ab" * 40,
    ],
    ids=["short", "development-prefix", "repetitive"],
)
def test_check_deploy_reports_a_weak_secret_key(readings, production_env, key):
    result = readings("check", "--deploy", env={**production_env, "SECRET_KEY": key})

    assert result.returncode != 0
    assert "(readings.E001)" in result.stderr
    assert "(readings.E002)" not in result.stderr


def test_check_deploy_reports_debug_in_production(readings, production_env):
    result = readings("check", "--deploy", env={**production_env, "DEBUG": "true"})

    assert result.returncode != 0
    assert "(readings.E002)" in result.stderr
    assert "(readings.E001)" not in result.stderr


def test_check_deploy_reports_a_wildcard_host(readings, production_env):
    result = readings("check", "--deploy", env={**production_env, "ALLOWED_HOSTS": "*"})

    assert result.returncode != 0
    assert "(readings.E003)" in result.stderr


def test_sqlite_in_production_is_a_warning_only(readings, production_env):
    result = readings("check", "--deploy", env={**production_env, "DATABASE_URL": None})

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "(readings.W001)" in output
    assert "ERRORS" not in output


def test_insecure_production_settings_stop_other_commands_too(readings, production_env, data_dir):
    env = {**production_env, "DATABASE_URL": None, "SECRET_KEY": "weak"}

    result = readings("migrate", env=env)

    assert result.returncode != 0
    assert "(readings.E001)" in result.stderr
    with sqlite3.connect(data_dir / "readings.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_development_mode_does_not_apply_production_checks(readings):
    result = readings("check", "--deploy")

    assert "readings.E00" not in result.stdout + result.stderr
