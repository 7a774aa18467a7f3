"""Serve Readings with gunicorn, a production WSGI server."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Readings over HTTP with gunicorn (production-grade WSGI)."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None, help="Worker processes (default: 2 x cores)."
        )
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--access-log", action="store_true", help="Log each request.")

    def handle(self, *args, **options) -> None:
        # Production refuses to start on insecure settings (readings.E00x).
        call_command("check", deploy=settings.PRODUCTION, fail_level="ERROR")
        if not settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = options["workers"] or max(2, (os.cpu_count() or 1) * 2)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Readings on http://{bind}/ ({workers} workers); Ctrl-C stops it.")
        serve(
            bind=bind, workers=workers, threads=options["threads"], access_log=options["access_log"]
        )


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

        def load(self):
            return application

    try:
        _Server().run()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise CommandError(f"the server stopped (is port {bind} already in use?)") from exc
