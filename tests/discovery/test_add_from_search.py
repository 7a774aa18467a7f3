"""Adding a catalogue record to a list from the search page: one step, duplicates caught."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pymarc import MARCWriter

from discovery.builders import book, field
from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.core.exceptions import NotFound
from readings.discovery.catalogue import catalogue_import
from readings.discovery.services import AlreadyInList, catalogue_record_add
from readings.lists.models import PublicationStatus, Visibility
from readings.lists.services import list_create, section_create

pytestmark = pytest.mark.django_db
SEARCH = reverse("discovery:search")
JSON = {"HTTP_ACCEPT": "application/json"}


def write_catalogue(path, records):
    with open(path, "wb") as out:
        writer = MARCWriter(out)
        for marc in records:
            writer.write(marc)
    return path


@pytest.fixture
def catalogue(institution, other_institution, tmp_path):
    held = book("rec-mm", "Middlemarch", author="Eliot, George", isbn="0141439548")
    held.add_field(field("852", "a", "Main Library", "b", "Stacks", "h", "PR4662"))
    doi_book = book("rec-doi", "Open history", author="Writer, Ann")
    doi_book.add_field(field("024", "a", "10.1000/XYZ123", "2", "doi", ind="7 "))
    records = [held, doi_book, book("rec-marner", "Silas Marner", author="Eliot, George")]
    catalogue_import(institution=institution, paths=[write_catalogue(tmp_path / "a.mrc", records)])
    other = [book("rec-other", "Middlemarch elsewhere", author="Other, Ann")]
    catalogue_import(
        institution=other_institution, paths=[write_catalogue(tmp_path / "b.mrc", other)]
    )


@pytest.fixture
def instructor(make_user):
    return make_user("teacher", roles=["instructor"])


@pytest.fixture
def reading_list(institution, instructor):
    reading_list = list_create(
        institution=institution, name="Victorian novels", acting_user=instructor
    )
    section_create(reading_list=reading_list, name="Week 2")
    reading_list.refresh_from_db()
    return reading_list


@pytest.fixture
def week2(reading_list):
    return reading_list.sections.get(name="Week 2")


@pytest.fixture
def editor(client, instructor):
    client.force_login(instructor)
    return client


def add_url(reading_list):
    return reverse("discovery:add", args=[reading_list.pk])


def post_add(client, reading_list, section, record_id, **extra):
    data = {"section": section.pk, "record_id": record_id, "q": "middlemarch", "page": "1"}
    headers = extra.pop("headers", {})
    return client.post(add_url(reading_list), data | extra, **headers)


# The service


def test_adding_a_record_cites_it_with_its_catalogue_link_at_the_end_of_the_section(
    catalogue, week2
):
    citation_create(section=week2, fields={"title": "Already first"})
    added = catalogue_record_add(section=week2, record_id="rec-mm")
    citation = added.citation
    assert added.created
    assert citation.section == week2 and citation.position == 1
    assert citation.title == "Middlemarch"
    assert citation.authors == [{"family": "Eliot", "given": "George"}]
    assert citation.isbn == "9780141439549"
    assert citation.catalogue_record_id == "rec-mm"
    assert citation.secondary_type == "BK"


def test_the_same_isbn_as_isbn_10_or_13_is_reported_as_already_in_the_list(catalogue, week2):
    citation_create(section=week2, fields={"title": "Middlemarch (old)", "isbn": "978-0141439549"})
    with pytest.raises(AlreadyInList) as caught:
        catalogue_record_add(section=week2, record_id="rec-mm")
    assert caught.value.message == "Already in this list: Week 2 — Middlemarch (old)"
    assert Citation.objects.filter(section=week2).count() == 1


def test_a_citation_with_the_same_doi_is_a_duplicate(catalogue, week2):
    citation_create(
        section=week2, fields={"title": "Open", "doi": "https://doi.org/10.1000/xyz123"}
    )
    with pytest.raises(AlreadyInList):
        catalogue_record_add(section=week2, record_id="rec-doi")


def test_a_citation_with_the_same_issn_is_a_duplicate(catalogue, week2, tmp_path, institution):
    journal = book("rec-journal", "Journal of things")
    journal.add_field(field("022", "a", "0317-8471"))
    catalogue_import(
        institution=institution, paths=[write_catalogue(tmp_path / "j.mrc", [journal])]
    )
    citation_create(section=week2, fields={"title": "JoT", "issn": "03178471"})
    with pytest.raises(AlreadyInList):
        catalogue_record_add(section=week2, record_id="rec-journal")


def test_add_anyway_adds_a_second_copy(catalogue, week2):
    catalogue_record_add(section=week2, record_id="rec-mm")
    again = catalogue_record_add(section=week2, record_id="rec-mm", allow_duplicate=True)
    assert again.created
    assert Citation.objects.filter(section=week2, catalogue_record_id="rec-mm").count() == 2


def test_repeating_an_add_from_the_same_page_gives_back_the_citation_already_made(
    catalogue, reading_list, week2
):
    seen = reading_list.version
    first = catalogue_record_add(section=week2, record_id="rec-mm", expected_version=seen)
    repeat = catalogue_record_add(
        section=week2, record_id="rec-mm", expected_version=seen, allow_duplicate=True
    )
    assert not repeat.created
    assert repeat.citation.pk == first.citation.pk
    assert Citation.objects.filter(reading_list=reading_list).count() == 1


def test_an_add_after_someone_else_changed_the_list_still_adds(catalogue, reading_list, week2):
    seen = reading_list.version
    citation_create(section=week2, fields={"title": "Someone else's"})
    added = catalogue_record_add(section=week2, record_id="rec-mm", expected_version=seen)
    assert added.created
    assert added.list_version == seen + 2


def test_a_record_of_another_institutions_catalogue_cannot_be_added(catalogue, week2):
    with pytest.raises(NotFound):
        catalogue_record_add(section=week2, record_id="rec-other")


# The pages


def test_the_search_page_for_a_list_offers_to_add_each_result_to_the_chosen_section(
    editor, catalogue, reading_list, week2
):
    response = editor.get(SEARCH, {"q": "eliot", "list": reading_list.pk, "section": week2.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Add to Week 2</button>") == 2
    assert f'action="{add_url(reading_list)}"' in html
    readings = reading_list.sections.get(name="Readings")
    assert f'<option value="{readings.pk}" data-add-label="Add to Readings"' in html
    assert "Main Library, Stacks" in html
    assert 'aria-live="polite"' in html
    assert "discovery.js" in html


def test_without_a_section_the_first_section_is_the_target(editor, catalogue, reading_list):
    html = editor.get(SEARCH, {"q": "eliot", "list": reading_list.pk}).content.decode()
    assert "Add to Readings</button>" in html


def test_the_plain_search_page_has_no_add_buttons(editor, catalogue):
    html = editor.get(SEARCH, {"q": "eliot"}).content.decode()
    assert "catalogue-add" not in html and "discovery.js" not in html


def test_the_pager_keeps_the_list_and_section(
    editor, catalogue, reading_list, week2, tmp_path, institution
):
    many = [book(f"rec-h{n}", f"History {n}", author="Historian, Hal") for n in range(25)]
    catalogue_import(institution=institution, paths=[write_catalogue(tmp_path / "h.mrc", many)])
    html = editor.get(
        SEARCH, {"q": "history", "list": reading_list.pk, "section": week2.pk}
    ).content.decode()
    assert f"list={reading_list.pk}&amp;section={week2.pk}&amp;page=2" in html


def test_a_form_post_adds_and_returns_to_the_results_with_a_message(
    editor, catalogue, reading_list, week2
):
    response = post_add(editor, reading_list, week2, "rec-mm", version=reading_list.version)
    assert response.status_code == 302
    assert response["Location"].startswith(SEARCH + "?q=middlemarch")
    assert f"list={reading_list.pk}" in response["Location"]
    assert Citation.objects.get(section=week2).catalogue_record_id == "rec-mm"
    page = editor.get(response["Location"]).content.decode()
    assert "Added to Week 2: Middlemarch" in page


def test_a_fetch_add_answers_with_json_and_the_new_list_version(
    editor, catalogue, reading_list, week2
):
    response = post_add(
        editor, reading_list, week2, "rec-mm", version=reading_list.version, headers=JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["created"] is True
    assert body["message"] == "Added to Week 2: Middlemarch"
    assert body["list_version"] == reading_list.version + 1


def test_a_double_submitted_form_creates_one_citation(editor, catalogue, reading_list, week2):
    version = reading_list.version
    post_add(editor, reading_list, week2, "rec-mm", version=version)
    second = post_add(editor, reading_list, week2, "rec-mm", version=version, headers=JSON)
    assert second.status_code == 200 and second.json()["created"] is False
    assert Citation.objects.filter(reading_list=reading_list).count() == 1


def test_a_second_add_warns_and_offers_add_anyway(editor, catalogue, reading_list, week2):
    post_add(editor, reading_list, week2, "rec-mm")
    reading_list.refresh_from_db()
    response = post_add(editor, reading_list, week2, "rec-mm", version=reading_list.version)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Week 2 — Middlemarch" in html
    assert 'name="allow_duplicate" value="1"' in html
    assert "Add anyway to Week 2</button>" in html
    forced = post_add(
        editor, reading_list, week2, "rec-mm", version=reading_list.version, allow_duplicate="1"
    )
    assert forced.status_code == 302
    assert Citation.objects.filter(reading_list=reading_list).count() == 2


def test_a_duplicate_fetch_add_answers_409_with_the_copies(editor, catalogue, reading_list, week2):
    post_add(editor, reading_list, week2, "rec-mm")
    response = post_add(editor, reading_list, week2, "rec-mm", headers=JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "duplicate"
    assert body["message"] == "Already in this list: Week 2 — Middlemarch"
    assert body["copies"][0]["section_name"] == "Week 2"


def test_a_student_cannot_search_for_or_add_to_a_list_they_only_read(
    client, make_user, catalogue, institution, instructor
):
    published = list_create(
        institution=institution,
        name="Open list",
        acting_user=instructor,
        visibility=Visibility.INSTITUTION,
        publication_status=PublicationStatus.PUBLISHED,
    )
    section = published.sections.get()
    client.force_login(make_user("stu", roles=["student"]))
    assert client.get(SEARCH, {"q": "eliot", "list": published.pk}).status_code == 403
    assert post_add(client, published, section, "rec-mm").status_code == 403
    assert not Citation.objects.filter(reading_list=published).exists()


def test_another_institutions_list_is_not_found(client, make_user, catalogue, other_institution):
    theirs = list_create(
        institution=other_institution,
        name="Theirs",
        visibility=Visibility.OPEN_TO_WORLD,
        publication_status=PublicationStatus.PUBLISHED,
    )
    client.force_login(make_user("teacher2", roles=["instructor"]))
    assert client.get(SEARCH, {"q": "x", "list": theirs.pk}).status_code == 404
    assert post_add(client, theirs, theirs.sections.get(), "rec-other").status_code == 404


def test_a_section_of_another_list_is_not_found(editor, catalogue, reading_list, institution):
    other_list = list_create(institution=institution, name="Other")
    foreign = other_list.sections.get()
    assert editor.get(SEARCH, {"list": reading_list.pk, "section": foreign.pk}).status_code == 404
    assert post_add(editor, reading_list, foreign, "rec-mm").status_code == 404
    assert not Citation.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_malformed_or_unknown_list_is_not_found(editor, catalogue, value):
    assert editor.get(SEARCH, {"q": "x", "list": value}).status_code == 404


def test_adding_needs_sign_in_and_a_post(client, catalogue, reading_list, week2, editor):
    assert editor.get(add_url(reading_list)).status_code == 405
    client.logout()
    assert post_add(client, reading_list, week2, "rec-mm").status_code == 302
    assert not Citation.objects.exists()
