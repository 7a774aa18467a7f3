"""The editor's citation services: one-time add, copies, moves checked against the edited list."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from readings.citations.models import Citation, CitationStatus
from readings.citations.services import (
    citation_add,
    citation_copy,
    citation_duplicate,
    citation_update,
    citations_delete,
    citations_move_within,
    citations_tag,
)
from readings.core.exceptions import Conflict, InvalidInput, NotFound
from readings.lists.models import Tag


def titles(section) -> list[str]:
    return list(section.citations.order_by("position").values_list("title", flat=True))


def test_the_same_add_form_sent_twice_adds_one_citation(make_list):
    reading_list = make_list("A")
    section = reading_list.sections.get()
    seen = reading_list.version
    first, created = citation_add(
        section=section, fields={"title": "Once"}, form_token="t1", expected_version=seen
    )
    again, created_again = citation_add(
        section=section, fields={"title": "Once"}, form_token="t1", expected_version=seen
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert titles(section) == ["Once"]


def test_a_new_form_with_a_stale_version_is_still_refused(make_list):
    reading_list = make_list("A")
    section = reading_list.sections.get()
    seen = reading_list.version
    citation_add(section=section, fields={"title": "One"}, form_token="t1", expected_version=seen)
    with pytest.raises(Conflict):
        citation_add(
            section=section, fields={"title": "Two"}, form_token="t2", expected_version=seen
        )


def test_read_by_week_is_kept_and_checked(make_list):
    section = make_list("A").sections.get()
    citation, _ = citation_add(section=section, fields={"title": "W"}, read_by_week="3")
    assert citation.read_by_week == 3
    with pytest.raises(InvalidInput) as caught:
        citation_update(citation_id=citation.pk, fields={}, read_by_week=0)
    assert "read_by_week" in caught.value.errors
    citation_update(citation_id=citation.pk, fields={"title": "W2"})
    citation.refresh_from_db()
    assert citation.read_by_week == 3


def test_a_duplicate_lands_below_its_original_with_its_tags(make_list, check_structure):
    reading_list = make_list("A", items=3)
    section = reading_list.sections.get()
    original = section.citations.get(title="A1")
    tag = Tag.objects.get(code="ESSENTIAL")
    original.tags.add(tag)
    copy = citation_duplicate(citation_id=original.pk, expected_version=reading_list.version)
    assert titles(section) == ["A0", "A1", "A1", "A2"]
    assert list(copy.tags.all()) == [tag]
    check_structure()


def test_a_copy_to_another_list_starts_unprocessed_and_leaves_the_original(make_list):
    source = make_list("A", items=1)
    target = make_list("B", name="Target")
    original = Citation.objects.get(reading_list=source)
    original.status = CitationStatus.COMPLETE
    original.save()
    copy = citation_copy(citation_id=original.pk, section=target.sections.get())
    assert copy.reading_list_id == target.pk
    assert copy.status == CitationStatus.BEING_PREPARED
    assert Citation.objects.filter(pk=original.pk, reading_list=source).exists()


def test_a_copy_cannot_go_to_another_institution(make_list, other_institution):
    source = make_list("A", items=1)
    foreign = make_list("X", inst=other_institution)
    original = Citation.objects.get(reading_list=source)
    with pytest.raises(InvalidInput):
        citation_copy(citation_id=original.pk, section=foreign.sections.get())


def test_moving_out_to_another_list_checks_the_edited_lists_version(make_list, check_structure):
    source = make_list("A", items=2)
    target = make_list("B", items=1, name="Target")
    moving = source.citations.get(title="A0")
    stale = source.version - 1
    with pytest.raises(Conflict):
        citations_move_within(
            reading_list_id=source.pk,
            citation_ids=[moving.pk],
            section=target.sections.get(),
            position=0,
            expected_version=stale,
        )
    new_version = citations_move_within(
        reading_list_id=source.pk,
        citation_ids=[moving.pk],
        section=target.sections.get(),
        position=0,
        expected_version=source.version,
    )
    assert new_version == source.version + 1
    assert titles(target.sections.get()) == ["A0", "B0"]
    check_structure()


def test_citations_of_another_list_cannot_be_moved_through_this_one(make_list):
    mine = make_list("A", items=1)
    other = make_list("B", items=1, name="Other")
    foreign = other.citations.get()
    with pytest.raises(NotFound):
        citations_move_within(
            reading_list_id=mine.pk,
            citation_ids=[foreign.pk],
            section=mine.sections.get(),
            position=0,
        )


def test_bulk_delete_and_tag_keep_positions_and_refuse_foreign_tags(
    make_list, other_institution, check_structure
):
    reading_list = make_list("A", "B", items=3)
    a, b = reading_list.sections.order_by("position")
    ids = [a.citations.get(title="A1").pk, b.citations.get(title="B0").pk]
    version = citations_tag(
        reading_list_id=reading_list.pk,
        citation_ids=ids,
        tag=Tag.objects.get(code="OPTIONAL", institution=reading_list.institution),
        expected_version=reading_list.version,
    )
    foreign_tag = Tag.objects.get(code="OPTIONAL", institution=other_institution)
    with pytest.raises(InvalidInput):
        citations_tag(reading_list_id=reading_list.pk, citation_ids=ids, tag=foreign_tag)
    citations_delete(reading_list_id=reading_list.pk, citation_ids=ids, expected_version=version)
    assert titles(a) == ["A0", "A2"]
    assert titles(b) == ["B1", "B2"]
    check_structure()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_form_add_one_citation(make_list):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    reading_list = make_list("A")
    section = reading_list.sections.get()
    seen = reading_list.version
    barrier = threading.Barrier(2)
    outcomes = []

    def submit() -> None:
        try:
            barrier.wait()
            outcomes.append(
                citation_add(
                    section=section,
                    fields={"title": "Race"},
                    form_token="same",
                    expected_version=seen,
                )[1]
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert titles(section) == ["Race"]
