"""The checks' actions and the stakeholders' PDF report.

Same access as the dashboard (``readiness.access.plan_access``): administrators
of the institution and the plan's team; anyone else gets "not found".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from readings.core.exceptions import InvalidInput
from readings.discovery.backends import CatalogueUnavailable
from readings.readiness.access import plan_access
from readings.readiness.check_services import courses_verified_confirm, test_search
from readings.readiness.checks import readiness_snapshot, run_checks
from readings.readiness.production import production_stats
from readings.readiness.report_pdf import build_report_pdf


def _back() -> HttpResponse:
    return redirect(reverse("readiness:dashboard") + "#checks-heading")


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _done(request: HttpRequest, message: str, **data) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, **data})
    messages.success(request, message)
    return _back()


@require_POST
@login_required
def checks_run(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    results = run_checks(access.institution)
    passing = sum(1 for result in results if result.passed)
    message = _("Checks run: %(passing)s of %(total)s pass.") % {
        "passing": passing,
        "total": len(results),
    }
    return _done(request, message, checks={r.id: r.status for r in results})


@require_POST
@login_required
def courses_confirm(request: HttpRequest) -> HttpResponse:
    plan_access(request.user)
    try:
        load_id = int(request.POST.get("load", ""))
    except ValueError:
        raise InvalidInput({"load": [_("Choose the load whose report you reviewed.")]}) from None
    confirmation = courses_verified_confirm(
        user=request.user, load_id=load_id, note=request.POST.get("note", "")
    )
    run_checks(confirmation.institution)
    return _done(request, _("Thank you: the course data is confirmed."))


@require_POST
@login_required
def search_test(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    text = request.POST.get("q", "")[:300]
    try:
        found = test_search(user=request.user, text=text, source=request.POST.get("source"))
    except CatalogueUnavailable as exc:
        run_checks(access.institution)
        if _wants_json(request):
            raise
        messages.error(request, _("The catalogue did not answer: %(error)s") % {"error": exc})
        return _back()
    run_checks(access.institution)
    message = _("The test search found %(total)s record(s).") % {"total": found.total}
    return _done(request, message, total=found.total)


@never_cache
@require_safe
@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    snapshot = readiness_snapshot(access.institution)
    body = build_report_pdf(
        institution=access.institution,
        snapshot=snapshot,
        production=production_stats(access.institution),
        generated_at=timezone.now(),
    )
    response = HttpResponse(body, content_type="application/pdf")
    name = f"readiness-{access.institution.code}-{timezone.now():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
