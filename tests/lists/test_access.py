"""Who sees, edits and manages a list: every role against every status and visibility.

One table states the rules; list_access, visible_lists and access_list_by_id
must each follow it for every cell, and agree with each other.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from readings.accounts.models import User
from readings.core.exceptions import Forbidden, NotFound
from readings.courses.services import course_create, course_enroll, course_unenroll
from readings.lists.access import (
    EDIT,
    MANAGE,
    NONE,
    READ,
    access_list_by_id,
    list_access,
    visible_lists,
)
from readings.lists.models import PublicationStatus, ReadingList, Visibility
from readings.lists.services import list_create, member_set

DRAFT, PUBLISHED, ARCHIVED = PublicationStatus.values
OPEN, INSTITUTION, COURSE, PRIVATE = Visibility.values


def reads(*visibilities):
    """A reader: sees a list only once published, and only with these visibilities."""
    return lambda status, visibility: (
        READ if status == PUBLISHED and visibility in visibilities else NONE
    )


def always(access):
    """Staff, collaborators and teachers: the same access whatever the list's state."""
    return lambda status, visibility: access


EXPECTED = {
    "anonymous": reads(OPEN),
    "student enrolled in the linked course": reads(OPEN, INSTITUTION, COURSE),
    "student of another course": reads(OPEN, INSTITUTION),
    "student of another institution": reads(OPEN),
    "instructor of the linked course": always(EDIT),
    "instructor enrolled as such in the linked course": always(EDIT),
    "instructor of another course": reads(OPEN, INSTITUTION),
    "collaborator who can edit": always(EDIT),
    "collaborator who can manage": always(MANAGE),
    "owner": always(MANAGE),
    "librarian": always(EDIT),
    "administrator": always(MANAGE),
    "librarian of another institution": reads(OPEN),
    "administrator of another institution": reads(OPEN),
    "superuser": always(MANAGE),
}
STATES = list(itertools.product(PublicationStatus.values, Visibility.values))


@pytest.fixture
def world(institution, other_institution, make_user):
    linked = course_create(institution=institution, code="LINKED", title="Linked")
    other_course = course_create(institution=institution, code="OTHER", title="Other")
    theirs = course_create(institution=other_institution, code="LINKED", title="Theirs")

    def person(role, *, course=None, as_=None, inst=None, teaches=None):
        user = make_user(roles=[role], inst=inst)
        if course is not None:
            course_enroll(course=course, user=user, role=as_ or "student")
        if teaches is not None:
            teaches.instructors.add(user)
        return user

    people = {
        "anonymous": AnonymousUser(),
        "student enrolled in the linked course": person("student", course=linked),
        "student of another course": person("student", course=other_course),
        "student of another institution": person("student", course=theirs, inst=other_institution),
        "instructor of the linked course": person("instructor", teaches=linked),
        "instructor enrolled as such in the linked course": person(
            "instructor", course=linked, as_="instructor"
        ),
        "instructor of another course": person("instructor", teaches=other_course),
        "collaborator who can edit": person("instructor"),
        "collaborator who can manage": person("instructor"),
        "owner": person("instructor"),
        "librarian": person("librarian"),
        "administrator": person("administrator"),
        "librarian of another institution": person("librarian", inst=other_institution),
        "administrator of another institution": person("administrator", inst=other_institution),
        "superuser": User.objects.create_superuser("root", "root@example.edu", None),
    }
    lists = {}
    for status, visibility in STATES:
        reading_list = list_create(
            institution=institution,
            name=f"{status} {visibility}",
            publication_status=status,
            visibility=visibility,
            courses=[linked],
            acting_user=people["owner"],
        )
        member_set(reading_list=reading_list, user=people["collaborator who can edit"], role="edit")
        member_set(
            reading_list=reading_list, user=people["collaborator who can manage"], role="manage"
        )
        lists[status, visibility] = reading_list
    return SimpleNamespace(people=people, lists=lists, linked=linked)


def cells(world):
    for who, user in world.people.items():
        for (status, visibility), reading_list in world.lists.items():
            yield who, user, status, visibility, reading_list


