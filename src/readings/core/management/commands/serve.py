"""Serve Readings with gunicorn, a production WSGI server."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def _port(value: str) -> int:
    import argparse

    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number from 1 to 65535")
    return port


def _positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number


def default_workers() -> int:
    """Half again as many sync workers as cores: a launch waits a little on the database.

    Measured on two cores (docs/benchmarks.md, LTI launches): 3 workers gave 6-10 %
    more launches a second than 4 on PostgreSQL, and 2 fewer than 3; more processes
    than that only add switching.
    """
    return max(2, (os.cpu_count() or 1) * 3 // 2)


class Command(BaseCommand):
    help = "Serve Readings over HTTP with gunicorn (production-grade WSGI)."
    # Checked in handle(), with the deployment checks in production mode.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=_port, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers",
            type=_positive,
            default=None,
            help="Worker processes (default: 1.5 x cores, at least 2).",
        )
        parser.add_argument("--threads", type=_positive, default=1, help="Threads per worker.")
        parser.add_argument("--access-log", action="store_true", help="Log each request.")
        worker = parser.add_mutually_exclusive_group()
        worker.add_argument(
            "--with-worker",
            dest="with_worker",
            action="store_true",
            default=None,
            help="Also run a background task worker (readings db_worker) as a child process: "
            "the default in development. Production runs 'readings db_worker' on its own.",
        )
        worker.add_argument(
            "--without-worker",
            dest="with_worker",
            action="store_false",
            help="Do not start a task worker (one runs elsewhere, or tasks can wait).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files (when the build already did).",
        )

    def handle(self, *args, **options) -> None:
        # Production refuses to start on insecure settings (readings.E00x, security.W0xx
        # are reported; errors stop it).
        self.check(
            display_num_errors=False,
            include_deployment_checks=settings.PRODUCTION,
            fail_level=checks.ERROR,
        )
        host, port = options["host"], options["port"]
        _require_free_port(host, port)
        _require_migrated()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        task_worker = _start_task_worker(options["with_worker"])
        # Workers are forked: none may inherit the master's database connection.
        connections.close_all()
        workers = options["workers"] or default_workers()
        display = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"Readings on http://{display}:{port}/ ({workers} workers); Ctrl-C stops it."
        )
        if task_worker is not None:
            self.stdout.write("Background tasks run in a task worker beside it (--without-worker).")
        self.stdout.flush()
        try:
            serve(
                bind=f"{display}:{port}",
                workers=workers,
                threads=options["threads"],
                access_log=options["access_log"],
            )
        finally:
            if task_worker is not None:
                _stop_task_worker(task_worker)


def _start_task_worker(wanted: bool | None) -> subprocess.Popen | None:
    """Run ``readings db_worker`` as a child, so uploads and syncs run without a second command.

    On by default in development only: production runs its workers as services of
    their own. Not needed when tasks run inline (READINGS_TASK_BACKEND).
    """
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if wanted is None:
        wanted = not settings.PRODUCTION
    if not wanted or not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    command = [sys.executable, "-m", "readings.config.cli", "db_worker", "--no-reload"]
    return subprocess.Popen(command)


def _stop_task_worker(worker: subprocess.Popen) -> None:
    # A terminal's Ctrl-C reaches the worker too; SIGTERM covers a server stopped alone.
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _require_migrated() -> None:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise CommandError(
            f"the database has {len(plan)} unapplied migration(s); run 'readings migrate' first."
        )


def _require_free_port(host: str, port: int) -> None:
    """Fail in one line now rather than after gunicorn's five retries."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CommandError(f"cannot listen on {host!r}: {exc.strerror}; check --host.") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As gunicorn does, so a port in TIME_WAIT from a previous run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use; stop the other server "
                    "or choose another --port."
                ) from exc
            raise CommandError(
                f"cannot listen on {host}:{port} ({exc.strerror}); check --host and --port."
            ) from exc


def serve(*, bind: str, workers: int, threads: int = 1, access_log: bool = False) -> None:
    from gunicorn.app.base import BaseApplication

    from readings.config.wsgi import application

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
            self.cfg.set("accesslog", "-" if access_log else None)
            self.cfg.set("timeout", 60)
            # The control socket defaults to one path per user: a second server
            # (or a test run beside a live one) would take over the first one's.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return application

    try:
        _Server().run()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise CommandError(
                f"the server on {bind} stopped with status {exc.code}; see the messages above."
            ) from exc
