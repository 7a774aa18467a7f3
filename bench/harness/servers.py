"""Start the processes a benchmark measures, wait until they answer, always stop them.

Every process starts in its own session so that stopping it also stops its
children (gunicorn's and nginx's workers); a context manager does the stopping,
so an error or Ctrl-C never leaves a server behind.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.harness import BenchError

REPO = Path(__file__).resolve().parents[2]
_STOP_GRACE = 15.0


@dataclass(frozen=True)
class StaticServer:
    url: str
    process: subprocess.Popen


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@contextmanager
def workdir(*, keep: bool = False) -> Iterator[Path]:
    """A fresh temporary directory for one run's data, logs and configs."""
    path = Path(tempfile.mkdtemp(prefix="readings-bench-"))
    # nginx's workers drop to an unprivileged user and must reach the page.
    path.chmod(0o755)
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_step(
    argv: Sequence[str], *, env: Mapping[str, str], timeout: float = 600, what: str = ""
) -> str:
    """Run a set-up command to completion; return its stdout or fail with its output."""
    try:
        done = subprocess.run(
            list(argv), env=dict(env), cwd=REPO, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what or argv[0]} took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise BenchError(f"{what or argv[0]} failed (exit {done.returncode}):\n" + "\n".join(tail))
    return done.stdout


@contextmanager
def service(
    name: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    port: int,
    logs: Path,
    ready_path: str = "/",
    timeout: float = 60,
) -> Iterator[subprocess.Popen]:
    """Start a server, wait until it answers HTTP on 127.0.0.1:``port``, stop it on exit."""
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_ready(name, process, port, ready_path, timeout, log_path)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop the process and everything it started (its process group)."""
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait(timeout=_STOP_GRACE)


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # the group led by our child, nothing else


def _wait_until_ready(
    name: str, process: subprocess.Popen, port: int, path: str, timeout: float, log_path: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
            raise BenchError(f"{name} exited with {process.returncode}:\n" + "\n".join(tail))
        try:
            get(port, path, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"{name} did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


def get(port: int, path: str, *, headers: Mapping[str, str] | None = None, timeout=10) -> Response:
    """One GET to 127.0.0.1 (the only address benchmarks load)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        response = conn.getresponse()
        return Response(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


_NGINX_CONF = """\
daemon off;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/nginx-tmp/body;
    proxy_temp_path {dir}/nginx-tmp/proxy;
    fastcgi_temp_path {dir}/nginx-tmp/fastcgi;
    uwsgi_temp_path {dir}/nginx-tmp/uwsgi;
    scgi_temp_path {dir}/nginx-tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ }}
    default_type "{content_type}";
    server {{
        listen 127.0.0.1:{port};
        root {dir}/static;
    }}
}}
"""


@contextmanager
def static_server(
    body: bytes, *, logs: Path, content_type: str = "text/html; charset=utf-8", workers: int = 2
) -> Iterator[StaticServer]:
    """Serve ``body`` with nginx on a free port, at the URL it yields."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise BenchError("nginx is not installed; run: bash bench/setup")
    (logs / "static").mkdir()
    (logs / "nginx-tmp").mkdir()
    (logs / "static" / "page.html").write_bytes(body)
    port = free_port()
    conf = logs / "nginx.conf"
    conf.write_text(
        _NGINX_CONF.format(dir=logs, port=port, workers=workers, content_type=content_type)
    )
    # -e: nginx opens its error log before reading the config; keep it in the run's dir.
    argv = [nginx, "-p", str(logs), "-e", str(logs / "nginx-error.log"), "-c", str(conf)]
    with service(
        "nginx", argv, env=os.environ, port=port, logs=logs, ready_path="/page.html"
    ) as process:
        yield StaticServer(f"http://127.0.0.1:{port}/page.html", process)
