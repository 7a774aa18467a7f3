"""The position helpers: placing rows and finding parents whose positions have gaps."""

from __future__ import annotations

from readings.core import positions
from readings.lists.models import Section
from readings.lists.services import list_create, section_create


def _list_with(institution, *names, code=""):
    reading_list = list_create(institution=institution, name="L", code=code, first_section=None)
    return reading_list, [section_create(reading_list=reading_list, name=n).pk for n in names]


def test_contiguous_positions_are_not_reported(institution):
    _list_with(institution, "A", "B", "C")
    assert positions.misplaced(Section, "reading_list") == []


def test_a_gap_is_reported_for_its_parent_only(institution):
    broken, ids = _list_with(institution, "A", "B", "C", code="BROKEN")
    _list_with(institution, "A", "B", code="FINE")
    Section.objects.filter(pk=ids[1]).update(position=7)
    assert positions.misplaced(Section, "reading_list") == [broken.pk]


def test_positions_not_starting_at_zero_are_reported(institution):
    broken, ids = _list_with(institution, "A", "B")
    Section.objects.filter(pk=ids[1]).update(position=2)
    Section.objects.filter(pk=ids[0]).update(position=1)
    assert positions.misplaced(Section, "reading_list") == [broken.pk]


def test_place_reorders_rows_across_parents_in_one_go(institution):
    first, (a, b) = _list_with(institution, "A", "B", code="ONE")
    second, (x, y) = _list_with(institution, "X", "Y", code="TWO")
    # Swap A into the second list between X and Y, and reverse what is left.
    positions.place(Section, "reading_list", {first.pk: [b], second.pk: [x, a, y]})
    assert list(
        Section.objects.order_by("reading_list", "position").values_list("reading_list", "pk")
    ) == [(first.pk, b), (second.pk, x), (second.pk, a), (second.pk, y)]
    assert positions.misplaced(Section, "reading_list") == []


def test_place_writes_extra_fields_on_the_named_rows(institution):
    reading_list, (a, b) = _list_with(institution, "A", "B")
    positions.place(Section, "reading_list", {reading_list.pk: [b, a]}, extra={a: {"name": "Z"}})
    assert list(reading_list.sections.values_list("name", flat=True)) == ["B", "Z"]
