"""Writes behind the checks: a librarian's confirmation, and a recorded test search."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from readings.accounts.models import User
from readings.core.exceptions import Conflict, Forbidden, NotFound
from readings.discovery.backends import parse_query
from readings.discovery.recording import search_recorded
from readings.discovery.sru import SearchResult
from readings.loaders.models import APPLIED_STATUSES, Load, LoadKind
from readings.readiness.models import Confirmation

COURSES_VERIFIED = "courses_verified"


@transaction.atomic
def courses_verified_confirm(*, user: User, load_id: int, note: str = "") -> Confirmation:
    """A librarian vouches for the course data of an applied load after reading its report.

    Only the latest applied course load may be confirmed: confirming an older
    one would vouch for data a later load has changed.
    """
    if not user.is_library_staff:
        raise Forbidden(_("Only librarians and administrators confirm the course data."))
    loads = Load.objects.filter(institution_id=user.institution_id, kind=LoadKind.COURSES)
    load = loads.filter(pk=load_id).first()
    if load is None:
        raise NotFound(_("No such course load."))
    latest = loads.filter(status__in=APPLIED_STATUSES).order_by("-started_at", "-pk").first()
    if latest is None or latest.pk != load.pk:
        raise Conflict(
            _("A newer course load exists: review its report and confirm that one."),
            code="stale_load",
        )
    return Confirmation.objects.create(
        institution_id=user.institution_id,
        check_id=COURSES_VERIFIED,
        confirmed_by=user,
        note=note.strip()[:500],
        load=load,
    )


def test_search(*, user: User, text: str, source: str | None = None) -> SearchResult:
    """A recorded search run to prove the catalogue answers (raises when it cannot)."""
    return search_recorded(
        institution=user.institution,
        query=parse_query(text),
        text=" ".join(text.split())[:300],
        source=source or None,
        user=user,
        is_test=True,
    )
