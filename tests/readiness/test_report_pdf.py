"""The stakeholders' PDF report and the checks' actions: who may use them, and what they hold."""

from __future__ import annotations

import datetime
import re
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from readings.institutions.selectors import institution_today
from readings.loaders.models import Load, LoadKind, LoadStatus
from readings.readiness.models import CheckState, Confirmation, TeamRole
from readings.readiness.services import plan_create_or_redate, team_member_add


@pytest.fixture
def plan(institution):
    day = institution_today(institution) + datetime.timedelta(weeks=10)
    return plan_create_or_redate(institution=institution, go_live_date=day, by=None).plan


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_downloads_the_readiness_report_as_a_pdf(institution, plan, make_user):
    response = signed_in(make_user("admin", roles=["administrator"])).get("/readiness/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-")
    assert len(body) > 2000


def test_the_report_names_the_go_live_date_the_checks_and_the_verdict(institution, plan, tmp_path):
    from readings.readiness.checks import readiness_snapshot
    from readings.readiness.production import production_stats
    from readings.readiness.report_pdf import build_report_pdf

    # Without DejaVu the text is in Helvetica, stored as plain strings we can read back.
    body = build_report_pdf(
        institution=institution,
        snapshot=readiness_snapshot(institution),
        production=production_stats(institution),
        generated_at=datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC),
        font_dir=tmp_path,
    )
    text = _pdf_text(body)
    assert f"Go-live date: {plan.go_live_date.isoformat()}" in text
    assert "[FAIL] Courses loaded" in text
    assert "No course load has been applied yet." in text
    assert "Not ready for go-live yet." in text
    assert "Life in production" in text


def _pdf_text(body: bytes) -> str:
    """The literal strings of the PDF's page streams (Helvetica text shows as '(...) Tj')."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    strings = re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", b"\n".join(chunks), re.DOTALL)
    return "\n".join(s.decode("latin-1").replace("\\(", "(").replace("\\)", ")") for s in strings)


def test_a_team_member_may_download_it_and_run_the_checks(institution, plan, make_user):
    member = make_user("pm")
    team_member_add(plan=plan, user=member, role=TeamRole.PROJECT_MANAGER, by=None)
    client = signed_in(member)
    assert client.get("/readiness/report.pdf").status_code == 200
    response = client.post("/readiness/checks/run/")
    assert response.status_code == 302
    assert CheckState.objects.filter(institution=institution).count() == 12


@pytest.mark.parametrize("roles", [["instructor"], ["student"], ["librarian"]])
def test_people_outside_the_team_get_not_found(institution, plan, make_user, roles):
    client = signed_in(make_user("someone", roles=roles))
    assert client.get("/readiness/report.pdf").status_code == 404
    assert client.post("/readiness/checks/run/").status_code == 404
    assert client.post("/readiness/checks/test-search/", {"q": "x"}).status_code == 404


def test_a_load_of_another_institution_cannot_be_confirmed(
    institution, other_institution, plan, make_user
):
    load = _course_load(institution)
    outsider = make_user("admin2", roles=["administrator", "librarian"], inst=other_institution)
    response = signed_in(outsider).post("/readiness/checks/courses-verified/", {"load": load.pk})
    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_only_the_latest_applied_load_can_be_confirmed(institution, plan, make_user):
    older = _course_load(institution, days_ago=2)
    _course_load(institution, days_ago=1)
    client = signed_in(make_user("libby", roles=["librarian", "administrator"]))
    response = client.post("/readiness/checks/courses-verified/", {"load": older.pk})
    assert response.status_code == 409
    assert not Confirmation.objects.exists()


def _course_load(institution, *, days_ago: int = 1) -> Load:
    return Load.objects.create(
        institution=institution,
        kind=LoadKind.COURSES,
        status=LoadStatus.APPLIED,
        started_at=timezone.now() - datetime.timedelta(days=days_ago),
        file_name="courses.tsv",
        sha256="0" * 64,
    )


def test_signed_out_people_are_sent_to_sign_in(plan):
    response = Client().get("/readiness/report.pdf")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_team_member_who_is_not_library_staff_cannot_confirm_the_course_data(
    institution, plan, make_user
):
    member = make_user("sponsor")
    team_member_add(plan=plan, user=member, role=TeamRole.SPONSOR, by=None)
    response = signed_in(member).post("/readiness/checks/courses-verified/", {"load": 1})
    assert response.status_code == 403


def test_the_run_action_answers_a_fetch_with_json(institution, plan, make_user):
    client = signed_in(make_user("admin", roles=["administrator"]))
    response = client.post("/readiness/checks/run/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["checks"]["courses_loaded"] == "fail"


def test_the_dashboard_shows_each_check_with_its_evidence_and_actions(institution, plan, make_user):
    client = signed_in(make_user("admin", roles=["administrator"]))
    html = client.get("/readiness/").content.decode()
    assert 'id="check-courses_loaded"' in html
    assert "No course load has been applied yet." in html
    assert "Run the checks now" in html
    assert "Run a test search" in html
    assert 'href="/readiness/report.pdf"' in html
    assert "Life in production" in html
