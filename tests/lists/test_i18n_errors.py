"""Errors raised by list services and access rules reach the reader in their language."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from readings.citations.services import citation_create
from readings.courses.models import EnrollmentRole
from readings.courses.services import course_create, course_enroll
from readings.lists.models import ReadingList

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _language_restored():
    """A French request leaves French active in this thread (LocaleMiddleware does not reset it)."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def editor(client, make_user, institution):
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    user = make_user("prof", roles=["instructor"])
    course_enroll(course=course, user=user, role=EnrollmentRole.INSTRUCTOR)
    client.force_login(user)
    client.course = course
    return client


def _stale_edit(editor, make_list, **headers):
    reading_list = make_list("Week 1", "Week 2", items=1, courses=[editor.course])
    first, second = reading_list.sections.order_by("position")
    citation = first.citations.get()
    stale = ReadingList.objects.get(pk=reading_list.pk).version
    citation_create(section=second, fields={"title": "Someone else's"})
    url = reverse("editor:citation", args=[reading_list.pk, citation.pk])
    data = {"secondary_type": "BK", "title": "My new title", "version": stale}
    return editor.post(url, data, **headers), stale


@pytest.mark.django_db
def test_a_stale_version_conflict_is_explained_in_french(editor, make_list):
    response, stale = _stale_edit(editor, make_list, **FRENCH)

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert '<html lang="fr">' in html
    assert "Quelqu'un d'autre a modifié cette liste" in html
    assert f"vous aviez la version {stale}, elle en est à la version {stale + 1}" in html
    assert "Someone else changed" not in html


@pytest.mark.django_db
def test_a_stale_version_conflict_answers_json_in_french_too(editor, make_list):
    response, _ = _stale_edit(editor, make_list, **FRENCH, **JSON)

    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["message"].startswith("Quelqu'un d'autre a modifié cette liste")


@pytest.mark.django_db
def test_a_stale_version_conflict_stays_english_for_an_english_reader(editor, make_list):
    response, stale = _stale_edit(editor, make_list, HTTP_ACCEPT_LANGUAGE="en")

    html = unescape(response.content.decode())
    assert f"Someone else changed this list since you opened it (you had version {stale}" in html


@pytest.mark.django_db
def test_a_list_hidden_from_the_reader_is_not_found_in_french(client, make_list, make_user):
    reading_list = make_list("Week 1")
    client.force_login(make_user("student", roles=["student"]))

    response = client.get(reverse("editor:edit", args=[reading_list.pk]), **FRENCH)

    assert response.status_code == 404
    assert "Cette liste de lecture n'existe pas." in unescape(response.content.decode())


@pytest.mark.django_db
def test_a_lists_choice_labels_follow_the_active_language(make_list):
    reading_list = make_list("Week 1")

    with translation.override("fr"):
        assert reading_list.get_visibility_display() == "Membres des cours seulement"
        assert reading_list.get_status_display() == "En préparation"
    with translation.override("en"):
        assert reading_list.get_visibility_display() == "Course members only"
