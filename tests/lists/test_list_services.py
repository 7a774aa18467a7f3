"""Lists, members and tags: unique per institution, refused across institutions."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from readings.citations.models import Citation
from readings.citations.services import citation_create, citation_move, citation_set_tags
from readings.core.exceptions import InvalidInput
from readings.courses.services import course_create
from readings.lists.models import ListCourse, ListMember, ReadingList, Tag
from readings.lists.services import (
    list_create,
    list_link_course,
    list_update,
    member_remove,
    member_set,
    section_create,
    section_set_tags,
    section_update,
    tag_create,
)


def test_a_list_code_is_taken_once_per_institution(institution, other_institution):
    list_create(institution=institution, name="One", code="RL-1")
    list_create(institution=other_institution, name="Elsewhere", code="RL-1")
    with pytest.raises(InvalidInput) as caught:
        list_create(institution=institution, name="Two", code=" RL-1 ")
    assert list(caught.value.errors) == ["code"]
    assert ReadingList.objects.filter(institution=institution).count() == 1


def test_a_list_without_a_code_gets_a_fresh_one(institution):
    first = list_create(institution=institution, name="One", code="  ")
    second = list_create(institution=institution, name="Two")
    assert first.code and second.code and first.code != second.code


def test_an_unknown_visibility_is_refused_listing_the_choices(institution):
    reading_list = list_create(institution=institution, name="One")
    with pytest.raises(InvalidInput) as caught:
        list_update(list_id=reading_list.pk, visibility="EVERYONE")
    assert "visibility" in caught.value.errors


def test_a_tag_code_is_taken_once_per_institution(institution, other_institution):
    tag_create(institution=institution, code="WEEK1", name="Week 1")
    tag_create(institution=other_institution, code="WEEK1", name="Week 1")
    with pytest.raises(InvalidInput) as caught:
        tag_create(institution=institution, code="WEEK1", name="Again")
    assert list(caught.value.errors) == ["code"]


def test_the_creator_becomes_the_owner(institution, make_user):
    owner = make_user()
    reading_list = list_create(institution=institution, name="One", acting_user=owner)
    assert list(reading_list.members.values_list("user", "role")) == [(owner.pk, "owner")]


def test_a_collaborator_is_listed_once_with_the_latest_role(institution, make_user):
    reading_list = list_create(institution=institution, name="One")
    helper = make_user()
    member_set(reading_list=reading_list, user=helper, role="edit")
    member_set(reading_list=reading_list, user=helper, role="manage")
    assert list(ListMember.objects.values_list("user", "role")) == [(helper.pk, "manage")]


def test_an_unknown_collaborator_role_is_refused(institution, make_user):
    reading_list = list_create(institution=institution, name="One")
    with pytest.raises(InvalidInput) as caught:
        member_set(reading_list=reading_list, user=make_user(), role="admin")
    assert "owner" in caught.value.errors["role"][0]


def test_the_last_owner_cannot_leave(institution, make_user):
    owner = make_user()
    reading_list = list_create(institution=institution, name="One", acting_user=owner)
    with pytest.raises(InvalidInput):
        member_remove(reading_list=reading_list, user=owner)
    second = make_user()
    member_set(reading_list=reading_list, user=second, role="owner")
    member_remove(reading_list=reading_list, user=owner)
    assert list(reading_list.members.values_list("user", flat=True)) == [second.pk]


# Across institutions -------------------------------------------------------


def test_a_new_list_cannot_link_another_institution_course(institution, other_institution):
    foreign = course_create(institution=other_institution, code="C1", title="Theirs")
    with pytest.raises(InvalidInput) as caught:
        list_create(institution=institution, name="One", courses=[foreign])
    assert "courses" in caught.value.errors
    assert not ReadingList.objects.exists()


def test_linking_another_institution_course_later_is_refused(make_list, other_institution):
    reading_list = make_list()
    foreign = course_create(institution=other_institution, code="C1", title="Theirs")
    with pytest.raises(InvalidInput):
        list_link_course(reading_list=reading_list, course=foreign)
    assert not ListCourse.objects.exists()


def test_a_collaborator_of_another_institution_is_refused(make_list, make_user, other_institution):
    with pytest.raises(InvalidInput) as caught:
        member_set(reading_list=make_list(), user=make_user(inst=other_institution), role="edit")
    assert "user" in caught.value.errors
    assert not ListMember.objects.exists()


def test_another_institution_tag_is_refused_on_a_section(make_list, other_institution):
    section = make_list("A").sections.get()
    foreign = Tag.objects.get(institution=other_institution, code="ESSENTIAL")
    with pytest.raises(InvalidInput) as caught:
        section_set_tags(section=section, tags=[foreign])
    assert "tags" in caught.value.errors
    assert not section.tags.exists()


def test_another_institution_tag_is_refused_on_a_citation(make_list, other_institution):
    section = make_list("A", items=1).sections.get()
    foreign = Tag.objects.get(institution=other_institution, code="ESSENTIAL")
    with pytest.raises(InvalidInput):
        citation_create(section=section, fields={"title": "New"}, tags=[foreign])
    with pytest.raises(InvalidInput):
        citation_set_tags(citation=Citation.objects.get(), tags=[foreign])
    assert list(Citation.objects.values_list("title", flat=True)) == ["A0"]
    assert not Citation.objects.get().tags.exists()


def test_a_citation_cannot_move_into_another_institution_list(make_list, other_institution):
    ours = make_list("A", items=2)
    theirs = make_list("X", items=1, inst=other_institution, name="Theirs")
    moving = ours.citations.get(title="A0")
    with pytest.raises(InvalidInput) as caught:
        citation_move(citation_id=moving.pk, section=theirs.sections.get(), position=0)
    assert "section" in caught.value.errors
    moving.refresh_from_db()
    assert (moving.reading_list_id, moving.position) == (ours.pk, 0)
    assert theirs.citations.count() == 1


def test_a_section_cannot_close_before_it_opens(make_list):
    reading_list = make_list("A")
    with pytest.raises(InvalidInput) as caught:
        section_create(
            reading_list=reading_list,
            name="Backwards",
            start_date=datetime.date(2025, 3, 10),
            end_date=datetime.date(2025, 3, 1),
        )
    assert caught.value.errors == {"__all__": ["The section cannot close before it opens."]}
    assert list(reading_list.sections.values_list("name", flat=True)) == ["A"]
    assert ReadingList.objects.get(pk=reading_list.pk).version == reading_list.version


@pytest.mark.parametrize(
    "change",
    [
        lambda rl: list_update(list_id=rl.pk, name="   "),
        lambda rl: section_update(section_id=rl.sections.get().pk, name="  "),
    ],
    ids=["list", "section"],
)
def test_a_name_of_only_spaces_is_refused_as_blank(make_list, change):
    reading_list = make_list("A", name="Kept")
    with pytest.raises(InvalidInput) as caught:
        change(reading_list)
    assert list(caught.value.errors) == ["name"]
    reading_list.refresh_from_db()
    assert (reading_list.name, reading_list.sections.get().name) == ("Kept", "A")


def test_a_duplicate_list_code_that_slips_past_validation_is_still_a_field_error(institution):
    """Two requests can both validate before either saves: the database has the last word."""
    list_create(institution=institution, name="One", code="RL-1")
    with mock.patch("readings.lists.services.validate"), pytest.raises(InvalidInput) as caught:
        list_create(institution=institution, name="Two", code="RL-1")
    assert list(caught.value.errors) == ["code"]
    assert ReadingList.objects.count() == 1
