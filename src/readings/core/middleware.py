"""Render domain errors as pages (or JSON) in one place, never as a 500."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from readings.core.exceptions import ApplicationError, InvalidInput

log = logging.getLogger("readings.errors")


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        log.info("%s %s -> %s %s", request.method, request.path, exc.status, exc.code)
        if _wants_json(request):
            body = {"error": exc.code, "message": exc.message}
            if isinstance(exc, InvalidInput):
                body["errors"] = exc.errors
            return JsonResponse(body, status=exc.status)
        response = TemplateResponse(request, "core/error.html", {"error": exc}, status=exc.status)
        return response.render()


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
