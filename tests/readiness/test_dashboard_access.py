"""Who sees and changes the plan: administrators, sponsor, project manager, team members, others."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from readings.readiness.models import TaskChange, TaskStatus, TeamRole
from readings.readiness.services import plan_create_or_redate, team_member_add

D = datetime.date


@pytest.fixture
def plan(institution):
    today = datetime.date.today()
    return plan_create_or_redate(
        institution=institution, go_live_date=today + datetime.timedelta(weeks=12), by=None
    ).plan


@pytest.fixture
def people(plan, make_user, other_institution):
    users = {
        "admin": make_user("admin", roles=["administrator"]),
        "sponsor": make_user("sponsor", roles=["librarian"]),
        "pm": make_user("pm", roles=["librarian"]),
        "it": make_user("it", roles=["instructor"]),
        "staff": make_user("staff", roles=["librarian"]),
        "student": make_user("student", roles=["student"]),
        "foreign_admin": make_user("foreign", roles=["administrator"], inst=other_institution),
    }
    team_member_add(plan=plan, user=users["sponsor"], role=TeamRole.SPONSOR, by=None)
    team_member_add(plan=plan, user=users["pm"], role=TeamRole.PROJECT_MANAGER, by=None)
    team_member_add(plan=plan, user=users["it"], role=TeamRole.IT, by=None)
    return users


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["admin", "sponsor", "pm", "it"])
def test_administrators_and_the_team_see_the_dashboard(client, people, who):
    response = _client(client, people[who]).get(reverse("readiness:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "days to go-live" in page
    assert "The timeline as a table" in page


@pytest.mark.parametrize("who", ["staff", "student"])
def test_others_get_not_found(client, people, who):
    c = _client(client, people[who])
    assert c.get(reverse("readiness:dashboard")).status_code == 404
    assert c.get(reverse("readiness:ics")).status_code == 404
    assert c.get(reverse("readiness:my_tasks")).status_code == 404


def test_an_administrator_of_another_institution_sees_only_their_own(client, people, plan):
    c = _client(client, people["foreign_admin"])

    page = c.get(reverse("readiness:dashboard")).content.decode()

    assert "Other University has no implementation plan yet" in page
    assert "Test University" not in page
    assert c.get(reverse("readiness:ics")).status_code == 404
    assert c.get(reverse("readiness:team")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(reverse("readiness:dashboard"))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["admin", "sponsor", "pm"])
def test_managers_re_date_the_plan(client, people, plan, who):
    new_date = plan.go_live_date + datetime.timedelta(days=7)

    response = _client(client, people[who]).post(
        reverse("readiness:go_live"), {"go_live_date": new_date.isoformat()}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.go_live_date == new_date


def test_a_team_member_cannot_re_date_the_plan_or_change_the_team(client, people, plan):
    c = _client(client, people["it"])
    assert c.post(reverse("readiness:go_live"), {"go_live_date": "2030-01-07"}).status_code == 403
    staff = people["staff"]
    assert (
        c.post(reverse("readiness:team"), {"user": staff.pk, "role": "library"}).status_code == 403
    )
    assert c.post(reverse("readiness:task_add"), {"title": "x"}).status_code == 403


def test_a_team_member_updates_status_and_notes_of_their_own_tasks_only(client, people, plan):
    c = _client(client, people["it"])
    own = plan.tasks.get(key="lms_registered")
    other = plan.tasks.get(key="kickoff")

    response = c.post(
        reverse("readiness:task_edit", args=[own.pk]),
        {"status": TaskStatus.IN_PROGRESS, "notes": "Moodle admin booked", "title": "Hacked"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.notes) == (TaskStatus.IN_PROGRESS, "Moodle admin booked")
    assert own.title != "Hacked"
    assert TaskChange.objects.filter(task=own, changed_by=people["it"]).count() == 2

    refused = c.post(reverse("readiness:task_status", args=[other.pk]), {"status": "done"})
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.status == TaskStatus.TODO


def test_the_status_form_answers_fetch_with_json(client, people, plan):
    task = plan.tasks.get(key="lms_registered")

    response = _client(client, people["it"]).post(
        reverse("readiness:task_status", args=[task.pk]),
        {"status": "blocked"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "blocked"


def test_tasks_of_another_institution_are_not_found(client, people, plan, other_institution):
    other_plan = plan_create_or_redate(
        institution=other_institution, go_live_date=plan.go_live_date, by=None
    ).plan
    foreign_task = other_plan.tasks.get(key="kickoff")

    c = _client(client, people["admin"])
    assert c.get(reverse("readiness:task_edit", args=[foreign_task.pk])).status_code == 404
    post = c.post(reverse("readiness:task_status", args=[foreign_task.pk]), {"status": "done"})
    assert post.status_code == 404


def test_my_tasks_lists_the_tasks_of_my_roles(client, people, plan):
    page = _client(client, people["it"]).get(reverse("readiness:my_tasks")).content.decode()

    assert "Register the LMS platform" in page
    assert "Implementation kickoff" not in page


def test_an_administrator_sets_the_go_live_date_of_a_new_plan(client, make_user):
    admin = make_user("admin", roles=["administrator"])
    c = _client(client, admin)
    assert "Lay out the plan" in c.get(reverse("readiness:dashboard")).content.decode()
    go_live = datetime.date.today() + datetime.timedelta(weeks=6)

    response = c.post(reverse("readiness:go_live"), {"go_live_date": go_live.isoformat()})

    assert response.status_code == 302
    page = c.get(reverse("readiness:dashboard")).content.decode()
    assert "Short runway" in page


def test_a_bad_go_live_date_is_shown_on_the_form(client, make_user):
    c = _client(client, make_user("admin", roles=["administrator"]))

    response = c.post(reverse("readiness:go_live"), {"go_live_date": "2001-01-01"})

    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()


def test_managers_add_tasks_team_members_and_log_entries(client, people, plan):
    c = _client(client, people["pm"])
    staff = people["staff"]

    assert c.post(
        reverse("readiness:task_add"),
        {"title": "Tell students", "phase": "build", "side": "institution",
         "responsible_role": "library", "status": "todo", "due_date": ""},
    ).status_code == 302  # fmt: skip
    assert (
        c.post(reverse("readiness:team"), {"user": staff.pk, "role": "library"}).status_code == 302
    )
    assert c.post(
        reverse("readiness:log"),
        {"kind": "risk", "title": "Late extract", "likelihood": "high", "impact": "low",
         "owner": staff.pk, "status": "open"},
    ).status_code == 302  # fmt: skip

    assert plan.tasks.filter(title="Tell students", key="").exists()
    assert plan.team.filter(user=staff, role="library").exists()
    entry = plan.log.get()
    assert (entry.owner, entry.likelihood) == (staff, "high")
    assert "Late extract" in c.get(reverse("readiness:log")).content.decode()


def test_exports_download_with_their_types(client, people, plan):
    c = _client(client, people["sponsor"])

    ics = c.get(reverse("readiness:ics"))
    csv = c.get(reverse("readiness:csv"))

    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR\r\n" in ics.content
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]


def test_the_header_links_administrators_to_the_dashboard(client, people):
    admin_page = _client(client, people["admin"]).get(reverse("courses:home")).content.decode()
    assert 'href="/readiness/"' in admin_page
    client.logout()
    student_page = _client(client, people["student"]).get(reverse("courses:home"))
    assert 'href="/readiness/"' not in student_page.content.decode()


def test_overdue_and_blocked_tasks_are_listed_as_blocking_go_live(client, people, plan):
    from readings.readiness.services import task_update

    late = plan.tasks.get(key="kickoff")
    task_update(task=late, by=None, due_date=datetime.date.today() - datetime.timedelta(days=2))
    stuck = plan.tasks.get(key="lms_registered")
    task_update(task=stuck, by=None, status=TaskStatus.BLOCKED, notes="Waiting for Moodle keys")

    page = _client(client, people["pm"]).get(reverse("readiness:dashboard")).content.decode()
    blockers = page.split('id="blockers"', 1)[1].split("</section>", 1)[0]

    assert "Overdue:" in blockers and "Implementation kickoff" in blockers
    assert "Blocked:" in blockers and "Waiting for Moodle keys" in blockers
    assert "Onboarding kickoff" not in blockers
