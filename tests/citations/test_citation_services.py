"""Creating and editing citations through the services: cleaned, complete or refused whole."""

from __future__ import annotations

import pytest

from readings.citations.models import Citation
from readings.citations.services import citation_create, citation_delete, citation_update
from readings.core.exceptions import InvalidInput, NotFound
from readings.lists.models import ReadingList


@pytest.fixture
def section(make_list):
    return make_list("A").sections.get()


def version_of(section) -> int:
    return ReadingList.objects.values_list("version", flat=True).get(pk=section.reading_list_id)


def test_a_ten_thousand_character_title_is_stored_intact(section):
    title = ("A remarkably long title, " * 400)[:9_999] + "."
    assert len(title) == 10_000
    created = citation_create(section=section, fields={"title": title})
    assert Citation.objects.get(pk=created.pk).title == title


def test_a_citation_is_stored_in_its_cleaned_form(section):
    created = citation_create(
        section=section,
        fields={
            "title": "  On Growth and Form ",
            "authors": "Thompson, D'Arcy Wentworth",
            "isbn": "0-521-43776-8",
            "secondary_type": "E_CR",
            "publication_date": "cop. 1992",
            "public_note": "<p onclick='x()'>Read <em>all</em></p><script>bad()</script>",
        },
    )
    stored = Citation.objects.get(pk=created.pk)
    assert stored.title == "On Growth and Form"
    assert stored.authors == [{"family": "Thompson", "given": "D'Arcy Wentworth"}]
    assert stored.isbn == "9780521437769"
    assert (stored.type, stored.secondary_type) == ("CR", "E_CR")
    assert stored.year == 1992
    assert stored.public_note == "<p>Read <em>all</em></p>"
    assert stored.reading_list_id == section.reading_list_id


def test_an_invalid_citation_is_refused_whole_and_the_list_is_untouched(section):
    before = version_of(section)
    with pytest.raises(InvalidInput) as caught:
        citation_create(
            section=section,
            fields={"title": "T", "isbn": "1", "url": "javascript:alert(1)", "status": "x"},
        )
    assert set(caught.value.errors) == {"isbn", "url", "status"}
    assert not Citation.objects.exists()
    assert version_of(section) == before


def test_changing_the_secondary_type_changes_the_material_type(section):
    created = citation_create(section=section, fields={"title": "T"})
    citation_update(citation_id=created.pk, fields={"secondary_type": "JR"})
    assert Citation.objects.values_list("type", "secondary_type").get() == ("CR", "JR")


def test_changing_the_publication_date_changes_the_year(section):
    created = citation_create(section=section, fields={"title": "T", "publication_date": "2001"})
    citation_update(citation_id=created.pk, fields={"publication_date": "[2019]"})
    assert Citation.objects.values_list("year", flat=True).get() == 2019


def test_an_edit_cannot_blank_the_title(section):
    created = citation_create(section=section, fields={"title": "Kept"})
    with pytest.raises(InvalidInput) as caught:
        citation_update(citation_id=created.pk, fields={"title": "   "})
    assert "title" in caught.value.errors
    assert Citation.objects.get().title == "Kept"


def test_an_invalid_edit_changes_nothing(section):
    created = citation_create(section=section, fields={"title": "T", "doi": "10.1000/a"})
    with pytest.raises(InvalidInput):
        citation_update(citation_id=created.pk, fields={"doi": "bad", "volume": "2"})
    assert Citation.objects.values_list("doi", "volume").get() == ("10.1000/a", "")


@pytest.mark.parametrize(
    "call",
    [
        lambda: citation_update(citation_id=999_999, fields={"title": "T"}),
        lambda: citation_delete(citation_id=999_999),
    ],
    ids=["update", "delete"],
)
def test_a_missing_citation_is_not_found(db, call):
    with pytest.raises(NotFound):
        call()
