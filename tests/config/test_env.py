"""Reading the environment: each bad value fails with one precise, actionable message."""

from __future__ import annotations

from pathlib import Path

import pytest

from readings.config import env
from readings.config.env import ConfigurationError


@pytest.fixture
def environ(monkeypatch):
    for name in ("DATABASE_URL", "READINGS_MODE", "READINGS_DATA_DIR", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("ALLOWED_HOSTS", "DEBUG", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_database_url_means_a_sqlite_file_in_the_data_directory(environ, tmp_path):
    config = env.database(tmp_path / "data")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "data" / "readings.sqlite3")
    assert (tmp_path / "data").is_dir()


def test_sqlite_uses_wal_and_immediate_transactions(environ, tmp_path):
    environ.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db/readings.sqlite3")

    config = env.database(tmp_path / "unused")

    assert config["NAME"] == f"{tmp_path}/db/readings.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "db").is_dir()


def test_postgres_url_gets_a_connect_timeout_and_persistent_connections(environ, tmp_path):
    environ.setenv("DATABASE_URL", "postgres://app:p%40ss@db.internal:6543/readings")

    config = env.database(tmp_path)

    assert config["ENGINE"] == "readings.core.postgres"
    assert (config["USER"], config["PASSWORD"]) == ("app", "p@ss")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "readings")
    assert config["OPTIONS"]["connect_timeout"] == env.POSTGRES_CONNECT_TIMEOUT
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_postgres_url_options_are_kept_and_may_override_the_timeout(environ, tmp_path):
    environ.setenv("DATABASE_URL", "postgresql://db/readings?sslmode=require&connect_timeout=2")

    options = env.database(tmp_path)["OPTIONS"]

    assert options["sslmode"] == "require"
    assert options["connect_timeout"] == 2


def test_postgres_statements_are_prepared_unless_the_url_says_otherwise(environ, tmp_path):
    environ.setenv("DATABASE_URL", "postgres://db/readings")
    options = env.database(tmp_path)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == env.POSTGRES_PREPARE_THRESHOLD

    environ.setenv("DATABASE_URL", "postgres://db/readings?server_side_binding=false")
    options = env.database(tmp_path)["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (False, None)

    environ.setenv("DATABASE_URL", "postgres://db/readings?prepare_threshold=1")
    assert env.database(tmp_path)["OPTIONS"]["prepare_threshold"] == 1


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("foo", "is not a URL"),
        ("mysql://x/y", "uses mysql://, which Readings does not support"),
        ("://nothing", "uses no scheme"),
        ("postgres://", "names no database"),
        ("postgres://host/", "names no database"),
        ("postgres://host:notaport/db", "port 'notaport'"),
        ("postgres://host:0/db", "port '0'"),
        ("postgres://host:70000/db", "port '70000'"),
        ("postgres://[::1/db", "cannot be read"),
        ("postgres://host/db?sslmod=require", "unknown PostgreSQL option 'sslmod'"),
        ("postgres://host/db?server_side_binding=maybe", "use true or false"),
        ("postgres://host/db?prepare_threshold=often", "use a number or none"),
        ("sqlite://", "names no SQLite file"),
        ("sqlite:///", "names no SQLite file"),
        ("sqlite://:memory:", "names no SQLite file"),
        ("sqlite://host/readings.sqlite3", "puts 'host' where a SQLite URL has nothing"),
        ("sqlite:///readings.sqlite3", "relative SQLite path 'readings.sqlite3'"),
    ],
)
def test_malformed_database_urls_are_refused_with_what_to_fix(environ, tmp_path, url, fragment):
    environ.setenv("DATABASE_URL", url)

    with pytest.raises(ConfigurationError) as caught:
        env.database(tmp_path)

    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_a_bad_port_message_leaves_the_password_out(environ, tmp_path):
    environ.setenv("DATABASE_URL", "postgres://app:hunter2@db:port/readings")

    with pytest.raises(ConfigurationError) as caught:
        env.database(tmp_path)

    assert "hunter2" not in str(caught.value)


