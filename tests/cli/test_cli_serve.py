"""`readings serve`: gunicorn answers HTTP, stops on SIGTERM, refuses unsafe starts."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from readings.config.env import PRODUCTION

# A guard against a hung server, not a performance expectation.
_START_GUARD_SECONDS = 60


def _wait_until_listening(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + _START_GUARD_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server never listened on port {port}:\n{log.read_text()}")


@pytest.mark.slow
def test_serve_answers_http_and_stops_cleanly_on_sigterm(
    migrated, free_port, tmp_path, readings_popen
):
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = readings_popen(
            *("serve", "--host", "127.0.0.1", "--port", str(free_port), "--workers", "1"),
            stdout=stdout,
            stderr=stderr,
        )
        try:
            _wait_until_listening(server, free_port, err)
            with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/accounts/login/") as page:
                status, body = page.status, page.read().decode()
            server.send_signal(signal.SIGTERM)
            returncode = server.wait(timeout=_START_GUARD_SECONDS)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()

    assert status == 200
    assert 'name="password"' in body
    assert returncode == 0, err.read_text()
    assert f"Readings on http://127.0.0.1:{free_port}/" in out.read_text()
    assert "Traceback" not in err.read_text()


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.mark.slow
def test_production_serve_sends_http_to_https_and_sets_hsts(
    migrated, free_port, tmp_path, readings_popen
):
    env = {
        "READINGS_MODE": PRODUCTION,
        "SECRET_KEY": "wQ8v-3kPz_Lr7NcYt2Hs9JfBm5XaGd1Ue4Ri6Oo0TyKqCjVnZlEx",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    err = tmp_path / "serve.err"
    with err.open("w") as stderr:
        server = readings_popen(
            *("serve", "--port", str(free_port), "--workers", "1"),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        try:
            _wait_until_listening(server, free_port, err)
            plain = _get(free_port, "/accounts/login/", {})
            proxied = _get(free_port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=_START_GUARD_SECONDS)

    status, headers, _ = plain
    assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{free_port}/accounts/login/")
    status, headers, body = proxied
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in headers["Set-Cookie"]
    # Hashed static names prove the production (manifest) storage was collected.
    assert re.search(r"/static/[^\"]+\.[0-9a-f]{12}\.(css|js)\"", body)
    assert "(readings.W001)" in err.read_text()


def test_serve_refuses_to_start_in_production_with_an_insecure_key(readings, migrated, free_port):
    env = {
        "READINGS_MODE": PRODUCTION,
        "SECRET_KEY": "insecure",
        "ALLOWED_HOSTS": "readings.example.edu",
    }

    result = readings("serve", "--port", str(free_port), "--workers", "1", env=env)

    assert result.returncode != 0
    assert "(readings.E001)" in result.stderr
    assert "Starting gunicorn" not in result.stderr


def test_serve_on_a_port_in_use_is_one_clear_line(readings, migrated):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = readings("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: port {port} on 127.0.0.1 is already in use; "
        "stop the other server or choose another --port."
    ]


def test_serve_refuses_an_unmigrated_database(readings, free_port):
    result = readings("serve", "--port", str(free_port), "--workers", "1")

    assert result.returncode != 0
    assert "run 'readings migrate' first" in result.stderr
    assert "Starting gunicorn" not in result.stderr


@pytest.mark.parametrize(("cores", "workers"), [(None, 2), (1, 2), (2, 3), (4, 6), (8, 12)])
def test_serve_starts_half_again_as_many_workers_as_cores(monkeypatch, cores, workers):
    from readings.core.management.commands import serve

    monkeypatch.setattr(serve.os, "cpu_count", lambda: cores)

    assert serve.default_workers() == workers
