"""Discovery pages: search the catalogue, and which lists cite a book (with JSON to call)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from readings.core.exceptions import InvalidInput, NotFound
from readings.discovery.selectors import catalogue_search_page, lists_citing

_IDENTIFIERS = ("isbn", "issn", "doi")


@require_GET
def cited_json(request: HttpRequest) -> JsonResponse:
    """GET ?isbn=…|issn=…|doi=… → {"lists": [...]}; only lists the caller may see."""
    try:
        found = lists_citing(request.user, **_identifiers(request))
    except InvalidInput as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    return JsonResponse({"lists": [asdict(item) for item in found]})


@require_GET
def cited_page(request: HttpRequest) -> HttpResponse:
    given = _identifiers(request)
    found, errors = None, {}
    if any(given.values()):
        try:
            found = lists_citing(request.user, **given)
        except InvalidInput as exc:
            errors = exc.errors
    fields = [(name, value, errors.get(name, [])) for name, value in given.items()]
    context = {"fields": fields, "found": found, "general_errors": errors.get("__all__", [])}
    return render(request, "discovery/cited.html", context, status=400 if errors else 200)


def _identifiers(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "")[:300] for name in _IDENTIFIERS}


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The signed-in person's institution's catalogue, a page of results at a time."""
    if request.user.institution is None:
        # Platform-wide superusers belong to no institution, so have no catalogue.
        raise NotFound("Only people of an institution can search its catalogue.")
    page = catalogue_search_page(
        institution=request.user.institution,
        text=request.GET.get("q", ""),
        page=request.GET.get("page"),
    )
    return render(request, "discovery/search.html", {"page": page})
