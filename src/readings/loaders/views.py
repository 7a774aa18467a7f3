"""The loads pages: upload a file, watch its load, read and download the report, history."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from readings.core.exceptions import InvalidInput
from readings.institutions.models import Institution
from readings.loaders import report_table, selectors, services, uploads
from readings.loaders.access import access_load_by_id, access_loads
from readings.loaders.forms import LoadForm, ProblemFilterForm

HISTORY_PAGE_SIZE = 25
PROBLEMS_PAGE_SIZE = 100


@require_safe
@login_required
def load_history(request: HttpRequest) -> HttpResponse:
    institution = access_loads(request.user)
    loads = selectors.load_history_rows(institution=institution)
    page = Paginator(loads, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "loaders/history.html", {"institution": institution, "page": page})


# CSRF is checked in _load_new, once the size-limiting upload handler is in place:
# the middleware would read the whole body first (Django's documented pattern).
@csrf_exempt
@login_required
def load_new(request: HttpRequest) -> HttpResponse:
    institution = access_loads(request.user)
    limit = uploads.SizeLimitedUpload(request, limit=uploads.max_upload_bytes())
    request.upload_handlers.insert(0, limit)
    return _load_new(request, institution, limit)


@csrf_protect
def _load_new(
    request: HttpRequest, institution: Institution, limit: uploads.SizeLimitedUpload
) -> HttpResponse:
    if request.method != "POST":
        return render(request, "loaders/new.html", {"form": LoadForm()})
    data, files = request.POST, request.FILES  # parsed by now at the latest: limit is known
    too_large = (
        uploads.too_large_message(limit.declared_size, limit.limit) if limit.exceeded else ""
    )
    form = LoadForm(data, files, too_large=too_large)
    if form.is_valid():
        try:
            load = services.load_submit(
                institution=institution,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                options=form.options(),
                acting_user=request.user,
            )
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("loaders:detail", load_id=load.pk)
    return render(request, "loaders/new.html", {"form": form}, status=400)


@never_cache
@require_safe
@login_required
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    load = access_load_by_id(request.user, load_id)
    filters = ProblemFilterForm(request.GET, columns=report_table.problem_columns(load.report))
    rows = report_table.problem_rows(load.report, **filters.filters())
    context = {
        "load": load,
        "progress": selectors.load_progress(load),
        "filters": filters,
        "filter_query": _filter_query(request),
        "problems": Paginator(rows, PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page")),
        "same_file": selectors.load_same_file_before(load),
    }
    return render(request, "loaders/detail.html", context)


@never_cache
@require_safe
@login_required
def load_progress(request: HttpRequest, load_id: int) -> JsonResponse:
    load = access_load_by_id(request.user, load_id, with_report=False)
    return JsonResponse(selectors.load_progress(load))


@require_safe
@login_required
def load_report_csv(request: HttpRequest, load_id: int) -> HttpResponse:
    """The problems as shown (same filters), as CSV that spreadsheets open safely."""
    load = access_load_by_id(request.user, load_id)
    filters = ProblemFilterForm(request.GET, columns=report_table.problem_columns(load.report))
    body = report_table.problems_csv(report_table.problem_rows(load.report, **filters.filters()))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="load-{load.pk}-report.csv"'
    return response


@require_safe
@login_required
def load_report_json(request: HttpRequest, load_id: int) -> HttpResponse:
    """The whole report, as ``readings load --report`` writes it."""
    load = access_load_by_id(request.user, load_id)
    body = json.dumps(load.report, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="load-{load.pk}-report.json"'
    return response


def _filter_query(request: HttpRequest) -> str:
    """The current filters as a query string, for the download and page links."""
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()
