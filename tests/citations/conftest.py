from __future__ import annotations

import pytest
from django.db.models import F

from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.core import positions
from readings.lists.models import ReadingList, Section
from readings.lists.services import list_create, section_create


@pytest.fixture
def make_user(make_user):
    """The shared factory without a password: hashing is slow and irrelevant here."""

    def make(*args, **kwargs):
        kwargs.setdefault("password", "")
        return make_user(*args, **kwargs)

    return make


@pytest.fixture
def make_list(institution):
    """make_list("A", "B", items=2) → a list with sections A and B, each with 2 citations."""

    def make(*sections: str, items: int = 0, inst=None, **fields) -> ReadingList:
        fields.setdefault("name", "Readings")
        reading_list = list_create(institution=inst or institution, first_section=None, **fields)
        for name in sections:
            section = section_create(reading_list=reading_list, name=name)
            for n in range(items):
                citation_create(section=section, fields={"title": f"{name}{n}"})
        reading_list.refresh_from_db()
        return reading_list

    return make


@pytest.fixture
def check_structure(db):
    """Assert the structural invariants of every list in the database."""

    def check() -> None:
        assert positions.misplaced(Section, "reading_list") == []
        assert positions.misplaced(Citation, "section") == []
        assert not Citation.objects.exclude(reading_list=F("section__reading_list")).exists()

    return check
