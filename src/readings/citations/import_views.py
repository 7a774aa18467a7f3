"""Adding citations by identifier (a JSON endpoint for the editor) and by importing files.

Importing is upload → preview → confirm → result, each a plain form POST and
redirect, so it works without JavaScript; the preview stays in the session
between the steps so the files are sent once.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from readings.citations import importing
from readings.citations.resolvers import lookup
from readings.core.exceptions import InvalidInput, NotFound
from readings.lists.access import access_list_by_id
from readings.lists.models import ReadingList, Section
from readings.loaders.uploads import SizeLimitedUpload

_RESULTS_KEY = "citation_import_results"


@login_required
@require_POST
def identify(request: HttpRequest, list_id: int) -> JsonResponse:
    """Look up a pasted DOI, ISBN, PMID or web address; answer the fields to fill in."""
    access_list_by_id(request.user, list_id, for_edit=True)
    resolution = lookup(request.POST.get("identifier", ""))
    return JsonResponse(
        {
            "fields": resolution.fields,
            "source": resolution.source,
            "identifier": {
                "kind": resolution.identifier.kind,
                "value": resolution.identifier.value,
            },
        }
    )


# CSRF is checked in _upload, once the size-limiting upload handler is in place:
# the middleware would otherwise read the whole body first (Django's documented pattern).
@csrf_exempt
@never_cache
@login_required
def upload(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    limit = SizeLimitedUpload(request, limit=importing.MAX_FILE_BYTES)
    request.upload_handlers.insert(0, limit)
    return _upload(request, reading_list, limit)


@csrf_protect
def _upload(request: HttpRequest, reading_list: ReadingList, limit: SizeLimitedUpload):
    sections = list(reading_list.sections.order_by("position"))
    chosen = _section_id(request.POST.get("section") or request.GET.get("section"), sections)
    errors: list[str] = []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if limit.exceeded:
            errors.append(_too_large_message())
        else:
            try:
                preview = importing.parse_uploads(
                    [importing.Upload(f.name, f.read()) for f in files],
                    list_id=reading_list.pk,
                    section_id=chosen,
                )
            except InvalidInput as exc:
                errors.extend(m for messages in exc.errors.values() for m in messages)
            else:
                importing.stash_preview(request.session, preview)
                return redirect("imports:preview", list_id=reading_list.pk, token=preview.token)
    context = {
        "list": reading_list,
        "sections": sections,
        "chosen": chosen,
        "errors": errors,
        "max_files": importing.MAX_FILES,
        "max_mb": importing.MAX_FILE_BYTES // (1024 * 1024),
        "max_entries": importing.MAX_ENTRIES,
    }
    return render(request, "citations/import_upload.html", context, status=400 if errors else 200)


@never_cache
@login_required
def preview(request: HttpRequest, list_id: int, token: str) -> HttpResponse:
    """Show what the files hold (GET), or add the chosen entries (POST)."""
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    if request.method == "POST" and _already_done(request, token):
        # A second click on "Import", or the form sent again: nothing is added twice.
        return redirect("imports:done", list_id=list_id, token=token)
    stored = importing.load_preview(request.session, token, list_id=reading_list.pk)
    sections = list(reading_list.sections.order_by("position"))
    if request.method == "POST":
        return _confirm(request, reading_list, stored, sections)
    context = {
        "list": reading_list,
        "preview": stored,
        "sections": sections,
        "chosen": _section_id(str(stored.section_id or ""), sections),
    }
    return render(request, "citations/import_preview.html", context)


def _confirm(
    request: HttpRequest,
    reading_list: ReadingList,
    stored: importing.Preview,
    sections: list[Section],
) -> HttpResponse:
    section_id = _section_id(request.POST.get("section"), sections, default=False)
    if section_id is None:
        raise InvalidInput({"section": [_("Choose the section to add the entries to.")]})
    section = next(s for s in sections if s.pk == section_id)
    selected = {int(k) for k in request.POST.getlist("entry") if k.isdigit()}
    chosen = [e for e in stored.entries if e.ok and e.key in selected]
    left_out = [e for e in stored.entries if e.ok and e.key not in selected]
    # Once only, even for two confirms racing each other (the session is saved after both).
    key = _done_key(token=stored.token)
    if not cache.add(key, True, importing.PREVIEW_LIFETIME_SECONDS):
        return redirect("imports:done", list_id=reading_list.pk, token=stored.token)
    try:
        outcome = importing.import_entries(section=section, entries=chosen)
    except Exception:
        cache.delete(key)
        raise
    results = dict(request.session.get(_RESULTS_KEY) or {})
    results = dict(list(results.items())[-(importing.MAX_PREVIEWS_PER_SESSION - 1) :])
    results[stored.token] = {
        "list_id": reading_list.pk,
        "section": section.name,
        "imported": len(outcome.created),
        "broken": [
            {"file": e.file, "number": e.number, "title": e.title, "error": e.error}
            for e in [*stored.broken, *outcome.skipped]
        ],
        "left_out": len(left_out),
    }
    request.session[_RESULTS_KEY] = results
    importing.drop_preview(request.session, stored.token)
    return redirect("imports:done", list_id=reading_list.pk, token=stored.token)


@never_cache
@login_required
def done(request: HttpRequest, list_id: int, token: str) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    result = (request.session.get(_RESULTS_KEY) or {}).get(token)
    if not result or result.get("list_id") != reading_list.pk:
        raise NotFound(_("This import's result is no longer available."))
    context = {
        "list": reading_list,
        "result": result,
        "skipped": len(result["broken"]) + result["left_out"],
        "list_url": reverse("lists:detail", args=[reading_list.pk]),
    }
    return render(request, "citations/import_done.html", context)


def _section_id(value: str | None, sections: list[Section], *, default: bool = True) -> int | None:
    ids = [s.pk for s in sections]
    if value and str(value).isdigit() and int(value) in ids:
        return int(value)
    # The last section is where "add at the end" usually means.
    return ids[-1] if default and ids else None


def _done_key(*, token: str) -> str:
    return f"imports:done:{token}"


def _already_done(request: HttpRequest, token: str) -> bool:
    return token in (request.session.get(_RESULTS_KEY) or {})


def _too_large_message() -> str:
    return _("One of the files is larger than %(mb)s MB; split it and import the parts.") % {
        "mb": importing.MAX_FILE_BYTES // (1024 * 1024)
    }
