"""Life in production: how the institution's Readings behaves, over 7 and 30 days.

Every figure comes from what the system records anyway: LTI launch records,
course and list loads, recorded catalogue searches, and the slow requests the
readiness middleware counts (``readiness.recording``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from readings.discovery.models import SearchRecord
from readings.institutions.models import Institution
from readings.loaders.models import Load, LoadStatus
from readings.lti.models import LaunchRecord, LaunchResult, LaunchStep
from readings.readiness.recording import slow_page_counts, slow_page_seconds

WINDOWS = (7, 30)
_FAILED_LOADS = (
    LoadStatus.REJECTED,
    LoadStatus.FAILED,
    LoadStatus.INTERRUPTED,
    LoadStatus.APPLIED_VALID,
)


@dataclass(frozen=True)
class Window:
    days: int
    launches: int
    launches_accepted: int
    launch_success_percent: float | None
    loads: int
    load_failures: int
    searches: int
    search_errors: int
    slow_pages: int


def production_stats(institution: Institution) -> dict:
    """{"windows": [Window for 7 and 30 days], "slow_page_seconds": threshold}."""
    now = timezone.now()
    return {
        "windows": [_window(institution, now, days) for days in WINDOWS],
        "slow_page_seconds": slow_page_seconds(),
    }


def _window(institution: Institution, now: datetime.datetime, days: int) -> Window:
    since = now - datetime.timedelta(days=days)
    launches = LaunchRecord.objects.filter(
        platform__institution=institution,
        platform__is_simulator=False,
        simulated=False,
        step=LaunchStep.LAUNCH,
        created_at__gte=since,
    ).aggregate(total=Count("pk"), accepted=Count("pk", filter=Q(result=LaunchResult.ACCEPTED)))
    loads = (
        Load.objects.filter(institution=institution, started_at__gte=since)
        .exclude(status__in=[LoadStatus.CHECKED, LoadStatus.QUEUED, LoadStatus.RUNNING])
        .aggregate(total=Count("pk"), failed=Count("pk", filter=Q(status__in=_FAILED_LOADS)))
    )
    searches = SearchRecord.objects.filter(
        institution=institution, created_at__gte=since
    ).aggregate(total=Count("pk"), errors=Count("pk", filter=~Q(error="")))
    total = launches["total"]
    return Window(
        days=days,
        launches=total,
        launches_accepted=launches["accepted"],
        launch_success_percent=round(100 * launches["accepted"] / total, 1) if total else None,
        loads=loads["total"],
        load_failures=loads["failed"],
        searches=searches["total"],
        search_errors=searches["errors"],
        slow_pages=slow_page_counts(institution_id=institution.pk, days=days),
    )
