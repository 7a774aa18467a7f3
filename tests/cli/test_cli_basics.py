"""The command's front door: help, version, and the `python -m` path."""

from __future__ import annotations

import importlib.metadata
import sqlite3

import pytest


def test_no_arguments_prints_help_with_readings_own_commands(readings):
    result = readings()

    assert result.returncode == 0, result.stderr
    assert "readings institution add CODE NAME" in result.stdout
    assert "Type 'readings help <subcommand>'" in result.stdout
    for command in ("serve", "institution", "migrate", "createsuperuser"):
        assert f"\n    {command}\n" in result.stdout


def test_version_prints_the_installed_package_version(readings):
    expected = f"readings {importlib.metadata.version('readings')} (Django "

    for spelling in ("--version", "version"):
        result = readings(spelling)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(expected)


def test_version_works_even_when_the_configuration_is_broken(readings):
    result = readings("--version", env={"DATABASE_URL": "foo"})

    assert result.returncode == 0
    assert result.stdout.startswith("readings ")


@pytest.mark.slow
def test_python_module_path_migrates_like_the_script(readings, data_dir):
    result = readings("migrate", "-v0", python_module=True)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data_dir / "readings.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "institutions_institution" in tables


def test_python_module_path_reports_configuration_errors_like_the_script(readings, one_line_error):
    via_module = readings("check", env={"DATABASE_URL": "foo"}, python_module=True)
    via_script = readings("check", env={"DATABASE_URL": "foo"})

    assert one_line_error(via_module) == one_line_error(via_script)
