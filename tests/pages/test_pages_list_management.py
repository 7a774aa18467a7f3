"""The list management pages over HTTP: who reaches them, what they change, what they show."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from readings.lists.models import (
    ListInvitation,
    ListMember,
    ListStatus,
    MemberRole,
    PublicationStatus,
    ReadingList,
)
from readings.lists.services import list_update, member_set

SIGN_IN, OK, FORBIDDEN, HIDDEN = 302, 200, 403, 404

WHO = (
    "anonymous",
    "student",
    "other_student",
    "instructor",
    "other_instructor",
    "collaborator",
    "librarian",
    "administrator",
    "outsider",
)

# The published list: the student reads it, the instructor (of the linked course),
# the "can edit" collaborator and the librarian edit it; only the administrator manages it.
EXPECTED = {
    "settings": (SIGN_IN, FORBIDDEN, HIDDEN, OK, HIDDEN, OK, OK, OK, HIDDEN),
    "collaborators": (SIGN_IN, FORBIDDEN, HIDDEN, OK, HIDDEN, OK, OK, OK, HIDDEN),
    "collaborator_search": (
        SIGN_IN, FORBIDDEN, HIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, OK, HIDDEN
    ),
    "delete": (SIGN_IN, FORBIDDEN, HIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, OK, HIDDEN),
    "new": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK, OK, FORBIDDEN),
    "new_for_course": (
        SIGN_IN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK, OK, HIDDEN
    ),
}  # fmt: skip


def _url(page: str, campus) -> str:
    pk = campus.published.pk
    return {
        "settings": reverse("lists:settings", args=[pk]),
        "collaborators": reverse("lists:collaborators", args=[pk]),
        "collaborator_search": reverse("lists:collaborator_search", args=[pk]) + "?q=sam",
        "delete": reverse("lists:delete", args=[pk]),
        "new": reverse("lists:new"),
        "new_for_course": reverse("lists:new") + f"?course={campus.course.pk}",
    }[page]


@pytest.mark.parametrize("page", list(EXPECTED))
def test_each_role_gets_the_designed_answer_on_the_management_pages(client, campus, page):
    url = _url(page, campus)
    wrong = []
    for who, expected in zip(WHO, EXPECTED[page], strict=True):
        client.logout()
        if who != "anonymous":
            client.force_login(campus.users[who])
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{who}: {status}, expected {expected}")
    assert wrong == []


@pytest.fixture
def owner(campus):
    """The instructor owns the draft list (so manages it)."""
    member_set(reading_list=campus.draft, user=campus.users["instructor"], role=MemberRole.OWNER)
    # The fixture's objects predate the items added to them.
    campus.draft.refresh_from_db()
    campus.published.refresh_from_db()
    return campus.users["instructor"]


def test_an_instructor_creates_a_list_for_their_course_and_owns_it(client, campus):
    client.force_login(campus.users["instructor"])
    page = client.get(reverse("courses:detail", args=[campus.course.pk]))
    assert b"Create a list for this course" in page.content

    response = client.post(
        reverse("lists:new") + f"?course={campus.course.pk}",
        {"start": "scratch", "name": "Seminar readings", "courses": [campus.course.pk]},
    )
    created = ReadingList.objects.get(name="Seminar readings")
    assert response.status_code == 302
    assert response["Location"] == reverse("lists:detail", args=[created.pk])
    assert list(created.courses.all()) == [campus.course]
    assert created.publication_status == PublicationStatus.DRAFT
    assert created.members.get().role == MemberRole.OWNER


def test_a_student_is_not_offered_to_create_a_list(client, campus):
    client.force_login(campus.users["student"])
    assert (
        b"Create a list for this course"
        not in client.get(reverse("courses:detail", args=[campus.course.pk])).content
    )
    assert b"New list" not in client.get(reverse("courses:home")).content


def test_an_instructor_cannot_link_a_new_list_to_a_course_they_do_not_teach(client, campus):
    client.force_login(campus.users["instructor"])
    response = client.post(
        reverse("lists:new"),
        {"start": "scratch", "name": "Sneaky", "courses": [campus.other_course.pk]},
    )
    assert response.status_code == 200
    assert not ReadingList.objects.filter(name="Sneaky").exists()


def test_duplicating_needs_a_list_the_user_may_edit(client, campus):
    client.force_login(campus.users["student"])
    # Students create nothing; an instructor may not copy another course's list either.
    client.force_login(campus.users["other_instructor"])
    response = client.post(
        reverse("lists:new"),
        {"start": "duplicate", "source": campus.draft.pk, "name": "Stolen"},
    )
    assert response.status_code == 200
    assert not ReadingList.objects.filter(name="Stolen").exists()

    client.force_login(campus.users["instructor"])
    response = client.post(
        reverse("lists:new"),
        {"start": "duplicate", "source": campus.draft.pk, "name": "Next year"},
    )
    copy = ReadingList.objects.get(name="Next year")
    assert response.status_code == 302
    assert copy.citations.count() == campus.draft.citations.count()


def test_a_template_is_offered_in_the_create_form(client, campus, owner):
    list_update(list_id=campus.draft.pk, is_template=True)
    client.force_login(campus.users["other_instructor"])
    page = client.get(reverse("lists:new"))
    assert b"Next year&#x27;s draft" in page.content
    response = client.post(
        reverse("lists:new"),
        {"start": "template", "template": campus.draft.pk, "name": "From the template"},
    )
    assert response.status_code == 302
    assert ReadingList.objects.get(name="From the template").sections.count() == 1


def test_settings_save_and_a_stale_form_gets_the_conflict_page_with_a_reload_link(
    client, campus, owner
):
    client.force_login(owner)
    url = reverse("lists:settings", args=[campus.draft.pk])
    version = campus.draft.version
    form = {
        "version": version,
        "name": "Renamed",
        "description": "About",
        "subject": "History",
        "due_back_date": "2030-01-15",
        "courses": [campus.course.pk],
        "visibility": "INSTITUTION",
    }
    assert client.post(url, form).status_code == 302
    saved = ReadingList.objects.get(pk=campus.draft.pk)
    assert (saved.name, saved.subject, str(saved.due_back_date), saved.visibility) == (
        "Renamed",
        "History",
        "2030-01-15",
        "INSTITUTION",
    )

    stale = client.post(url, {**form, "name": "Overwrite"})
    assert stale.status_code == 409
    assert b"Someone else changed this list" in stale.content
    assert f'href="{url}"'.encode() in stale.content
    assert ReadingList.objects.get(pk=campus.draft.pk).name == "Renamed"


def test_an_editor_without_manage_rights_cannot_change_visibility(client, campus):
    campus.published.refresh_from_db()
    client.force_login(campus.users["collaborator"])
    url = reverse("lists:settings", args=[campus.published.pk])
    assert b'name="visibility"' not in client.get(url).content
    client.post(
        url,
        {"version": campus.published.version, "name": "Same", "visibility": "OPEN_TO_WORLD"},
    )
    assert ReadingList.objects.get(pk=campus.published.pk).visibility == "COURSE"


def test_a_syllabus_is_uploaded_and_downloaded_only_through_the_access_check(
    client, campus, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    campus.published.refresh_from_db()
    client.force_login(campus.users["administrator"])
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 syllabus", "application/pdf")
    response = client.post(
        reverse("lists:settings", args=[campus.published.pk]),
        {
            "version": campus.published.version,
            "name": campus.published.name,
            "courses": [campus.course.pk],
            "visibility": "COURSE",
            "syllabus": upload,
        },
    )
    assert response.status_code == 302
    url = reverse("lists:syllabus", args=[campus.published.pk])

    client.force_login(campus.users["student"])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 syllabus"

    client.force_login(campus.users["other_student"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_wrong_syllabus_file_is_a_form_error(client, campus, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    response = client.post(
        reverse("lists:settings", args=[campus.draft.pk]),
        {
            "version": campus.draft.version,
            "name": "Draft",
            "visibility": "COURSE",
            "syllabus": SimpleUploadedFile("evil.html", b"<script>", "text/html"),
        },
    )
    assert response.status_code == 200
    assert b"Upload a PDF" in response.content
    assert ReadingList.objects.get(pk=campus.draft.pk).name != "Draft"


def test_publishing_archiving_and_sending_to_the_library_from_the_list_page(client, campus, owner):
    client.force_login(owner)
    url = reverse("lists:publication", args=[campus.draft.pk])
    detail = client.get(reverse("lists:detail", args=[campus.draft.pk]))
    assert b"Students cannot see this list" in detail.content
    assert b"list is a draft" in detail.content

    version = ReadingList.objects.get(pk=campus.draft.pk).version
    response = client.post(url, {"version": version, "publication_status": "PUBLISHED"})
    assert response.status_code == 302
    assert ReadingList.objects.get(pk=campus.draft.pk).publication_status == "PUBLISHED"

    stale = client.post(url, {"version": version, "publication_status": "ARCHIVED"})
    assert stale.status_code == 409
    version += 1
    client.post(url, {"version": version, "publication_status": "ARCHIVED"})
    assert ReadingList.objects.get(pk=campus.draft.pk).publication_status == "ARCHIVED"
    page = client.get(reverse("courses:detail", args=[campus.course.pk]))
    assert b"list is archived" in page.content

    client.post(reverse("lists:send_to_library", args=[campus.draft.pk]), {"version": version + 1})
    assert ReadingList.objects.get(pk=campus.draft.pk).status == ListStatus.READY_FOR_PROCESSING


def test_an_editor_cannot_publish_without_manage_rights(client, campus):
    campus.published.refresh_from_db()
    client.force_login(campus.users["collaborator"])
    response = client.post(
        reverse("lists:publication", args=[campus.published.pk]),
        {"version": campus.published.version, "publication_status": "DRAFT"},
    )
    assert response.status_code == 403
    assert ReadingList.objects.get(pk=campus.published.pk).publication_status == "PUBLISHED"


def test_deleting_asks_first_explains_what_goes_and_needs_a_post(client, campus, owner):
    client.force_login(owner)
    url = reverse("lists:delete", args=[campus.draft.pk])
    confirm = client.get(url)
    assert b"1 section" in confirm.content
    assert b"1 citation" in confirm.content
    assert ReadingList.objects.filter(pk=campus.draft.pk).exists()

    response = client.post(url, {"version": campus.draft.version})
    assert response.status_code == 302
    assert not ReadingList.objects.filter(pk=campus.draft.pk).exists()


def test_collaborators_are_found_added_changed_and_removed_but_the_last_owner_stays(
    client, campus, owner
):
    client.force_login(owner)
    pk = campus.draft.pk
    found = client.get(
        reverse("lists:collaborator_search", args=[pk]) + "?q=sam",
        HTTP_ACCEPT="application/json",
    ).json()["results"]
    assert [p["username"] for p in found] == ["stu"]
    # The form without JavaScript shows the same people.
    page = client.get(reverse("lists:collaborators", args=[pk]) + "?q=sam")
    assert b"Sam Student" in page.content

    student = campus.users["student"]
    client.post(reverse("lists:collaborator_add", args=[pk]), {"user": student.pk, "role": "edit"})
    assert ListMember.objects.get(reading_list_id=pk, user=student).role == "edit"
    client.post(reverse("lists:collaborator_role", args=[pk, student.pk]), {"role": "manage"})
    assert ListMember.objects.get(reading_list_id=pk, user=student).role == "manage"
    client.post(reverse("lists:collaborator_remove", args=[pk, student.pk]))
    assert not ListMember.objects.filter(reading_list_id=pk, user=student).exists()

    refused = client.post(reverse("lists:collaborator_remove", args=[pk, owner.pk]))
    assert refused.status_code == 400
    assert b"at least one owner" in refused.content
    assert ListMember.objects.filter(reading_list_id=pk, user=owner).exists()


def test_people_of_another_institution_are_neither_found_nor_added(client, campus, owner):
    client.force_login(owner)
    pk = campus.draft.pk
    outsider = campus.users["outsider"]
    found = client.get(reverse("lists:collaborator_search", args=[pk]) + "?q=out").json()
    assert found["results"] == []
    response = client.post(
        reverse("lists:collaborator_add", args=[pk]), {"user": outsider.pk, "role": "edit"}
    )
    assert response.status_code == 404
    assert not ListMember.objects.filter(user=outsider).exists()


def test_an_invitation_by_email_is_accepted_after_signing_in(
    client, campus, owner, django_capture_on_commit_callbacks
):
    joiner = campus.users["other_student"]
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("lists:invitation_new", args=[campus.draft.pk]),
            {"email": joiner.email, "role": "edit"},
        )
    invitation = ListInvitation.objects.get()
    link = reverse("lists:invitation", args=[invitation.token])
    assert link in mail.outbox[0].body

    client.logout()
    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    client.force_login(joiner)
    assert client.get(link).status_code == 200
    assert client.post(link)["Location"] == reverse("lists:detail", args=[campus.draft.pk])
    assert ListMember.objects.get(reading_list=campus.draft, user=joiner).role == "edit"
    assert client.get(link).status_code == 404

    client.force_login(campus.users["outsider"])
    assert client.get(link).status_code == 404


def _invite(client, campus, owner, email: str) -> str:
    client.force_login(owner)
    client.post(
        reverse("lists:invitation_new", args=[campus.draft.pk]),
        {"email": email, "role": "edit"},
        follow=True,  # shows (so clears) the "invitation sent" message with the address
    )
    return reverse("lists:invitation", args=[ListInvitation.objects.get(email=email).token])


def test_an_invitation_opened_by_someone_else_is_refused_and_changes_nothing(client, campus, owner):
    link = _invite(client, campus, owner, "alexandra.bloggs@example.edu")
    members = set(ListMember.objects.values_list("reading_list_id", "user_id", "role"))
    intruder = campus.users["student"]
    client.force_login(intruder)

    page = client.get(link)
    assert page.status_code == 403
    html = page.content.decode()
    assert "This invitation was sent to a…@example.edu" in html
    assert "alexandra.bloggs" not in html
    assert f"ask {owner.get_full_name() or owner.username} to invite you" in html

    refused = client.post(link)
    assert refused.status_code == 403
    assert set(ListMember.objects.values_list("reading_list_id", "user_id", "role")) == members
    invitation = ListInvitation.objects.get()
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)


def test_the_invited_address_is_matched_whatever_its_case(client, campus, owner):
    joiner = campus.users["other_student"]
    link = _invite(client, campus, owner, joiner.email.upper())
    client.force_login(joiner)
    assert client.post(link)["Location"] == reverse("lists:detail", args=[campus.draft.pk])
    assert ListMember.objects.get(reading_list=campus.draft, user=joiner).role == "edit"
    assert ListInvitation.objects.get().accepted_by == joiner


def test_an_expired_or_used_invitation_is_refused_even_to_its_addressee(client, campus, owner):
    joiner = campus.users["other_student"]
    link = _invite(client, campus, owner, joiner.email)
    ListInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(joiner)
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not ListMember.objects.filter(user=joiner).exists()

    ListInvitation.objects.update(
        expires_at=timezone.now() + datetime.timedelta(days=1),
        accepted_at=timezone.now(),
        accepted_by=owner,
    )
    assert client.post(link).status_code == 404
    assert not ListMember.objects.filter(user=joiner).exists()


def test_names_are_shown_as_text_on_the_management_pages(client, campus, owner):
    evil = '<script>alert("x")</script>'
    list_update(list_id=campus.draft.pk, name=evil, description=evil)
    campus.users["student"].first_name = evil
    campus.users["student"].save()
    member_set(reading_list=campus.draft, user=campus.users["student"], role=MemberRole.EDIT)
    client.force_login(owner)
    for url in (
        reverse("lists:settings", args=[campus.draft.pk]),
        reverse("lists:collaborators", args=[campus.draft.pk]),
        reverse("lists:delete", args=[campus.draft.pk]),
        reverse("lists:new"),
        reverse("courses:home"),
        reverse("lists:detail", args=[campus.draft.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url


def test_the_toolbar_offers_manage_actions_only_to_managers(client, campus, owner):
    client.force_login(owner)
    html = client.get(reverse("lists:detail", args=[campus.draft.pk])).content.decode()
    for action in ("Edit items", "Settings", "Collaborators", "Export", "Publish", "Delete"):
        assert action in html
    client.force_login(campus.users["collaborator"])
    html = client.get(reverse("lists:detail", args=[campus.published.pk])).content.decode()
    assert "Settings" in html
    assert reverse("lists:delete", args=[campus.published.pk]) not in html
    assert reverse("lists:publication", args=[campus.published.pk]) not in html


def test_my_lists_say_why_students_cannot_see_them(client, campus, owner):
    client.force_login(owner)
    html = client.get(reverse("courses:home")).content.decode()
    assert "Students cannot see this list: list is a draft." in html


def _posts(campus) -> dict[str, tuple[str, dict]]:
    pk = campus.published.pk
    student = campus.users["student"].pk
    version = ReadingList.objects.get(pk=pk).version
    return {
        "publish": (
            reverse("lists:publication", args=[pk]),
            {"version": version, "publication_status": "DRAFT"},
        ),
        "delete": (reverse("lists:delete", args=[pk]), {"version": version}),
        "add": (reverse("lists:collaborator_add", args=[pk]), {"user": student, "role": "owner"}),
        "invite": (
            reverse("lists:invitation_new", args=[pk]),
            {"email": "x@example.edu", "role": "owner"},
        ),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", SIGN_IN),
        ("student", FORBIDDEN),
        ("other_student", HIDDEN),
        ("instructor", FORBIDDEN),
        ("collaborator", FORBIDDEN),
        ("librarian", FORBIDDEN),
        ("outsider", HIDDEN),
    ],
)
def test_only_managers_publish_delete_or_change_collaborators(client, campus, who, expected):
    if who != "anonymous":
        client.force_login(campus.users[who])
    answers = {
        name: client.post(url, data).status_code for name, (url, data) in _posts(campus).items()
    }
    assert answers == dict.fromkeys(answers, expected)
    published = ReadingList.objects.get(pk=campus.published.pk)
    assert published.publication_status == PublicationStatus.PUBLISHED
    assert not published.members.filter(role=MemberRole.OWNER).exists()
    assert not ListInvitation.objects.exists()


def test_library_staff_link_any_course_by_code_and_unknown_codes_are_named(client, campus):
    client.force_login(campus.users["librarian"])
    refused = client.post(
        reverse("lists:new"),
        {"start": "scratch", "name": "Reserve list", "more_courses": "CHEM200, NOPE999"},
    )
    assert refused.status_code == 200
    assert b"No course with the code NOPE999." in refused.content
    assert not ReadingList.objects.filter(name="Reserve list").exists()

    client.post(
        reverse("lists:new"),
        {"start": "scratch", "name": "Reserve list", "more_courses": "CHEM200, HIST101"},
    )
    created = ReadingList.objects.get(name="Reserve list")
    assert set(created.courses.values_list("code", flat=True)) == {"CHEM200", "HIST101"}


def test_instructors_are_not_offered_a_link_by_code(client, campus):
    client.force_login(campus.users["instructor"])
    response = client.post(
        reverse("lists:new"),
        {"start": "scratch", "name": "By code", "more_courses": "CHEM200"},
    )
    created = ReadingList.objects.get(name="By code")
    assert response.status_code == 302
    assert not created.courses.exists()


def test_a_fetch_publish_gets_the_new_state_and_version_as_json(client, campus, owner):
    client.force_login(owner)
    version = ReadingList.objects.get(pk=campus.draft.pk).version
    response = client.post(
        reverse("lists:publication", args=[campus.draft.pk]),
        {"version": version, "publication_status": "PUBLISHED"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {
        "ok": True,
        "message": "List published.",
        "version": version + 1,
        "publication_status": "PUBLISHED",
        "status": "BeingPrepared",
        "hidden": [],
    }
    stale = client.post(
        reverse("lists:publication", args=[campus.draft.pk]),
        {"version": version, "publication_status": "DRAFT"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version"


def test_editors_are_told_what_the_institutions_publishing_workflow_means(client, campus, owner):
    client.force_login(owner)
    settings_url = reverse("lists:settings", args=[campus.draft.pk])
    assert (
        b"students see items as soon as the list is published" in client.get(settings_url).content
    )

    institution = campus.course.institution
    institution.require_library_completion = True
    institution.save()
    page = client.get(settings_url).content.decode()
    assert "students see an item only once the library has completed it" in page
    assert "1 item is still waiting for the library." in page
    detail = client.get(reverse("lists:detail", args=[campus.draft.pk])).content.decode()
    assert "students see an item only once the library has completed it" in detail
