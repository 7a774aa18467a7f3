"""Author and editor names as written, into ordered name objects (no database)."""

from __future__ import annotations

import pytest

from readings.citations.names import clean_names, format_names, parse_names

SMITH = {"family": "Smith", "given": "Jane"}
DOE = {"family": "Doe", "given": "John"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Smith, Jane; Doe, John", [SMITH, DOE]),
        ("Smith, Jane ;Doe, John;", [SMITH, DOE]),
        ("Jane Smith and John Doe", [SMITH, DOE]),
        ("Jane Smith & John Doe", [SMITH, DOE]),
        ("Smith, Jane and Doe, John", [SMITH, DOE]),
        ("Jane  Q.   Smith", [{"family": "Smith", "given": "Jane Q."}]),
        ("Smith,", [{"family": "Smith"}]),
        ("Plato", [{"literal": "Plato"}]),
        ("Anderson, Brandon", [{"family": "Anderson", "given": "Brandon"}]),
        ("", []),
        (" ; ", []),
    ],
)
def test_names_are_split_and_ordered(given, expected):
    assert parse_names(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Smith, Jane; Doe, John", [SMITH, DOE]),
        (["Smith, Jane", "John Doe", "  "], [SMITH, DOE]),
        ([{"family": " Smith ", "given": "Jane", "suffix": "x"}], [SMITH]),
        ([{"family": "Smith", "given": None}], [{"family": "Smith"}]),
        ([{"literal": "World Health Organization"}], [{"literal": "World Health Organization"}]),
        ([{"family": "", "given": ""}, {}], []),
        (None, []),
        ([], []),
        ([SMITH, "Doe, John"], [SMITH, DOE]),
        ({"family": "Smith", "given": "Jane"}, [SMITH]),
    ],
)
def test_names_may_come_as_text_or_a_list_of_strings_or_dicts(given, expected):
    assert clean_names(given) == expected


@pytest.mark.parametrize("given", [[42], [["Smith"]], 42, 4.5])
def test_anything_else_is_not_a_name(given):
    with pytest.raises(ValueError, match="not a name"):
        clean_names(given)


def test_names_written_out_read_back_the_same():
    names = [SMITH, DOE, {"literal": "Plato"}]
    assert format_names(names) == "Smith, Jane; Doe, John; Plato"
    assert parse_names(format_names(names)) == names
