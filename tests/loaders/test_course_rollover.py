"""ROLLOVER rows: the new course gets a copy of each old list, once, however often loaded."""

from __future__ import annotations

import pytest
from loader_files import course

from readings.citations.models import Citation
from readings.citations.services import citation_create, citation_delete
from readings.courses.models import Course
from readings.courses.services import course_create
from readings.institutions.models import ProcessingDepartment
from readings.lists.copying import list_copy
from readings.lists.models import ListStatus, PublicationStatus, ReadingList, Section, Tag
from readings.lists.services import list_create, list_update, section_create, section_set_tags
from readings.loaders.models import LoadStatus


@pytest.fixture
def old_course(uni):
    lib = ProcessingDepartment.objects.get(institution=uni, code="LIB")
    return course_create(
        institution=uni, code="HIST100", section="1", title="History", processing_department=lib
    )


@pytest.fixture
def old_list(uni, old_course):
    """A worked list: two sections, tagged citations with notes, published and complete."""
    essential = Tag.objects.get(institution=uni, code="ESSENTIAL")
    reading_list = list_create(
        institution=uni,
        name="History readings",
        code="HIST100-LIST",
        description="Read before each seminar.",
        courses=[old_course],
        first_section="Week 1",
    )
    week1 = reading_list.sections.get()
    week2 = section_create(reading_list=reading_list, name="Week 2", description="Sources")
    section_set_tags(section=week2, tags=[essential])
    for n, section in enumerate([week1, week1, week1, week2]):
        citation_create(
            section=section,
            fields={
                "title": f"Book {n}",
                "authors": "Smith, Jane",
                "status": "Complete",
                "public_note": "<p>Chapter 2</p>",
                "library_note": f"shelf {n}",
            },
            tags=[essential] if n == 0 else [],
        )
    # The copy must follow the order left after a deletion.
    citation_delete(citation_id=Citation.objects.get(title="Book 1").pk)
    list_update(list_id=reading_list.pk, status=ListStatus.COMPLETE, publication_status="PUBLISHED")
    return ReadingList.objects.get(pk=reading_list.pk)


def rollover_row(**cells):
    return course(
        "HIST200", OPERATION="ROLLOVER", OLD_COURSE_CODE="HIST100", OLD_COURSE_SECTION="1", **cells
    )


def describe(reading_list: ReadingList):
    """What a reader sees of a list: sections with their tags and citations in order."""
    return [
        (
            section.position,
            section.name,
            section.description,
            sorted(section.tags.values_list("code", flat=True)),
            [
                (
                    c.position,
                    c.title,
                    c.authors,
                    c.status,
                    c.public_note,
                    c.library_note,
                    sorted(c.tags.values_list("code", flat=True)),
                )
                for c in section.citations.order_by("position")
            ],
        )
        for section in reading_list.sections.order_by("position")
    ]


def test_rollover_creates_the_course_and_copies_its_lists(load, course_file, old_list):
    result = load(course_file([rollover_row()]))

    assert result.status == LoadStatus.APPLIED
    assert (result.rolled_over, result.created) == (1, 0)
    assert result.report["lists_copied"] == 1
    new_course = Course.objects.get(code="HIST200")
    assert new_course.rolled_from.code == "HIST100"
    copy = new_course.reading_lists.get()
    assert copy.pk != old_list.pk
    assert copy.rolled_from == old_list
    assert (copy.name, copy.description) == (old_list.name, old_list.description)
    assert copy.status == ListStatus.BEING_PREPARED
    assert copy.publication_status == PublicationStatus.DRAFT
    assert describe(copy) == describe(old_list)
    assert [c.position for c in copy.citations.filter(section__position=0)] == [0, 1]
    # The old list stays with the old course, unchanged.
    assert list(old_list.courses.values_list("code", flat=True)) == ["HIST100"]
    assert ReadingList.objects.get(pk=old_list.pk).status == ListStatus.COMPLETE


def test_loading_the_same_rollover_again_never_makes_a_second_copy(load, course_file, old_list):
    path = course_file([rollover_row()])
    load(path)

    again = load(path)
    third = load(course_file([rollover_row(NUM_OF_PARTICIPANTS="45")]))

    assert again.report["lists_copied"] == 0
    assert (again.rolled_over, again.report["unchanged"]) == (0, 1)
    assert (third.rolled_over, third.updated) == (0, 1)
    assert ReadingList.objects.filter(rolled_from=old_list).count() == 1
    assert Course.objects.get(code="HIST200").reading_lists.count() == 1


def test_a_list_added_to_the_old_course_later_is_copied_by_the_next_rollover(
    load, course_file, old_list, old_course, uni
):
    path = course_file([rollover_row()])
    load(path)
    later = list_create(institution=uni, name="Extra", courses=[old_course])

    again = load(path)

    assert again.report["lists_copied"] == 1
    assert again.rolled_over == 1
    copies = Course.objects.get(code="HIST200").reading_lists.all()
    assert sorted(rl.rolled_from_id for rl in copies) == sorted([old_list.pk, later.pk])


def test_rollover_status_follows_the_institution_setting(load, uni, course_file, old_list):
    uni.settings = {"rollover_list_status": "ReadyForProcessing"}
    uni.save()
    load(course_file([rollover_row()]))
    copy = ReadingList.objects.get(rolled_from=old_list)
    assert copy.status == ListStatus.READY_FOR_PROCESSING


def test_rollover_and_delete_of_the_old_course_in_one_file(load, course_file, old_list):
    result = load(course_file([rollover_row(), course("HIST100", OPERATION="DELETE")]))

    assert (result.rolled_over, result.deleted) == (1, 1)
    assert not Course.objects.filter(code="HIST100").exists()
    assert Course.objects.get(code="HIST200").reading_lists.get().rolled_from == old_list
    assert ReadingList.objects.filter(pk=old_list.pk, courses=None).exists()


def test_a_dry_run_counts_the_lists_a_rollover_would_copy(load, course_file, old_list):
    result = load(course_file([rollover_row()]), dry_run=True)
    assert (result.rolled_over, result.report["lists_copied"]) == (1, 1)
    assert not Course.objects.filter(code="HIST200").exists()
    assert ReadingList.objects.count() == 1


def test_rollover_into_an_existing_course_links_and_copies(load, uni, course_file, old_list):
    lib = ProcessingDepartment.objects.get(institution=uni, code="LIB")
    course_create(
        institution=uni, code="HIST200", section="1", title="Existing", processing_department=lib
    )

    result = load(course_file([rollover_row()]))

    assert (result.rolled_over, result.created) == (1, 0)
    existing = Course.objects.get(code="HIST200")
    assert existing.title == "Existing"
    assert existing.rolled_from.code == "HIST100"
    assert existing.reading_lists.get().rolled_from == old_list


def test_list_copy_keeps_positions_contiguous_and_sets_rolled_from(uni, old_list, old_course):
    gap = Section.objects.get(reading_list=old_list, name="Week 2")
    Section.objects.filter(pk=gap.pk).update(position=7)  # as if written by an older version

    copy = list_copy(
        source=old_list, code="COPY-1", courses=[old_course], status=ListStatus.BEING_PREPARED
    )

    assert copy.code == "COPY-1"
    assert [s.position for s in copy.sections.order_by("position")] == [0, 1]
    assert copy.rolled_from == old_list
    assert list(copy.courses.all()) == [old_course]
    assert copy.citations.count() == old_list.citations.count() == 3


def test_list_copy_refuses_a_code_in_use(uni, old_list):
    from readings.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput, match="exists"):
        list_copy(source=old_list, code="HIST100-LIST", status=ListStatus.BEING_PREPARED)
