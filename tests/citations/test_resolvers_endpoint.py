"""POST /lists/<id>/identify/: the editor's JSON look-up, for editors only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.citations.fixtures.resolvers.recorded_server import RecordedServer

from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create, member_set

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def crossref(settings):
    with RecordedServer() as server:
        settings.READINGS_RESOLVERS = {
            "crossref": f"{server.url}/crossref",
            "timeout_seconds": 10,
            "allow_loopback": True,
        }
        server.add(
            "/crossref/works/10.1038/nature14539", fixture="crossref/10.1038_nature14539.json"
        )
        yield server


@pytest.fixture
def setup(institution, make_user):
    course = course_create(institution=institution, code="BIO101", title="Biology")
    owner = make_user("owner", roles=["instructor"])
    student = make_user("student", roles=["student"])
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Biology readings",
        courses=[course],
        acting_user=owner,
        publication_status=PublicationStatus.PUBLISHED,
    )
    return reading_list, owner, student


def _url(reading_list) -> str:
    return reverse("imports:identify", args=[reading_list.pk])


def test_an_editor_gets_the_fields_and_their_source_as_json(client, setup, crossref):
    reading_list, owner, _ = setup
    client.force_login(owner)
    response = client.post(
        _url(reading_list), {"identifier": "https://doi.org/10.1038/nature14539"}, **JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "crossref"
    assert body["fields"]["title"] == "Deep learning"
    assert body["fields"]["authors"][0] == {"family": "LeCun", "given": "Yann"}
    assert body["identifier"] == {"kind": "doi", "value": "10.1038/nature14539"}


def test_a_failed_look_up_answers_the_error_as_json(client, setup, crossref):
    reading_list, owner, _ = setup
    client.force_login(owner)
    response = client.post(_url(reading_list), {"identifier": "10.9999/none"}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "identifier": ["No record found for DOI 10.9999/none at Crossref."]
    }


def test_a_collaborator_who_can_edit_may_look_up(client, setup, crossref, make_user):
    reading_list, _, _ = setup
    helper = make_user("helper", roles=["instructor"])
    member_set(reading_list=reading_list, user=helper, role="edit")
    client.force_login(helper)
    response = client.post(_url(reading_list), {"identifier": "10.1038/nature14539"}, **JSON)
    assert response.status_code == 200


def test_a_student_who_can_read_the_list_is_refused(client, setup, crossref):
    reading_list, _, student = setup
    client.force_login(student)
    response = client.post(_url(reading_list), {"identifier": "10.1038/nature14539"}, **JSON)
    assert response.status_code == 403
    assert crossref.requests == []


def test_someone_from_another_institution_does_not_find_the_list(
    client, setup, crossref, make_user, other_institution
):
    reading_list, _, _ = setup
    stranger = make_user("stranger", roles=["administrator"], inst=other_institution)
    client.force_login(stranger)
    response = client.post(_url(reading_list), {"identifier": "10.1038/nature14539"}, **JSON)
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, setup, crossref):
    reading_list, _, _ = setup
    response = client.post(_url(reading_list), {"identifier": "10.1038/nature14539"})
    assert response.status_code == 302
    assert crossref.requests == []


def test_the_look_up_takes_posts_only(client, setup, crossref):
    reading_list, owner, _ = setup
    client.force_login(owner)
    assert client.get(_url(reading_list), {"identifier": "10.1038/nature14539"}).status_code == 405
