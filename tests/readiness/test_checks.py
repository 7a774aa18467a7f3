"""Each automatic check is red on a fresh institution and turns green through the real mechanism."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.core import checks as django_checks
from django.test import Client, override_settings
from django.utils import timezone

from readings.courses.models import Course
from readings.courses.services import course_enroll
from readings.institutions.selectors import institution_today
from readings.institutions.services import term_create
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create
from readings.loaders.course_rows import COLUMNS
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load
from readings.readiness.checks import CHECK_IDS, ready_for_go_live, run_checks
from readings.readiness.models import CheckState, Confirmation, Task, TaskStatus
from readings.readiness.services import plan_create_or_redate


def results(institution) -> dict:
    return {result.id: result for result in run_checks(institution)}


def course_row(code: str, term: str = "GO", **cells: str) -> str:
    values = {
        "COURSE_CODE": code,
        "SECTION_ID": "1",
        "COURSE_TITLE": f"Course {code}",
        "PROC_DEPT": "MAIN",
        "TERM1": term,
        "START_DATE": "2027-01-11",
        "END_DATE": "2027-04-30",
        **cells,
    }
    return "\t".join(values.get(column, "") for column in COLUMNS)


@pytest.fixture
def load_courses(institution, tmp_path):
    counter = {"n": 0}

    def load(lines: list[str]):
        counter["n"] += 1
        path = Path(tmp_path) / f"courses-{counter['n']}.tsv"
        path.write_text("\n".join(["\t".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
        return courses_load(institution=institution, path=path, options=LoadOptions())

    return load


@pytest.fixture
def go_live(institution):
    """A plan whose go-live date starts the term GO, eight weeks from today."""
    day = institution_today(institution) + datetime.timedelta(weeks=8)
    term_create(
        institution=institution,
        code="GO",
        name="Go-live term",
        start_date=day,
        end_date=day + datetime.timedelta(weeks=14),
    )
    return plan_create_or_redate(institution=institution, go_live_date=day, by=None).plan


def test_every_check_is_red_on_a_fresh_institution(institution):
    found = run_checks(institution)
    assert [r.id for r in found] == list(CHECK_IDS)
    assert {r.id: r.status for r in found} == {check_id: "fail" for check_id in CHECK_IDS}
    assert all(r.explanation for r in found)
    assert not ready_for_go_live(found)


def test_each_run_is_recorded_with_when_the_check_last_held(institution, go_live, load_courses):
    load_courses([course_row("HIST101")])
    run_checks(institution)
    state = CheckState.objects.get(institution=institution, check_id="courses_loaded")
    assert state.status == "pass"
    passed_at = state.last_passed_at
    assert passed_at is not None
    load_courses([course_row("HIST102", START_DATE="not a date")])
    run_checks(institution)
    state.refresh_from_db()
    assert state.status == "fail"
    assert state.checked_at > passed_at
    assert state.last_passed_at == passed_at


def test_a_dry_run_result_is_not_recorded_without_record(institution):
    run_checks(institution, record=False)
    assert not CheckState.objects.exists()


def test_courses_loaded_turns_green_after_a_clean_load_and_red_after_a_failed_one(
    institution, go_live, load_courses
):
    assert results(institution)["courses_loaded"].status == "fail"
    first = load_courses([course_row("HIST101"), course_row("HIST102")])
    assert first.status == "applied"
    check = results(institution)["courses_loaded"]
    assert check.status == "pass"
    assert check.evidence["courses"] == 2
    assert check.evidence["term"]["code"] == "GO"
    assert check.evidence["last_load"]["id"] == first.pk

    failed = load_courses([course_row("HIST103", START_DATE="31/31/2027")])
    assert failed.status == "rejected"
    check = results(institution)["courses_loaded"]
    assert check.status == "fail"
    assert check.evidence["last_load"]["id"] == failed.pk
    assert "error" in check.explanation


def test_courses_of_another_term_do_not_make_courses_loaded_green(
    institution, go_live, load_courses
):
    load_courses([course_row("HIST101", term="LATER")])
    check = results(institution)["courses_loaded"]
    assert check.status == "fail"
    assert check.evidence["courses"] == 0


def test_courses_verified_waits_for_a_librarian_and_a_new_failing_load_makes_it_stale(
    institution, go_live, load_courses, make_user
):
    assert results(institution)["courses_verified"].status == "fail"
    load = load_courses([course_row("HIST101")])
    assert results(institution)["courses_verified"].status == "manual"

    librarian = Client()
    librarian.force_login(make_user("libby", roles=["librarian", "administrator"]))
    response = librarian.post("/readiness/checks/courses-verified/", {"load": load.pk})
    assert response.status_code == 302
    confirmation = Confirmation.objects.get()
    assert confirmation.load == load
    assert confirmation.confirmed_by.username == "libby"
    assert results(institution)["courses_verified"].status == "pass"

    load_courses([course_row("HIST104", START_DATE="garbage")])
    check = results(institution)["courses_verified"]
    assert check.status == "fail"
    assert "newer" in check.explanation


def test_a_new_applied_load_needs_confirming_again(institution, go_live, load_courses, make_user):
    first = load_courses([course_row("HIST101")])
    Confirmation.objects.create(
        institution=institution,
        check_id="courses_verified",
        confirmed_by=make_user(roles=["librarian"]),
        load=first,
    )
    assert results(institution)["courses_verified"].status == "pass"
    load_courses([course_row("HIST105")])
    assert results(institution)["courses_verified"].status == "manual"


def test_lists_ready_compares_published_lists_with_the_plans_target(
    institution, go_live, load_courses
):
    load_courses([course_row("HIST101"), course_row("HIST102")])
    go_live.lists_target_percent = 50
    go_live.save()
    courses = list(Course.objects.order_by("code"))
    list_create(institution=institution, name="Draft", courses=[courses[0]])
    check = results(institution)["lists_ready"]
    assert check.status == "fail"
    assert check.evidence["with_published_list"] == 0
    list_create(
        institution=institution,
        name="Published",
        courses=[courses[1]],
        publication_status=PublicationStatus.PUBLISHED,
    )
    check = results(institution)["lists_ready"]
    assert check.status == "pass"
    assert check.evidence["percent"] == 50.0


def test_lists_reviewed_counts_lists_an_instructor_marked_reviewed(
    institution, go_live, load_courses, make_user
):
    load_courses([course_row("HIST101")])
    published = list_create(
        institution=institution,
        name="Readings",
        courses=[Course.objects.get()],
        publication_status=PublicationStatus.PUBLISHED,
    )
    assert results(institution)["lists_reviewed"].status == "fail"
    # A librarian's review is not an instructor's.
    librarian = Client()
    librarian.force_login(make_user("libby", roles=["librarian"]))
    response = librarian.post(f"/lists/{published.pk}/review/", {"version": published.version})
    assert response.status_code == 302
    assert results(institution)["lists_reviewed"].status == "fail"

    published.refresh_from_db()
    instructor = Client()
    ian = make_user("ian", roles=["instructor"])
    course_enroll(course=Course.objects.get(), user=ian, role="instructor")
    instructor.force_login(ian)
    page = instructor.get(f"/lists/{published.pk}/")
    assert "Mark as reviewed" in page.content.decode()
    response = instructor.post(f"/lists/{published.pk}/review/", {"version": published.version})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.reviewed_by.username == "ian"
    assert results(institution)["lists_reviewed"].status == "pass"


def test_marking_a_list_reviewed_with_a_stale_version_is_refused(institution, make_user):
    reading_list = list_create(institution=institution, name="Readings")
    client = Client()
    client.force_login(make_user("admin", roles=["administrator"]))
    response = client.post(
        f"/lists/{reading_list.pk}/review/", {"version": reading_list.version + 5}
    )
    assert response.status_code == 409
    reading_list.refresh_from_db()
    assert reading_list.reviewed_at is None


def test_a_student_cannot_mark_a_list_reviewed(institution, make_user):
    reading_list = list_create(
        institution=institution,
        name="Readings",
        publication_status=PublicationStatus.PUBLISHED,
        visibility="INSTITUTION",
    )
    client = Client()
    client.force_login(make_user("stu", roles=["student"]))
    response = client.post(f"/lists/{reading_list.pk}/review/", {"version": reading_list.version})
    assert response.status_code == 403


def test_authentication_needs_a_method_and_a_recorded_sign_in(institution, make_user, client):
    make_user("alice", roles=["instructor"])
    check = results(institution)["authentication"]
    assert check.status == "fail"
    assert check.evidence["methods"] == ["password"]
    assert client.login(username="alice", password="correct-horse-battery")
    check = results(institution)["authentication"]
    assert check.status == "pass"
    assert check.evidence["last_sign_in_at"]


@override_settings(ALLOWED_HOSTS=["readings.uni.example", "testserver"])
def test_domain_needs_the_institutions_host_configured_and_seen(institution, make_user):
    assert results(institution)["domain"].status == "fail"
    institution.settings = {**institution.settings, "host": "readings.uni.example"}
    institution.save()
    check = results(institution)["domain"]
    assert check.status == "fail"
    assert "No request" in check.explanation
    Client().get("/accounts/login/", HTTP_HOST="readings.uni.example")
    check = results(institution)["domain"]
    assert check.status == "pass"
    assert check.evidence["seen"][0]["host"] == "readings.uni.example"


def test_production_settings_are_red_in_development(institution):
    check = results(institution)["production_settings"]
    assert check.status == "fail"
    assert check.evidence["production_mode"] is False
    assert check.evidence["deploy_check_issues"]


@override_settings(
    PRODUCTION=True,
    DEBUG=False,
    SECRET_KEY="x7#Qv9!pL2@rT5$wZ8^mN3&bK6*hJ1(dF4)gS0_aE-yU+iO=cV[",
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    READINGS_BASE_URL="https://readings.uni.example",
    ALLOWED_HOSTS=["readings.uni.example"],
    LTI_SIMULATOR=False,
    # The tests may run on SQLite, which production warns about unless told it is deliberate.
    SILENCED_SYSTEM_CHECKS=["readings.W001"],
)
def test_production_settings_turn_green_with_production_https_and_a_real_secret(
    institution, monkeypatch
):
    run_system_checks = django_checks.run_checks

    def without_the_test_flag(*args, **kwargs):
        # Playwright's event loop (browser tests) needs this flag in the test process, for
        # database access too; a deployment never has it, so hide it from the checks only.
        flag = os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        try:
            return run_system_checks(*args, **kwargs)
        finally:
            if flag is not None:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = flag

    monkeypatch.setattr(django_checks, "run_checks", without_the_test_flag)
    check = results(institution)["production_settings"]
    assert check.evidence["deploy_check_issues"] == []
    assert check.status == "pass", check.explanation


def test_a_task_marked_not_applicable_waives_its_check(institution, go_live):
    Task.objects.filter(plan=go_live, check_id="domain").update(status=TaskStatus.NOT_APPLICABLE)
    check = results(institution)["domain"]
    assert check.status == "not_applicable"
    assert check.required is False


def test_go_live_waits_for_the_date_then_needs_a_real_instructor_and_student(
    institution, make_user, client
):
    plan = plan_create_or_redate(
        institution=institution,
        go_live_date=institution_today(institution) + datetime.timedelta(days=3),
        by=None,
    ).plan
    check = results(institution)["go_live"]
    assert check.status == "fail"
    assert check.evidence["days_to_go_live"] == 3
    assert check.required is False

    plan.go_live_date = institution_today(institution)
    plan.save()
    make_user("ian", roles=["instructor"])
    make_user("stu", roles=["student"])
    assert client.login(username="ian", password="correct-horse-battery")
    check = results(institution)["go_live"]
    assert check.status == "fail"
    assert check.evidence["instructors"] == 1
    assert "student" in check.explanation
    assert Client().login(username="stu", password="correct-horse-battery")
    check = results(institution)["go_live"]
    assert check.status == "pass"


def test_sign_ins_before_the_go_live_date_do_not_count(institution, make_user):
    plan_create_or_redate(
        institution=institution, go_live_date=institution_today(institution), by=None
    )
    for name, role in (("ian", "instructor"), ("stu", "student")):
        user = make_user(name, roles=[role])
        user.last_login = timezone.now() - datetime.timedelta(days=2)
        user.save()
    assert results(institution)["go_live"].status == "fail"


@override_settings(ALLOWED_HOSTS=["readings.uni.example", "testserver"])
def test_the_host_is_written_at_most_once_a_minute_and_local_hosts_never(institution):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readings.readiness.models import HostSeen

    institution.settings = {**institution.settings, "host": "readings.uni.example"}
    institution.save()
    client = Client()
    client.get("/accounts/login/")
    assert not HostSeen.objects.exists()
    client.get("/accounts/login/", HTTP_HOST="readings.uni.example")
    with CaptureQueriesContext(connection) as later:
        client.get("/accounts/login/", HTTP_HOST="readings.uni.example")
    assert not [q for q in later.captured_queries if "readiness_hostseen" in q["sql"]]
    seen = HostSeen.objects.get()
    assert (seen.host, seen.requests) == ("readings.uni.example", 1)