def test_a_relative_sqlite_path_suggests_the_absolute_url(environ, tmp_path):
    environ.chdir(tmp_path)
    environ.setenv("DATABASE_URL", "sqlite:///readings.sqlite3")

    with pytest.raises(ConfigurationError) as caught:
        env.database(tmp_path)

    assert f"sqlite:///{tmp_path.resolve()}/readings.sqlite3" in str(caught.value)


def test_a_sqlite_directory_under_a_file_cannot_be_created(environ, tmp_path):
    (tmp_path / "file").write_text("")
    environ.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/file/sub/readings.sqlite3")

    with pytest.raises(ConfigurationError) as caught:
        env.database(tmp_path)

    assert f"cannot create the directory {tmp_path}/file/sub" in str(caught.value)


def test_data_directory_defaults_to_data_under_the_working_directory(environ, tmp_path):
    environ.chdir(tmp_path)

    assert env.data_dir() == tmp_path.resolve() / "data"
    environ.setenv("READINGS_DATA_DIR", "elsewhere")
    assert env.data_dir() == tmp_path.resolve() / "elsewhere"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("1", True), ("true", True), ("Yes", True), (" on ", True)],
        *[("0", False), ("false", False), ("NO", False), ("off", False), ("", False)],
    ],
)
def test_flags_accept_the_usual_spellings(environ, raw, expected):
    environ.setenv("DEBUG", raw)

    assert env.flag("DEBUG", default=not expected) is expected


def test_an_unset_flag_takes_its_default(environ):
    assert env.flag("DEBUG", default=True) is True
    assert env.flag("DEBUG", default=False) is False


def test_a_flag_that_is_not_a_boolean_is_refused(environ):
    environ.setenv("DEBUG", "maybe")

    with pytest.raises(ConfigurationError, match="DEBUG is 'maybe'; set it to true or false"):
        env.flag("DEBUG", default=False)


@pytest.mark.parametrize("raw", ["-1", "a year", "1.5"])
def test_integers_must_be_whole_and_not_negative(environ, raw):
    environ.setenv("SECURE_HSTS_SECONDS", raw)

    with pytest.raises(ConfigurationError, match="SECURE_HSTS_SECONDS is"):
        env.integer("SECURE_HSTS_SECONDS", default=1)


def test_integers_read_their_value_or_default(environ):
    assert env.integer("SECURE_HSTS_SECONDS", default=7) == 7
    environ.setenv("SECURE_HSTS_SECONDS", " 3600 ")
    assert env.integer("SECURE_HSTS_SECONDS", default=7) == 3600


def test_mode_is_development_unless_production_is_named(environ):
    assert env.mode() == env.DEVELOPMENT
    environ.setenv("READINGS_MODE", " Production ")
    assert env.mode() == env.PRODUCTION
    environ.setenv("READINGS_MODE", "staging")
    with pytest.raises(ConfigurationError, match="READINGS_MODE is 'staging'"):
        env.mode()


def test_development_has_a_working_default_key_and_hosts(environ):
    assert env.secret_key(env.DEVELOPMENT).startswith("django-insecure")
    assert "127.0.0.1" in env.hosts(env.DEVELOPMENT)


def test_production_needs_a_secret_key_and_hosts(environ):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        env.secret_key(env.PRODUCTION)
    with pytest.raises(ConfigurationError, match="ALLOWED_HOSTS is not set"):
        env.hosts(env.PRODUCTION)
    environ.setenv("SECRET_KEY", " k3y ")
    environ.setenv("ALLOWED_HOSTS", "readings.example.edu, .example.org ,")
    assert env.secret_key(env.PRODUCTION) == "k3y"
    assert env.hosts(env.PRODUCTION) == ["readings.example.edu", ".example.org"]


def test_data_directory_is_absolute(environ, tmp_path):
    environ.setenv("READINGS_DATA_DIR", str(tmp_path / "x" / ".." / "data"))

    assert env.data_dir() == Path(tmp_path / "data").resolve()
