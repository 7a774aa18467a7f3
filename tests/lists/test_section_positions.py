"""Sections stay at positions 0..n-1 after every create, move and delete."""

from __future__ import annotations

import pytest

from readings.citations.models import Citation
from readings.core.exceptions import NotFound
from readings.lists.models import ReadingList
from readings.lists.services import section_create, section_delete, section_move


def names(reading_list: ReadingList) -> list[str]:
    return list(reading_list.sections.order_by("position").values_list("name", flat=True))


def section(reading_list: ReadingList, name: str):
    return reading_list.sections.get(name=name)


def test_a_new_section_goes_at_the_end(make_list, check_structure):
    reading_list = make_list("A", "B")
    created = section_create(reading_list=reading_list, name="C")
    assert created.position == 2
    assert names(reading_list) == ["A", "B", "C"]
    check_structure()


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (0, ["New", "A", "B", "C"]),
        (1, ["A", "New", "B", "C"]),
        (2, ["A", "B", "New", "C"]),
        (3, ["A", "B", "C", "New"]),
        (99, ["A", "B", "C", "New"]),
        (-5, ["New", "A", "B", "C"]),
    ],
)
def test_a_new_section_can_go_at_a_position(make_list, check_structure, position, expected):
    reading_list = make_list("A", "B", "C")
    created = section_create(reading_list=reading_list, name="New", position=position)
    assert names(reading_list) == expected
    assert created.position == expected.index("New")
    check_structure()


def test_the_first_section_of_an_empty_list_is_at_zero(make_list, check_structure):
    reading_list = make_list()
    assert section_create(reading_list=reading_list, name="Only", position=4).position == 0
    check_structure()


@pytest.mark.parametrize(
    ("name", "position", "expected"),
    [
        ("C", 0, ["C", "A", "B", "D"]),  # to the start
        ("A", 3, ["B", "C", "D", "A"]),  # to the end
        ("A", 50, ["B", "C", "D", "A"]),  # beyond the end: the end
        ("D", -1, ["D", "A", "B", "C"]),  # negative: the start
        ("B", 2, ["A", "C", "B", "D"]),  # one down
        ("C", 1, ["A", "C", "B", "D"]),  # one up
        ("B", 1, ["A", "B", "C", "D"]),  # where it already is
    ],
)
def test_moving_a_section_shifts_the_others(make_list, check_structure, name, position, expected):
    reading_list = make_list("A", "B", "C", "D", items=2)
    moved = section_move(section_id=section(reading_list, name).pk, position=position)
    assert names(reading_list) == expected
    assert moved.position == expected.index(name)
    check_structure()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("A", ["B", "C"]), ("B", ["A", "C"]), ("C", ["A", "B"])],
)
def test_deleting_a_section_closes_the_gap(make_list, check_structure, name, expected):
    reading_list = make_list("A", "B", "C", items=2)
    section_delete(section_id=section(reading_list, name).pk)
    assert names(reading_list) == expected
    check_structure()


def test_deleting_a_section_deletes_only_its_citations(make_list):
    reading_list = make_list("A", "B", items=2)
    section_delete(section_id=section(reading_list, "A").pk)
    assert sorted(Citation.objects.values_list("title", flat=True)) == ["B0", "B1"]


def test_moving_sections_of_one_list_leaves_another_alone(make_list, check_structure):
    first = make_list("A", "B", "C")
    second = make_list("X", "Y", "Z", name="Other")
    section_move(section_id=section(first, "A").pk, position=2)
    section_delete(section_id=section(first, "B").pk)
    assert names(second) == ["X", "Y", "Z"]
    check_structure()


def test_moving_a_missing_section_is_not_found(db):
    with pytest.raises(NotFound):
        section_move(section_id=999_999, position=0)
