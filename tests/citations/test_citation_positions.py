"""Citations stay at 0..n-1 in their section, and in their section's list, under any move."""

from __future__ import annotations

import pytest

from readings.citations.models import Citation
from readings.citations.services import (
    citation_create,
    citation_delete,
    citation_move,
    citations_move,
)
from readings.core.exceptions import NotFound
from readings.lists.models import Section


def titles(section: Section) -> list[str]:
    return list(section.citations.order_by("position").values_list("title", flat=True))


def cite(title: str) -> Citation:
    return Citation.objects.get(title=title)


@pytest.fixture
def two_sections(make_list):
    reading_list = make_list("A", "B", items=3)
    return reading_list.sections.get(name="A"), reading_list.sections.get(name="B")


def test_a_new_citation_goes_at_the_end(two_sections, check_structure):
    a, _ = two_sections
    created = citation_create(section=a, fields={"title": "New"})
    assert created.position == 3
    assert titles(a) == ["A0", "A1", "A2", "New"]
    check_structure()


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (0, ["New", "A0", "A1", "A2"]),
        (1, ["A0", "New", "A1", "A2"]),
        (3, ["A0", "A1", "A2", "New"]),
        (40, ["A0", "A1", "A2", "New"]),
        (-2, ["New", "A0", "A1", "A2"]),
    ],
)
def test_a_new_citation_can_go_at_a_position(two_sections, check_structure, position, expected):
    a, _ = two_sections
    created = citation_create(section=a, fields={"title": "New"}, position=position)
    assert titles(a) == expected
    assert created.position == expected.index("New")
    check_structure()


@pytest.mark.parametrize(
    ("title", "position", "expected"),
    [
        ("A2", 0, ["A2", "A0", "A1"]),
        ("A0", 2, ["A1", "A2", "A0"]),
        ("A0", 9, ["A1", "A2", "A0"]),
        ("A1", -3, ["A1", "A0", "A2"]),
        ("A1", 1, ["A0", "A1", "A2"]),
    ],
)
def test_moving_a_citation_within_its_section(
    two_sections, check_structure, title, position, expected
):
    a, _ = two_sections
    moved = citation_move(citation_id=cite(title).pk, section=a, position=position)
    assert titles(a) == expected
    assert moved.position == expected.index(title)
    check_structure()


def test_moving_a_citation_to_another_section_closes_the_gap_it_leaves(
    two_sections, check_structure
):
    a, b = two_sections
    moved = citation_move(citation_id=cite("A1").pk, section=b, position=1)
    assert titles(a) == ["A0", "A2"]
    assert titles(b) == ["B0", "A1", "B1", "B2"]
    assert moved.section_id == b.pk and moved.position == 1
    check_structure()


def test_a_citation_moved_to_another_list_follows_its_section(
    two_sections, make_list, check_structure
):
    a, _ = two_sections
    other = make_list("X", items=2, name="Other")
    x = other.sections.get()
    moved = citation_move(citation_id=cite("A0").pk, section=x, position=0)
    assert moved.reading_list_id == other.pk
    assert titles(x) == ["A0", "X0", "X1"]
    assert titles(a) == ["A1", "A2"]
    assert sorted(other.citations.values_list("title", flat=True)) == ["A0", "X0", "X1"]
    check_structure()


def test_moving_several_citations_keeps_the_order_given(two_sections, check_structure):
    a, b = two_sections
    ids = [cite("B2").pk, cite("A0").pk, cite("A2").pk]
    moved = citations_move(citation_ids=ids, section=b, position=1)
    assert [c.title for c in moved] == ["B2", "A0", "A2"]
    assert titles(b) == ["B0", "B2", "A0", "A2", "B1"]
    assert titles(a) == ["A1"]
    check_structure()


def test_moving_several_citations_from_several_lists_into_one(
    two_sections, make_list, check_structure
):
    a, _ = two_sections
    other = make_list("X", items=2, name="Other")
    moved = citations_move(citation_ids=[cite("X1").pk, cite("B0").pk], section=a, position=99)
    assert [c.reading_list_id for c in moved] == [a.reading_list_id] * 2
    assert titles(a) == ["A0", "A1", "A2", "X1", "B0"]
    assert titles(other.sections.get()) == ["X0"]
    check_structure()


def test_a_citation_named_twice_in_a_move_moves_once(two_sections, check_structure):
    _, b = two_sections
    citations_move(citation_ids=[cite("A0").pk, cite("A0").pk], section=b, position=0)
    assert titles(b) == ["A0", "B0", "B1", "B2"]
    check_structure()


def test_a_move_naming_a_missing_citation_moves_nothing(two_sections):
    a, b = two_sections
    with pytest.raises(NotFound):
        citations_move(citation_ids=[cite("A0").pk, 999_999], section=b, position=0)
    assert titles(a) == ["A0", "A1", "A2"]
    assert titles(b) == ["B0", "B1", "B2"]


@pytest.mark.parametrize(("title", "expected"), [("A0", ["A1", "A2"]), ("A1", ["A0", "A2"])])
def test_deleting_a_citation_closes_the_gap(two_sections, check_structure, title, expected):
    a, _ = two_sections
    citation_delete(citation_id=cite(title).pk)
    assert titles(a) == expected
    check_structure()


def test_every_step_of_a_session_keeps_positions_contiguous(two_sections, check_structure):
    a, b = two_sections
    steps = [
        lambda: citation_create(section=b, fields={"title": "N"}, position=0),
        lambda: citation_move(citation_id=cite("N").pk, section=a, position=2),
        lambda: citations_move(citation_ids=[cite("A2").pk, cite("B1").pk], section=a, position=0),
        lambda: citation_delete(citation_id=cite("A0").pk),
        lambda: citation_move(citation_id=cite("B2").pk, section=b, position=0),
    ]
    for step in steps:
        step()
        check_structure()
    assert titles(a) == ["A2", "B1", "A1", "N"]
    assert titles(b) == ["B2", "B0"]


def test_moving_no_citations_changes_nothing(two_sections):
    a, _ = two_sections
    before = a.reading_list.version
    assert citations_move(citation_ids=[], section=a, position=0) == []
    a.reading_list.refresh_from_db()
    assert a.reading_list.version == before
    assert titles(a) == ["A0", "A1", "A2"]
