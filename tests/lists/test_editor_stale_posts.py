"""Stale edits posted without JavaScript: refused, explained, the input kept for a second try."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from readings.citations.models import Citation
from readings.citations.services import citation_create, citation_update
from readings.courses.models import EnrollmentRole
from readings.courses.services import course_create, course_enroll
from readings.lists.models import ReadingList, Section
from readings.lists.services import section_update

JSON = {"HTTP_ACCEPT": "application/json"}
STALE = "Someone else changed this list since you opened it"


@pytest.fixture
def reading_list(institution, make_list):
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    reading_list = make_list("Week 1", "Week 2", items=2, courses=[course])
    reading_list.course = course
    return reading_list


@pytest.fixture
def editor(client, make_user, reading_list):
    user = make_user("prof", roles=["instructor"])
    course_enroll(course=reading_list.course, user=user, role=EnrollmentRole.INSTRUCTOR)
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"editor:{name}", args=args)


def version_of(reading_list: ReadingList) -> int:
    reading_list.refresh_from_db(fields=["version"])
    return reading_list.version


def week(reading_list: ReadingList, n: int) -> Section:
    return reading_list.sections.order_by("position")[n - 1]


def titles(section: Section) -> list[str]:
    return list(section.citations.order_by("position").values_list("title", flat=True))


def someone_else_edits(reading_list: ReadingList) -> None:
    citation_create(section=week(reading_list, 2), fields={"title": "Added in another window"})


def hidden_inputs(html: str, form_action: str) -> dict[str, list[str]]:
    """The hidden fields of the form posting to ``form_action`` on a page."""
    match = re.search(
        rf'<form method="post" action="{re.escape(form_action)}">(.*?)</form>', html, re.S
    )
    assert match, form_action
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', match.group(1)):
        fields.setdefault(name, []).append(value)
    return fields


def test_a_stale_citation_edit_keeps_the_input_beside_what_was_saved_and_saves_on_a_second_try(
    editor, reading_list
):
    citation = week(reading_list, 1).citations.order_by("position").first()
    stale = version_of(reading_list)
    citation_update(citation_id=citation.pk, fields={"title": "Their title"})
    address = url("citation", reading_list.pk, citation.pk)
    mine = {"secondary_type": "BK", "title": "My title", "version": stale}

    refused = editor.post(address, mine)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert STALE in html
    assert 'value="My title"' in html
    assert f'href="{url("edit", reading_list.pk)}"' in html
    saved_now = re.search(r'<table class="table ed-saved-now">.*?</table>', html, re.S).group(0)
    assert re.search(
        r"<th scope=\"row\">Title</th><td>Their title</td><td>My title</td>", saved_now
    )
    citation.refresh_from_db()
    assert citation.title == "Their title"

    # The re-shown form names the list as it is now: saving again is a deliberate overwrite.
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert int(version) == version_of(reading_list)
    again = editor.post(address, {**mine, "version": version})
    assert again.status_code == 302
    citation.refresh_from_db()
    assert citation.title == "My title"


def test_a_stale_citation_add_keeps_the_input_and_adds_on_a_second_try(editor, reading_list):
    section = week(reading_list, 1)
    stale = version_of(reading_list)
    someone_else_edits(reading_list)
    data = {"section": section.pk, "secondary_type": "BK", "title": "Brand new", "version": stale}

    refused = editor.post(url("add", reading_list.pk), data)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert STALE in html
    assert 'value="Brand new"' in html
    assert not Citation.objects.filter(title="Brand new").exists()
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    again = editor.post(
        url("add", reading_list.pk), {**data, "version": version, "form_token": token}
    )
    assert again.status_code == 302
    assert titles(section)[-1] == "Brand new"


def test_a_stale_move_is_explained_with_a_reload_link_and_can_be_made_again(editor, reading_list):
    first = week(reading_list, 1)
    citation = first.citations.order_by("position").first()
    stale = version_of(reading_list)
    someone_else_edits(reading_list)
    before = titles(first)
    address = url("move", reading_list.pk, citation.pk)

    refused = editor.post(address, {"direction": "down", "version": stale})

    assert refused.status_code == 409
    assert refused.templates[0].name == "lists/editor_conflict.html"
    html = refused.content.decode()
    assert f"<h1>{STALE}</h1>" in html
    assert f'href="{url("edit", reading_list.pk)}#c{citation.pk}"' in html
    assert "<dt>Citation</dt><dd>Week 10</dd>" in html
    assert "<dt>Move</dt><dd>Move down one</dd>" in html
    assert titles(first) == before

    resend = hidden_inputs(html, address)
    assert resend["direction"] == ["down"]
    assert resend["version"] == [str(version_of(reading_list))]
    again = editor.post(address, {k: v[0] for k, v in resend.items()})
    assert again.status_code == 302
    assert titles(first) == list(reversed(before))


def test_a_stale_bulk_delete_names_the_ticked_citations_and_deletes_nothing(editor, reading_list):
    ticked = list(week(reading_list, 1).citations.order_by("position"))
    stale = version_of(reading_list)
    someone_else_edits(reading_list)

    refused = editor.post(
        url("bulk", reading_list.pk),
        {
            "citation": [c.pk for c in ticked],
            "action": "delete",
            "confirm": "yes",
            "tag": "",
            "version": stale,
        },
    )

    assert refused.status_code == 409
    html = refused.content.decode()
    assert STALE in html
    assert "<dt>Action</dt><dd>Delete</dd>" in html
    assert "<dt>Ticked citations</dt><dd>Week 10; Week 11</dd>" in html
    assert "<dt>Deletion confirmed</dt><dd>Yes</dd>" in html
    assert Citation.objects.filter(pk__in=[c.pk for c in ticked]).count() == 2
    resend = hidden_inputs(html, url("bulk", reading_list.pk))
    assert resend["citation"] == [str(c.pk) for c in ticked]


def test_a_stale_new_section_shows_the_name_typed(editor, reading_list):
    stale = version_of(reading_list)
    someone_else_edits(reading_list)

    refused = editor.post(
        url("section_add", reading_list.pk), {"new-name": "Week 3 <b>", "version": stale}
    )

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "<dt>Section name</dt><dd>Week 3 &lt;b&gt;</dd>" in html
    assert not reading_list.sections.filter(name__startswith="Week 3").exists()


def test_a_stale_section_settings_form_keeps_the_input_with_the_current_version(
    editor, reading_list
):
    section = week(reading_list, 1)
    stale = version_of(reading_list)
    section_update(section_id=section.pk, name="Renamed elsewhere")
    address = url("section", reading_list.pk, section.pk)

    refused = editor.post(address, {"name": "My name", "version": stale})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert STALE in html
    assert 'value="My name"' in html
    assert f'name="version" value="{version_of(reading_list)}"' in html


def test_fetch_requests_still_get_the_json_conflict(editor, reading_list):
    citation = week(reading_list, 1).citations.order_by("position").first()
    stale = version_of(reading_list)
    someone_else_edits(reading_list)

    response = editor.post(
        url("move", reading_list.pk, citation.pk), {"direction": "down", "version": stale}, **JSON
    )

    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
