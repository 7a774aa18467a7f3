"""Run the installed ``readings`` command in a controlled environment.

Every run gets a clean environment (no DATABASE_URL, SECRET_KEY… from the
caller) and its own READINGS_DATA_DIR, so these tests behave the same whatever
database the rest of the suite uses.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

READINGS = Path(sys.executable).parent / "readings"
PYTHON = Path(sys.executable)
POSTGRES_ADMIN_URL = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"

_CONFIG_VARIABLES = {
    "DATABASE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "LOG_LEVEL",
}
# DJANGO_* too: other tests set DJANGO_ALLOW_ASYNC_UNSAFE for the browser, and
# Django's deployment checks rightly refuse it.
_CONFIG_PREFIXES = ("READINGS_", "DJANGO_")

Run = Callable[..., subprocess.CompletedProcess]


def clean_environment(data_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _CONFIG_VARIABLES and not name.startswith(_CONFIG_PREFIXES)
    }
    env["READINGS_DATA_DIR"] = str(data_dir)
    return env


def run_command(
    command: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def environment(data_dir: Path, overrides: dict[str, str | None] | None) -> dict[str, str]:
    env = clean_environment(data_dir)
    for name, value in (overrides or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.fixture
def readings(tmp_path, data_dir) -> Run:
    """readings("migrate", env={"DEBUG": "true"}) → CompletedProcess; env values of None unset."""

    def run(*args: str, env: dict[str, str | None] | None = None, python_module: bool = False):
        prefix = [str(PYTHON), "-m", "readings.config.cli"] if python_module else [str(READINGS)]
        return run_command([*prefix, *args], env=environment(data_dir, env), cwd=tmp_path)

    return run


@pytest.fixture
def readings_popen(tmp_path, data_dir) -> Callable[..., subprocess.Popen]:
    """readings_popen("serve", …, stdout=f, stderr=f) → a running readings process."""

    def start(*args: str, stdout, stderr, env: dict[str, str | None] | None = None):
        return subprocess.Popen(
            [str(READINGS), *args],
            env=environment(data_dir, env),
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
        )

    return start


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A data directory whose SQLite database was migrated once for the whole session."""
    template = tmp_path_factory.mktemp("migrated") / "data"
    result = run_command(
        [str(READINGS), "migrate", "-v0"],
        env=clean_environment(template),
        cwd=template.parent,
    )
    assert result.returncode == 0, result.stderr
    return template


@pytest.fixture
def migrated(migrated_template, data_dir) -> Path:
    """This test's data directory, holding a freshly migrated, empty SQLite database."""
    shutil.copytree(migrated_template, data_dir, ignore=shutil.ignore_patterns("static"))
    return data_dir


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on 127.0.0.1:5432, dropped afterwards; its URL."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({exc})")
    name = f"readings_cli_{secrets.token_hex(6)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"postgres://postgres:postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production_env() -> dict[str, str]:
    """Production settings that pass every check (the database is never contacted by checks)."""
    return {
        "READINGS_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "readings.example.edu",
        "DATABASE_URL": "postgres://readings@127.0.0.1:5432/readings_checks_only",
    }


@pytest.fixture
def one_line_error() -> Callable[..., str]:
    """one_line_error(result, "fragment", …): exit 2, exactly one 'readings: …' line."""

    def check(result: subprocess.CompletedProcess, *fragments: str) -> str:
        assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("readings: ")
        for fragment in fragments:
            assert fragment in lines[0], lines[0]
        return lines[0]

    return check
