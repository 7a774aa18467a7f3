"""Life in production: launch success, load failures, discovery errors, slow pages (7, 30 days)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from readings.discovery.models import SearchRecord
from readings.loaders.models import Load, LoadKind, LoadStatus
from readings.lti.models import LaunchRecord, LaunchResult, LaunchStep, Platform
from readings.readiness.production import production_stats
from readings.readiness.recording import slow_page_count


def windows(institution) -> dict[int, object]:
    return {window.days: window for window in production_stats(institution)["windows"]}


@pytest.fixture
def platform(institution):
    return Platform.objects.create(
        institution=institution,
        name="LMS",
        issuer="https://lms.example.edu",
        client_id="c1",
        auth_login_url="https://lms.example.edu/auth",
        keyset_url="https://lms.example.edu/jwks",
    )


def launch(platform, n: int, result: str, days_ago: int, *, simulated: bool = False) -> None:
    LaunchRecord.objects.create(
        reference=f"R{n:09d}",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        step=LaunchStep.LAUNCH,
        result=result,
        platform=platform,
        simulated=simulated,
    )


def test_a_fresh_institution_has_no_launches_and_nothing_failing(institution):
    week = windows(institution)[7]
    assert week.launch_success_percent is None
    assert (week.load_failures, week.search_errors, week.slow_pages) == (0, 0, 0)


def test_launch_success_rate_over_7_and_30_days_leaves_out_the_simulator(institution, platform):
    launch(platform, 1, LaunchResult.ACCEPTED, 1)
    launch(platform, 2, LaunchResult.ACCEPTED, 2)
    launch(platform, 3, LaunchResult.REFUSED, 3)
    launch(platform, 4, LaunchResult.REFUSED, 20)
    launch(platform, 5, LaunchResult.REFUSED, 1, simulated=True)
    launch(platform, 6, LaunchResult.REFUSED, 45)
    found = windows(institution)
    assert (found[7].launches, found[7].launches_accepted) == (3, 2)
    assert found[7].launch_success_percent == 66.7
    assert (found[30].launches, found[30].launch_success_percent) == (4, 50.0)


def test_failed_loads_and_discovery_errors_are_counted(institution):
    now = timezone.now()
    for status, days in (
        (LoadStatus.APPLIED, 1),
        (LoadStatus.FAILED, 2),
        (LoadStatus.REJECTED, 10),
        (LoadStatus.CHECKED, 1),
    ):
        Load.objects.create(
            institution=institution,
            kind=LoadKind.COURSES,
            status=status,
            started_at=now - datetime.timedelta(days=days),
            file_name="c.tsv",
            sha256="0" * 64,
        )
    for error, days in (("", 1), ("timed out", 1), ("refused", 12)):
        SearchRecord.objects.create(
            institution=institution,
            created_at=now - datetime.timedelta(days=days),
            source="library",
            query="x",
            error=error,
        )
    found = windows(institution)
    assert (found[7].loads, found[7].load_failures) == (2, 1)
    assert (found[30].loads, found[30].load_failures) == (3, 2)
    assert (found[7].searches, found[7].search_errors) == (2, 1)
    assert found[30].search_errors == 2


@override_settings(READINGS_SLOW_PAGE_SECONDS=0)
def test_pages_slower_than_the_threshold_are_counted_for_the_institution(institution, make_user):
    client = Client()
    client.force_login(make_user("ann", roles=["instructor"]))
    client.get("/accounts/login/")
    client.get("/accounts/login/")
    assert windows(institution)[7].slow_pages == 2


def test_slow_pages_of_earlier_days_fall_out_of_the_7_day_window(institution):
    today = timezone.now().date()
    slow_page_count(institution_id=institution.pk, day=today - datetime.timedelta(days=10))
    slow_page_count(institution_id=institution.pk, day=today)
    found = windows(institution)
    assert (found[7].slow_pages, found[30].slow_pages) == (1, 2)


def test_the_panel_renders_every_measure(institution):
    from django.template.loader import render_to_string

    html = render_to_string(
        "readiness/_production.html", {"production": production_stats(institution)}
    )
    for text in ("LTI launch success rate", "Failed loads", "Discovery errors", "Slow pages"):
        assert text in html
