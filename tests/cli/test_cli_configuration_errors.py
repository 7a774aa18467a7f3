"""A bad environment or an unusable database is one line saying what to fix, not a traceback."""

from __future__ import annotations

import pytest


# The full table of malformed URLs is in tests/config/test_env.py; these prove
# the command turns them into one line.
@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        ("foo", ["DATABASE_URL is not a URL", "postgres://USER:PASSWORD@HOST:PORT/NAME"]),
        ("mysql://x/y", ["mysql://", "does not support", "sqlite:////"]),
        ("postgres://", ["names no database", "/NAME"]),
        ("postgres://host:notaport/db", ["port 'notaport'", "1 to 65535"]),
        ("sqlite://", ["names no SQLite file", "sqlite:////absolute/path"]),
    ],
)
def test_a_malformed_database_url_is_one_line_saying_what_to_fix(
    readings, one_line_error, url, fragments
):
    result = readings("check", env={"DATABASE_URL": url})

    one_line_error(result, "DATABASE_URL", *fragments)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("env", "fragments"),
    [
        ({"ALLOWED_HOSTS": "readings.example.edu"}, ["SECRET_KEY is not set", "secrets"]),
        ({"SECRET_KEY": "x" * 60}, ["ALLOWED_HOSTS is not set", "readings.example.edu"]),
    ],
)
def test_production_mode_without_a_required_setting_is_one_line(
    readings, one_line_error, env, fragments
):
    result = readings("check", env={"READINGS_MODE": "production", **env})

    one_line_error(result, *fragments)


def test_a_debug_value_that_is_not_a_boolean_is_one_line(readings, one_line_error):
    one_line_error(readings("check", env={"DEBUG": "maybe"}), "DEBUG is 'maybe'", "true or false")


def test_an_unknown_mode_is_one_line(readings, one_line_error):
    one_line_error(
        readings("check", env={"READINGS_MODE": "staging"}),
        "READINGS_MODE is 'staging'",
        "'production'",
    )


def test_an_unreachable_postgresql_is_one_line_naming_host_and_port(readings, one_line_error):
    result = readings("migrate", env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/readings"})

    one_line_error(result, "127.0.0.1:1/readings", "PostgreSQL is running")


def test_a_sqlite_directory_that_cannot_be_created_is_one_line(readings, one_line_error, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    result = readings("migrate", env={"DATABASE_URL": f"sqlite:///{blocker}/db/readings.sqlite3"})

    one_line_error(result, f"cannot create the directory {blocker}/db", "DATABASE_URL")


def test_a_data_directory_that_cannot_be_created_is_one_line(readings, one_line_error, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    result = readings("migrate", env={"READINGS_DATA_DIR": str(blocker / "data")})

    one_line_error(result, f"cannot create the directory {blocker}/data", "READINGS_DATA_DIR")


def test_a_database_without_tables_says_to_migrate(readings, one_line_error, data_dir):
    result = readings("institution", "list")

    one_line_error(result, str(data_dir / "readings.sqlite3"), "run 'readings migrate'")


def test_the_traceback_option_shows_the_database_error_in_full(readings):
    result = readings(
        "migrate", "--traceback", env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/readings"}
    )

    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "OperationalError" in result.stderr
