"""Reading institution settings, resolving one by code, and its local date."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from readings.core.exceptions import InvalidInput
from readings.institutions.selectors import (
    institution_resolve,
    institution_setting,
    institution_today,
)
from readings.institutions.services import institution_update

_UTC = datetime.UTC


def _now(*args):
    return mock.patch(
        "readings.institutions.selectors.timezone.now",
        return_value=datetime.datetime(*args, tzinfo=_UTC),
    )


@pytest.mark.parametrize(
    ("time_zone", "utc_now", "local_day"),
    [
        # Late evening in UTC is already tomorrow in New Zealand…
        ("Pacific/Auckland", (2025, 3, 9, 23, 30), datetime.date(2025, 3, 10)),
        # …and still yesterday in California early in the UTC morning.
        ("America/Los_Angeles", (2025, 3, 10, 3, 0), datetime.date(2025, 3, 9)),
        # British Summer Time: 23:30 UTC is 00:30 the next day in London.
        ("Europe/London", (2025, 6, 1, 23, 30), datetime.date(2025, 6, 2)),
        ("UTC", (2025, 6, 1, 23, 30), datetime.date(2025, 6, 1)),
    ],
)
def test_today_is_the_date_where_the_institution_is(institution, time_zone, utc_now, local_day):
    institution_update(institution=institution, time_zone=time_zone)
    with _now(*utc_now):
        assert institution_today(institution) == local_day


def test_a_setting_not_set_has_its_default(institution):
    assert institution_setting(institution, "create_unknown_departments") is False


def test_a_setting_set_on_the_institution_wins(institution):
    institution.settings = {"create_unknown_departments": True}
    assert institution_setting(institution, "create_unknown_departments") is True


def test_an_unknown_setting_name_is_a_programming_error(institution):
    with pytest.raises(KeyError):
        institution_setting(institution, "no_such_setting")


def test_the_only_institution_is_used_when_none_is_named(institution):
    assert institution_resolve(None) == institution


def test_naming_no_institution_among_several_asks_for_one(institution, other_institution):
    with pytest.raises(InvalidInput) as caught:
        institution_resolve("")
    assert "--institution" in caught.value.errors["institution"][0]


def test_an_unknown_institution_code_is_refused(institution):
    with pytest.raises(InvalidInput) as caught:
        institution_resolve("NOPE")
    assert "NOPE" in caught.value.errors["institution"][0]


def test_with_no_institution_yet_the_message_says_how_to_add_one(db):
    with pytest.raises(InvalidInput) as caught:
        institution_resolve(None)
    assert "readings institution add" in caught.value.errors["institution"][0]
