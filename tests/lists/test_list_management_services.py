"""Creating, copying, publishing, collaborating: the services behind the list management pages."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from readings.accounts.models import Role
from readings.citations.models import Citation
from readings.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from readings.courses.services import course_create
from readings.lists.models import (
    ListInvitation,
    ListMember,
    ListStatus,
    MemberRole,
    PublicationStatus,
    ReadingList,
)
from readings.lists.selectors import template_lists
from readings.lists.services import (
    invitation_accept,
    invitation_create,
    list_change_settings,
    list_create_from,
    list_send_to_library,
    list_set_publication,
    list_set_syllabus,
    list_update,
    member_remove,
    member_set,
)
from readings.lists.visibility import list_hidden_reasons


def _link(token: str) -> str:
    return f"http://testserver/lists/invitations/{token}/"


@pytest.fixture
def owner(make_user):
    return make_user("owner", roles=[Role.INSTRUCTOR])


@pytest.fixture
def owned(make_list, owner):
    reading_list = make_list("Week 1", "Week 2", items=2)
    member_set(reading_list=reading_list, user=owner, role=MemberRole.OWNER)
    return reading_list


def test_a_duplicate_copies_sections_and_items_as_a_draft_owned_by_its_maker(
    owned, make_user, institution, check_structure
):
    list_set_publication(list_id=owned.pk, publication_status=PublicationStatus.PUBLISHED)
    maker = make_user("maker", roles=[Role.INSTRUCTOR])
    course = course_create(institution=institution, code="NEW1", title="New")

    copy = list_create_from(source=owned, acting_user=maker, name="  My copy ", courses=[course])

    assert copy.pk != owned.pk
    assert copy.name == "My copy"
    assert copy.publication_status == PublicationStatus.DRAFT
    assert list(copy.sections.values_list("name", flat=True)) == ["Week 1", "Week 2"]
    assert Citation.objects.filter(reading_list=copy).count() == 4
    assert list(copy.courses.all()) == [course]
    assert ListMember.objects.get(reading_list=copy).user == maker
    assert ListMember.objects.get(reading_list=copy).role == MemberRole.OWNER
    check_structure()


def test_a_template_is_offered_to_everyone_at_the_institution_and_copies_are_not_templates(
    owned, make_user, other_institution
):
    list_update(list_id=owned.pk, is_template=True)
    colleague = make_user("colleague", roles=[Role.INSTRUCTOR])
    outsider = make_user("outsider", roles=[Role.INSTRUCTOR], inst=other_institution)

    assert list(template_lists(user=colleague)) == [owned]
    assert list(template_lists(user=outsider)) == []
    copy = list_create_from(source=owned, acting_user=colleague, name="From template")
    assert copy.is_template is False
    assert copy.sections.count() == 2


def test_a_stale_settings_form_is_refused_and_changes_nothing(owned):
    stale = owned.version
    list_update(list_id=owned.pk, expected_version=stale, name="Theirs")
    with pytest.raises(Conflict) as caught:
        list_change_settings(
            list_id=owned.pk, expected_version=stale, fields={"name": "Mine"}, courses=[]
        )
    assert caught.value.code == "stale_version"
    assert ReadingList.objects.get(pk=owned.pk).name == "Theirs"


def test_publishing_moves_between_draft_published_and_archived_and_bumps_the_version(owned):
    version = owned.version
    for status in (
        PublicationStatus.PUBLISHED,
        PublicationStatus.ARCHIVED,
        PublicationStatus.DRAFT,
    ):
        updated = list_set_publication(
            list_id=owned.pk, publication_status=status, expected_version=version
        )
        assert updated.publication_status == status
        assert updated.version == version + 1
        version = updated.version


def test_an_unknown_publication_status_is_refused(owned):
    with pytest.raises(InvalidInput):
        list_set_publication(list_id=owned.pk, publication_status="LIVE")


def test_sending_to_the_library_marks_the_list_ready_for_processing(owned):
    assert list_send_to_library(list_id=owned.pk).status == ListStatus.READY_FOR_PROCESSING


def test_the_last_owner_can_be_neither_removed_nor_demoted(owned, owner, make_user):
    with pytest.raises(InvalidInput):
        member_remove(reading_list=owned, user=owner)
    with pytest.raises(InvalidInput):
        member_set(reading_list=owned, user=owner, role=MemberRole.EDIT)
    second = make_user("second")
    member_set(reading_list=owned, user=second, role=MemberRole.OWNER)
    member_set(reading_list=owned, user=owner, role=MemberRole.MANAGE)
    member_remove(reading_list=owned, user=owner)
    assert list(owned.members.values_list("user__username", "role")) == [("second", "owner")]


def test_collaborators_come_from_the_lists_institution_only(owned, make_user, other_institution):
    outsider = make_user("far", inst=other_institution)
    with pytest.raises(InvalidInput):
        member_set(reading_list=owned, user=outsider, role=MemberRole.EDIT)


def test_an_invitation_emails_a_link_that_adds_whoever_signs_in_with_it(
    owned, owner, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            reading_list=owned,
            email="newcomer@example.edu",
            role=MemberRole.MANAGE,
            invited_by=owner,
            accept_url_for=_link,
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.edu"]
    assert _link(invitation.token) in mail.outbox[0].body

    # The address had no account when invited; the person signs up later.
    newcomer = make_user("newcomer")
    member = invitation_accept(token=invitation.token, user=newcomer)
    assert (member.user, member.role) == (newcomer, MemberRole.MANAGE)
    with pytest.raises(NotFound):
        invitation_accept(token=invitation.token, user=newcomer)


def test_an_expired_invitation_adds_nobody(owned, owner, make_user):
    invitation = invitation_create(
        reading_list=owned,
        email="late@example.edu",
        role=MemberRole.EDIT,
        invited_by=owner,
        accept_url_for=_link,
    )
    ListInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(NotFound):
        invitation_accept(token=invitation.token, user=make_user("late"))
    assert not owned.members.filter(user__username="late").exists()


def test_accepting_never_lowers_a_role_already_held(owned, owner):
    invitation = invitation_create(
        reading_list=owned,
        email=owner.email,
        role=MemberRole.EDIT,
        invited_by=owner,
        accept_url_for=_link,
    )
    invitation_accept(token=invitation.token, user=owner)
    assert owned.members.get(user=owner).role == MemberRole.OWNER


def test_an_invitation_to_a_bad_address_is_refused(owned, owner):
    with pytest.raises(InvalidInput):
        invitation_create(
            reading_list=owned,
            email="not an address",
            role=MemberRole.EDIT,
            invited_by=owner,
            accept_url_for=_link,
        )


def test_a_syllabus_must_be_a_document_whose_content_matches_its_name(owned, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("syllabus.pdf", b"<html><script>x</script>", "application/pdf")
    with pytest.raises(InvalidInput):
        list_set_syllabus(list_id=owned.pk, upload=fake)
    exe = SimpleUploadedFile("syllabus.exe", b"MZ\x90\x00", "application/octet-stream")
    with pytest.raises(InvalidInput):
        list_set_syllabus(list_id=owned.pk, upload=exe)

    real = SimpleUploadedFile("Course plan.pdf", b"%PDF-1.4\n...", "application/pdf")
    updated = list_set_syllabus(list_id=owned.pk, upload=real)
    assert updated.syllabus.name.endswith(".pdf")
    assert "Course_plan" in updated.syllabus.name


def test_replacing_a_syllabus_keeps_the_file_a_copy_still_uses(
    owned, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    first = SimpleUploadedFile("plan.txt", b"Week 1: read", "text/plain")
    list_set_syllabus(list_id=owned.pk, upload=first)
    owned.refresh_from_db()
    copy = list_create_from(source=owned, acting_user=owner, name="Copy")
    assert copy.syllabus.name == owned.syllabus.name

    with django_capture_on_commit_callbacks(execute=True):
        list_set_syllabus(list_id=owned.pk, upload=None)
    assert copy.syllabus.storage.exists(copy.syllabus.name)


def test_a_published_course_list_without_courses_says_no_student_can_see_it(owned):
    published = list_set_publication(
        list_id=owned.pk, publication_status=PublicationStatus.PUBLISHED
    )
    assert list_hidden_reasons(published, course_count=0) == [
        "visible to course members only, and no course is linked"
    ]
    assert list_hidden_reasons(published, course_count=1) == []


def test_an_invitation_is_refused_to_anyone_but_its_addressee(owned, owner, make_user):
    invitation = invitation_create(
        reading_list=owned,
        email="Invited.Person@example.edu",
        role=MemberRole.EDIT,
        invited_by=owner,
        accept_url_for=_link,
    )
    with pytest.raises(Forbidden) as refused:
        invitation_accept(token=invitation.token, user=make_user("someone"))
    assert "Invited.Person" not in str(refused.value)
    assert not owned.members.filter(user__username="someone").exists()
    invited = make_user("invited.person")  # invited.person@example.edu, any case
    assert invitation_accept(token=invitation.token, user=invited).user == invited
