"""WSGI entry point for gunicorn and other production servers.

Django's handler, with one shortcut in front: a reader's repeat visit to a list
whose page and facts have not changed is answered from a pass after a single
query (``readings.lists.reader_pass``); everything else goes through Django.
"""

import gc
import os
from collections.abc import Callable, Iterable
from typing import Any

import django
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")


class ReadingsHandler(WSGIHandler):
    def __init__(self) -> None:
        super().__init__()
        from readings.lists import reader_pass

        self._passes = reader_pass if reader_pass.enabled() else None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if self._passes is not None:
            probe = self._passes.probe(environ)
            if probe is not None:
                served = self._passes.serve(probe, start_response)
                if served is not None:
                    return served
        return super().__call__(environ, start_response)

    def get_response(self, request: HttpRequest) -> HttpResponse:
        probe = self._passes.probe(request.environ) if self._passes is not None else None
        if probe is None:
            return super().get_response(request)
        response = super().get_response(request)
        session = getattr(request, "session", None)
        self._passes.remember(probe, getattr(session, "loaded_data", None), response)
        return response


def _application() -> ReadingsHandler:
    django.setup(set_prefix=False)
    handler = ReadingsHandler()
    # What is loaded now (modules, settings, URL patterns, templates) lives as long
    # as the process: set it aside from the collector, which would walk it again on
    # every full collection, and, loaded before gunicorn forks, it stays shared
    # between the workers' memory (docs/benchmarks.md, session 6, for its effect).
    gc.freeze()
    return handler


application = _application()
