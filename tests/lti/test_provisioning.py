"""After a valid launch: the right person, the right course, the right rights, the right page."""

from __future__ import annotations

import pytest
from django.test import Client

from lti.helpers import assert_refused, assert_signed_in
from lti.platform import ROLE, TestPlatform
from readings.accounts.models import User
from readings.courses.models import Course, Enrollment
from readings.courses.services import course_create
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create
from readings.lti.models import AnonymousLaunch, ContextLink, LaunchRecord, LtiIdentity
from readings.lti.selectors import LANDING_CANDIDATES

INSTRUCTOR = [ROLE + "Instructor"]


# Who ----------------------------------------------------------------------------------


def test_a_new_person_is_created_just_in_time_in_the_platform_s_institution(
    client, lms, institution
):
    record = assert_signed_in(lms.launch(client, sub="new-person"), client)
    user = User.objects.get(pk=record.user_id)
    assert user.institution == institution
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@example.edu")
    assert not user.has_usable_password()
    assert LtiIdentity.objects.get(issuer=lms.issuer, subject="new-person").user == user


def test_the_same_person_launching_again_is_the_same_user(client, lms):
    first = assert_signed_in(lms.launch(client, sub="again"), client)
    second_client = Client()
    second = assert_signed_in(lms.launch(second_client, sub="again"), second_client)
    assert first.user_id == second.user_id
    assert User.objects.count() == 1


def test_an_existing_user_is_matched_by_institutional_id(client, lms, make_user):
    alice = make_user("alice", primary_id="S-1001")
    record = assert_signed_in(
        lms.launch(client, sub="a1", lis={"person_sourcedid": "S-1001"}, email="x@example.org"),
        client,
    )
    assert record.user_id == alice.pk


def test_a_configured_custom_parameter_can_carry_the_institutional_id(client, lms, make_user):
    bob = make_user("bob", primary_id="EMP-7")
    lms.registration.user_id_parameter = "employee_id"
    lms.registration.save()
    record = assert_signed_in(
        lms.launch(client, sub="b1", custom={"employee_id": "EMP-7"}, email=""), client
    )
    assert record.user_id == bob.pk


def test_an_existing_user_is_matched_by_email(client, lms, make_user):
    carol = make_user("carol")
    record = assert_signed_in(lms.launch(client, sub="c1", email="CAROL@example.edu"), client)
    assert record.user_id == carol.pk


def test_a_staff_account_is_never_taken_over_by_email(client, lms, make_user):
    librarian = make_user("libby", roles=["librarian"])
    record = assert_signed_in(lms.launch(client, sub="l1", email=librarian.email), client)
    assert record.user_id != librarian.pk


def test_the_same_sub_under_two_issuers_is_two_people(client, lms, other_lms, course):
    one = assert_signed_in(lms.launch(client, sub="shared-sub", email=""), client)
    other_client = Client()
    two = assert_signed_in(other_lms.launch(other_client, sub="shared-sub", email=""), other_client)
    assert one.user_id != two.user_id


def test_an_identity_linked_to_another_institution_is_refused(client, lms, other_institution):
    foreign = TestPlatform(issuer=lms.issuer, client_id="their-client")
    try:
        foreign.register(other_institution)
        foreign.keys = lms.keys
        assert_signed_in(foreign.launch(client, sub="wanderer", email=""), client)
        here = Client()
        response = lms.launch(here, sub="wanderer", email="")
        assert_refused(response, here, "lti.provisioning_failed", status=409)
    finally:
        foreign.stop()


# Rights -------------------------------------------------------------------------------


def test_a_custom_claim_claiming_instructor_leaves_a_student_a_student(client, lms, course):
    record = assert_signed_in(
        lms.launch(
            client,
            roles=[ROLE + "Learner"],
            custom={"role": "Instructor", "roles": ROLE + "Instructor", "is_instructor": "true"},
        ),
        client,
    )
    assert record.role == "student"
    assert Enrollment.objects.get(course=course, user_id=record.user_id).role == "student"


def test_an_instructor_launch_enrols_as_instructor(client, lms, course):
    record = assert_signed_in(lms.launch(client, roles=INSTRUCTOR), client)
    assert Enrollment.objects.get(course=course, user_id=record.user_id).role == "instructor"


def test_the_lms_role_of_the_latest_launch_wins(client, lms, course):
    assert_signed_in(lms.launch(client, sub="ta", roles=INSTRUCTOR), client)
    again = Client()
    record = assert_signed_in(lms.launch(again, sub="ta", roles=[ROLE + "Learner"]), again)
    assert Enrollment.objects.get(course=course, user_id=record.user_id).role == "student"


@pytest.mark.parametrize(
    ("setting", "expected"), [("instructor", "instructor"), ("none", "student")]
)
def test_administrators_get_the_rights_the_platform_setting_gives(
    client, lms, course, setting, expected
):
    lms.registration.administrator_role = setting
    lms.registration.save()
    record = assert_signed_in(lms.launch(client, roles=[ROLE + "Administrator"]), client)
    assert record.role == expected


def test_an_anonymous_launch_gets_the_public_view_when_the_platform_allows_it(
    client, lms, course, institution
):
    lms.registration.anonymous_launch = AnonymousLaunch.PUBLIC
    lms.registration.save()
    open_list = list_create(
        institution=institution,
        name="Open list",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
        visibility="OPEN_TO_WORLD",
    )
    response = lms.launch(client, sub=None)
    assert response.status_code == 302
    assert response["Location"] == f"/lists/{open_list.pk}/"
    assert "_auth_user_id" not in client.session
    assert LaunchRecord.objects.get().user is None


