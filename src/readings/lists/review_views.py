"""The "Mark as reviewed" action: an instructor or editor vouches for a list before go-live."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from readings.core.exceptions import Conflict, InvalidInput
from readings.lists.access import access_list_by_id
from readings.lists.forms import VersionForm
from readings.lists.manage_views import conflict_response
from readings.lists.services import list_mark_reviewed


@login_required
@require_POST
def list_review(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access = access_list_by_id(request.user, list_id, for_edit=True)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors)
    back = reverse("lists:detail", args=[reading_list.pk])
    try:
        updated = list_mark_reviewed(
            list_id=reading_list.pk,
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as exc:
        return conflict_response(request, reading_list, exc, retry_url=back)
    message = _("List marked as reviewed on %(date)s.") % {
        "date": date_format(localtime(updated.reviewed_at), "DATETIME_FORMAT")
    }
    accept = request.headers.get("Accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JsonResponse(
            {
                "ok": True,
                "message": message,
                "version": updated.version,
                "reviewed_at": updated.reviewed_at.isoformat(),
            }
        )
    messages.success(request, message)
    return redirect(back)
