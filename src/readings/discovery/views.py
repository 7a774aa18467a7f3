"""Discovery pages: search the catalogue, and which lists cite a book (with JSON to call)."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from readings.core.exceptions import InvalidInput, NotFound
from readings.discovery.selectors import (
    AddTarget,
    add_target,
    catalogue_search_page,
    lists_citing,
)
from readings.discovery.services import AlreadyInList, catalogue_record_add

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
    target = None
    if request.GET.get("list"):
        target = add_target(
            request.user, list_id=request.GET["list"], section_id=request.GET.get("section")
        )
    page = catalogue_search_page(
        institution=request.user.institution,
        text=request.GET.get("q", ""),
        page=request.GET.get("page"),
        user=request.user,
    )
    context = {"page": page, "target": target, "here": _search_query(request, target)}
    return render(request, "discovery/search.html", context)


@login_required
@require_POST
def add_to_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """Cite a catalogue record in a section of the list; warn first if the list already has it."""
    if request.user.institution is None:
        raise NotFound("No such reading list.")
    target = add_target(request.user, list_id=list_id, section_id=request.POST.get("section"))
    try:
        added = catalogue_record_add(
            section=target.section,
            record_id=request.POST.get("record_id", "")[:100],
            allow_duplicate=request.POST.get("allow_duplicate") == "1",
            expected_version=_version(request.POST.get("version")),
        )
    except AlreadyInList as exc:
        return _already_in_list(request, target, exc)
    message = _("Added to %(section)s: %(title)s") % {
        "section": target.section.name,
        "title": added.citation.title,
    }
    if _wants_json(request):
        return JsonResponse(
            {
                "citation_id": added.citation.pk,
                "created": added.created,
                "list_version": added.list_version,
                "message": message,
            }
        )
    messages.success(request, message)
    return HttpResponseRedirect(_search_url(request.POST, target))


def _already_in_list(request: HttpRequest, target: AddTarget, exc: AlreadyInList) -> HttpResponse:
    if _wants_json(request):
        copies = [asdict(copy) for copy in exc.copies]
        body = {"error": exc.code, "message": exc.message, "copies": copies}
        return JsonResponse(body, status=exc.status)
    context = {
        "target": target,
        "copies": exc.copies,
        "record_id": request.POST.get("record_id", "")[:100],
        "version": target.reading_list.version,
        "back": _search_url(request.POST, target),
        "q": request.POST.get("q", "")[:300],
        "page": request.POST.get("page", "")[:10],
    }
    return render(request, "discovery/already_in_list.html", context, status=exc.status)


def _search_query(request: HttpRequest, target: AddTarget | None) -> str:
    """The search's own parameters, for the pager links, with the target list kept."""
    params = {"q": " ".join(request.GET.get("q", "").split())[:300]}
    if target is not None:
        params |= {"list": target.reading_list.pk, "section": target.section.pk}
    return urlencode(params)


def _search_url(data, target: AddTarget) -> str:
    """Back to the results the person added from (built here, so never an outside address)."""
    params = {"q": data.get("q", "")[:300], "list": target.reading_list.pk}
    params["section"] = target.section.pk
    if data.get("page", "").isdigit():
        params["page"] = data["page"]
    return f"{reverse('discovery:search')}?{urlencode(params)}"


def _version(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
