from readings.lists.services import list_create


def test_a_new_list_has_one_empty_section_and_version_above_one(institution):
    reading_list = list_create(institution=institution, name="Week by week")
    assert [s.position for s in reading_list.sections.all()] == [0]
    assert reading_list.version > 1
