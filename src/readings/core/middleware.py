"""Render domain errors as pages (or JSON) in one place, never as a 500."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from readings.core.exceptions import ApplicationError, InvalidInput

log = logging.getLogger("readings.errors")


def _titles() -> dict[int, str]:
    return {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Changed by someone else"),
    }


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        log.info("%s %s -> %s %s", request.method, request.path, exc.status, exc.code)
        errors = exc.errors if isinstance(exc, InvalidInput) else {}
        if _wants_json(request):
            body = {"error": exc.code, "message": exc.message}
            if errors:
                body["errors"] = errors
            return JsonResponse(body, status=exc.status)
        context = {
            "status": exc.status,
            "title": _titles().get(exc.status, _("Something needs fixing")),
            # Field errors are listed one by one below; the summary would repeat them.
            "message": "" if errors else exc.message,
            "errors": errors,
        }
        response = TemplateResponse(request, "core/error.html", context, status=exc.status)
        return response.render()


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