# Course matching ----------------------------------------------------------------------


def test_the_context_label_matches_the_course_code_ignoring_case_and_spaces(
    client, lms, institution
):
    course = course_create(institution=institution, code="HIST 101", title="History")
    record = assert_signed_in(
        lms.launch(client, context={"id": "c9", "label": "  hist   101 "}), client
    )
    assert record.course == course


def test_the_context_label_can_match_a_searchable_id(client, lms, institution):
    course = course_create(
        institution=institution, code="H-101", title="History", searchable_ids=["HIST101-LMS"]
    )
    record = assert_signed_in(
        lms.launch(client, context={"id": "c9", "label": "hist101-lms"}), client
    )
    assert record.course == course


def test_a_platform_can_match_by_a_custom_parameter_with_a_pattern(client, lms, institution):
    course = course_create(institution=institution, code="CHEM200", title="Chemistry")
    platform = lms.registration
    platform.course_match_source = "custom"
    platform.course_match_parameter = "course_code"
    platform.course_match_pattern = r"^([A-Z]+\d+)"
    platform.save()
    record = assert_signed_in(
        lms.launch(client, custom={"course_code": "CHEM200-2026-FALL"}), client
    )
    assert record.course == course


def test_the_match_is_remembered_for_the_context(client, lms, course):
    assert_signed_in(lms.launch(client, sub="s1"), client)
    Course.objects.filter(pk=course.pk).update(code="RENAMED")
    again = Client()
    record = assert_signed_in(lms.launch(again, sub="s2"), again)
    assert record.course_id == course.pk
    assert ContextLink.objects.get().matched_by == "rule"


def test_a_code_shared_by_several_sections_is_left_unmatched(client, lms, institution):
    course_create(institution=institution, code="HIST101", section="A", title="History A")
    course_create(institution=institution, code="HIST101", section="B", title="History B")
    record = assert_signed_in(lms.launch(client), client)
    assert record.course is None


def test_a_course_of_another_institution_is_never_matched(client, lms, other_institution):
    course_create(institution=other_institution, code="HIST101", title="Elsewhere")
    record = assert_signed_in(lms.launch(client), client)
    assert record.course is None


# Landing ------------------------------------------------------------------------------


def test_several_lists_land_on_a_chooser(client, lms, course, reading_list, institution):
    second = list_create(
        institution=institution,
        name="Further reading",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    response = lms.launch(client)
    assert response["Location"] == f"/lti/course/{course.pk}/"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert f"/lists/{reading_list.pk}/" in body
    assert f"/lists/{second.pk}/" in body


def test_a_student_lands_only_on_lists_students_may_see(client, lms, course, institution):
    list_create(institution=institution, name="Draft", courses=[course])
    response = lms.launch(client)
    assert response["Location"] == f"/lti/course/{course.pk}/"
    page = client.get(response["Location"])
    assert "There is no reading list for this course yet." in page.content.decode()
    assert "Draft" not in page.content.decode()


@pytest.mark.parametrize("drafts", [2, LANDING_CANDIDATES + 1])
def test_a_student_lands_on_the_one_list_they_may_see_however_many_the_course_has(
    client, lms, course, reading_list, institution, drafts
):
    """A few lists are judged one by one, many in one query: the landing is the same."""
    for number in range(drafts):
        list_create(institution=institution, name=f"Draft {number}", courses=[course])

    response = lms.launch(client)

    assert response["Location"] == f"/lists/{reading_list.pk}/"


def test_a_deep_linked_section_lands_on_that_section(client, lms, course, reading_list):
    section = reading_list.sections.get()
    response = lms.launch(client, custom={"readings_target": f"section:{section.pk}"})
    assert response["Location"] == f"/lists/{reading_list.pk}/#s{section.pk}"


def test_an_unmatched_course_tells_a_student_there_is_no_list_yet(client, lms):
    response = lms.launch(client, context={"id": "c-new", "label": "NEW100", "title": "New"})
    context = ContextLink.objects.get(context_id="c-new")
    assert response["Location"] == f"/lti/context/{context.pk}/"
    page = client.get(response["Location"])
    assert "no reading list for this course yet" in page.content.decode()
    assert client.post(response["Location"]).status_code == 403
    assert not Course.objects.exists()


def test_an_instructor_can_create_the_course_and_list_for_an_unmatched_context(
    client, lms, institution
):
    response = lms.launch(
        client, roles=INSTRUCTOR, context={"id": "c-new", "label": "new 100", "title": "Newness"}
    )
    created = client.post(response["Location"])
    course = Course.objects.get(institution=institution)
    assert (course.code, course.title) == ("NEW 100", "Newness")
    reading_list = course.reading_lists.get()
    assert created["Location"] == f"/lists/{reading_list.pk}/"
    user_id = int(client.session["_auth_user_id"])
    assert reading_list.members.get().user_id == user_id
    assert Enrollment.objects.get(course=course).role == "instructor"
    assert ContextLink.objects.get().course == course


def test_the_context_page_belongs_to_the_launch_that_opened_it(client, lms, make_user):
    response = lms.launch(client, roles=INSTRUCTOR, context={"id": "c-x", "label": "X1"})
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    assert stranger.post(response["Location"]).status_code == 404
    assert not Course.objects.exists()