def test_list_access_follows_the_table_for_every_role_status_and_visibility(world):
    wrong = [
        (who, status, visibility, got, want)
        for who, user, status, visibility, reading_list in cells(world)
        if (got := list_access(user, reading_list)) != (want := EXPECTED[who](status, visibility))
    ]
    assert wrong == []


def test_visible_lists_agrees_with_list_access_in_every_cell(world):
    disagree = []
    for who, user in world.people.items():
        listed = set(visible_lists(user).values_list("pk", flat=True))
        for state, reading_list in world.lists.items():
            viewable = list_access(user, reading_list).view
            if viewable != (reading_list.pk in listed) or viewable != EXPECTED[who](*state).view:
                disagree.append((who, *state, viewable, reading_list.pk in listed))
    assert disagree == []


def test_a_list_hidden_from_a_user_is_not_found_exactly_like_a_missing_one(world):
    with pytest.raises(NotFound) as missing:
        access_list_by_id(world.people["superuser"], 999_999)
    hidden = 0
    for who, user, status, visibility, reading_list in cells(world):
        if EXPECTED[who](status, visibility).view:
            continue
        hidden += 1
        for kwargs in ({}, {"for_edit": True}, {"for_manage": True}):
            with pytest.raises(NotFound) as caught:
                access_list_by_id(user, reading_list.pk, **kwargs)
            assert caught.value.message == missing.value.message
    assert hidden > 0


@pytest.mark.parametrize("mode", ["for_edit", "for_manage"])
def test_a_list_seen_but_not_changeable_is_forbidden_for_changes(world, mode):
    for who, user, status, visibility, reading_list in cells(world):
        expected = EXPECTED[who](status, visibility)
        allowed = expected.edit if mode == "for_edit" else expected.manage
        if not expected.view:
            continue
        if allowed:
            fetched, access = access_list_by_id(user, reading_list.pk, **{mode: True})
            assert (fetched.pk, access) == (reading_list.pk, expected), (who, status, visibility)
        else:
            with pytest.raises(Forbidden):
                access_list_by_id(user, reading_list.pk, **{mode: True})


def test_access_list_by_id_returns_the_access_it_decided(world):
    student = world.people["student enrolled in the linked course"]
    reading_list = world.lists[PUBLISHED, COURSE]
    assert access_list_by_id(student, reading_list.pk) == (reading_list, READ)


def test_a_course_list_without_a_linked_course_is_for_its_editors_only(institution, make_user):
    owner, student = make_user(), make_user(roles=["student"])
    course = course_create(institution=institution, code="C", title="C")
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Unlinked",
        acting_user=owner,
        publication_status=PUBLISHED,
        visibility=COURSE,
    )
    assert list_access(student, reading_list) == NONE
    assert list_access(owner, reading_list) == MANAGE
    assert not visible_lists(student).exists()


def test_leaving_the_course_takes_away_a_course_list(world):
    student = world.people["student enrolled in the linked course"]
    reading_list = world.lists[PUBLISHED, COURSE]
    course_unenroll(course=world.linked, user=student)
    assert list_access(student, reading_list) == NONE
    assert not visible_lists(student).filter(pk=reading_list.pk).exists()


def test_a_list_linked_to_two_of_my_courses_is_listed_once(institution, make_user):
    student = make_user(roles=["student"])
    courses = [course_create(institution=institution, code=c, title=c) for c in ("A", "B")]
    for course in courses:
        course_enroll(course=course, user=student)
        course.instructors.add(student)
    list_create(
        institution=institution,
        name="Shared",
        courses=courses,
        publication_status=PUBLISHED,
        visibility=COURSE,
    )
    assert visible_lists(student).count() == 1


def test_visible_lists_filters_the_queryset_it_is_given(world):
    student = world.people["student enrolled in the linked course"]
    only_open = ReadingList.objects.filter(visibility=OPEN)
    assert list(visible_lists(student, only_open)) == [world.lists[PUBLISHED, OPEN]]


def test_visible_lists_is_one_query(world, django_assert_num_queries):
    student = world.people["student enrolled in the linked course"]
    assert student.role_set  # roles are loaded once per request, not per list
    with django_assert_num_queries(1):
        assert len(list(visible_lists(student))) == 3
