"""Optimistic locking: every change bumps the list's version; a stale one changes nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from readings.citations.models import Citation
from readings.citations.services import (
    citation_create,
    citation_delete,
    citation_move,
    citation_set_tags,
    citation_update,
    citations_move,
)
from readings.core.exceptions import Conflict
from readings.courses.services import course_create
from readings.lists.models import ListCourse, ReadingList, Section, Tag
from readings.lists.services import (
    list_delete,
    list_link_course,
    list_publish,
    list_send_to_library,
    list_unlink_course,
    list_update,
    section_create,
    section_delete,
    section_move,
    section_set_tags,
    section_update,
)


@pytest.fixture
def world(make_list, institution):
    reading_list = make_list("A", "B", items=2, name="Main")
    other = make_list("X", items=1, name="Other", code="OTHER")
    linked = course_create(institution=institution, code="C1", title="Linked")
    list_link_course(reading_list=reading_list, course=linked)
    return SimpleNamespace(
        list=reading_list,
        other=other,
        a=reading_list.sections.get(name="A"),
        b=reading_list.sections.get(name="B"),
        x=other.sections.get(),
        linked=linked,
        unlinked=course_create(institution=institution, code="C2", title="Not linked"),
        tag=Tag.objects.get(institution=institution, code="ESSENTIAL"),
    )


def cite(title: str) -> int:
    return Citation.objects.get(title=title).pk


# Each service that changes the list, called with the version the caller holds.
CHANGES = {
    "list_update": lambda w, v: list_update(list_id=w.list.pk, expected_version=v, name="New"),
    "list_publish": lambda w, v: list_publish(list_id=w.list.pk, expected_version=v),
    "list_send_to_library": lambda w, v: list_send_to_library(
        list_id=w.list.pk, expected_version=v
    ),
    "list_link_course": lambda w, v: list_link_course(
        reading_list=w.list, course=w.unlinked, expected_version=v
    ),
    "list_unlink_course": lambda w, v: list_unlink_course(
        reading_list=w.list, course=w.linked, expected_version=v
    ),
    "section_create": lambda w, v: section_create(
        reading_list=w.list, name="C", position=0, expected_version=v
    ),
    "section_update": lambda w, v: section_update(section_id=w.a.pk, name="Z", expected_version=v),
    "section_move": lambda w, v: section_move(section_id=w.a.pk, position=1, expected_version=v),
    "section_delete": lambda w, v: section_delete(section_id=w.a.pk, expected_version=v),
    "section_set_tags": lambda w, v: section_set_tags(
        section=w.a, tags=[w.tag], expected_version=v
    ),
    "citation_create": lambda w, v: citation_create(
        section=w.a, fields={"title": "N"}, position=0, expected_version=v
    ),
    "citation_update": lambda w, v: citation_update(
        citation_id=cite("A0"), fields={"title": "T"}, expected_version=v
    ),
    "citation_set_tags": lambda w, v: citation_set_tags(
        citation=Citation.objects.get(title="A0"), tags=[w.tag], expected_version=v
    ),
    "citation_move": lambda w, v: citation_move(
        citation_id=cite("A0"), section=w.b, position=0, expected_version=v
    ),
    "citations_move": lambda w, v: citations_move(
        citation_ids=[cite("B1"), cite("A1")], section=w.a, position=0, expected_version=v
    ),
    "citation_delete": lambda w, v: citation_delete(citation_id=cite("A1"), expected_version=v),
}


def snapshot(reading_list: ReadingList) -> dict:
    """Everything a change could touch, as plain values."""
    return {
        "list": ReadingList.objects.filter(pk=reading_list.pk).values().get(),
        "sections": list(
            Section.objects.filter(reading_list=reading_list)
            .order_by("pk")
            .values("pk", "name", "position", "tags")
        ),
        "citations": list(
            Citation.objects.order_by("pk").values(
                "pk", "title", "reading_list", "section", "position", "tags"
            )
        ),
        "courses": list(ListCourse.objects.filter(reading_list=reading_list).values("course")),
    }


def version(reading_list: ReadingList) -> int:
    return ReadingList.objects.values_list("version", flat=True).get(pk=reading_list.pk)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_with_the_current_version_bumps_it(world, change):
    before = version(world.list)
    change(world, before)
    assert version(world.list) == before + 1


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_without_a_version_still_bumps_it(world, change):
    before = version(world.list)
    change(world, None)
    assert version(world.list) == before + 1


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_with_a_stale_version_is_refused_and_changes_nothing(world, change):
    before = snapshot(world.list)
    stale = before["list"]["version"] - 1
    with pytest.raises(Conflict) as caught:
        change(world, stale)
    assert caught.value.code == "stale_version"
    assert f"you had version {stale}" in caught.value.message
    assert snapshot(world.list) == before


def test_a_stale_delete_keeps_the_list(world):
    with pytest.raises(Conflict):
        list_delete(list_id=world.list.pk, expected_version=version(world.list) - 1)
    assert ReadingList.objects.filter(pk=world.list.pk).exists()


def test_a_move_between_lists_bumps_both(world):
    source, target = version(world.list), version(world.other)
    citation_move(citation_id=cite("A0"), section=world.x, position=0, expected_version=target)
    assert (version(world.list), version(world.other)) == (source + 1, target + 1)


def test_a_move_between_lists_checks_the_target_version(world):
    stale_target = version(world.other) - 1
    with pytest.raises(Conflict):
        citation_move(
            citation_id=cite("A0"), section=world.x, position=0, expected_version=stale_target
        )
    assert Citation.objects.get(title="A0").section_id == world.a.pk


def test_two_editors_with_the_same_version_cannot_both_write(world):
    seen = version(world.list)
    list_update(list_id=world.list.pk, expected_version=seen, name="First")
    with pytest.raises(Conflict):
        list_update(list_id=world.list.pk, expected_version=seen, name="Second")
    assert ReadingList.objects.get(pk=world.list.pk).name == "First"


def test_linking_a_course_already_linked_changes_nothing(world):
    before = version(world.list)
    list_link_course(reading_list=world.list, course=world.linked)
    assert version(world.list) == before
