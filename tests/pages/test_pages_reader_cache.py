"""The students' view of a list is cached per list version, never shared with editors."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create, citation_update
from readings.institutions.services import institution_update


def _page(client, user, reading_list):
    client.force_login(user)
    response = client.get(reverse("lists:detail", args=[reading_list.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_student_sees_a_new_item_at_once_despite_the_cache(client, campus):
    student = campus.users["student"]
    assert "Freshly added" not in _page(client, student, campus.published)
    citation_create(
        section=campus.published.sections.first(),
        fields={"title": "Freshly added", "status": CitationStatus.COMPLETE},
    )
    assert "Freshly added" in _page(client, student, campus.published)


def test_a_second_student_view_skips_the_content_queries(client, campus):
    student = campus.users["student"]
    url = reverse("lists:detail", args=[campus.published.pk])
    client.force_login(student)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) < len(first)
    assert "citations_citation" not in " ".join(q["sql"] for q in second.captured_queries)


def test_an_editor_never_gets_the_students_cached_view(client, campus):
    _page(client, campus.users["student"], campus.published)
    editor_view = _page(client, campus.users["instructor"], campus.published)
    assert "Ask about the second edition" in editor_view
    assert "Withdrawn pamphlet" in editor_view


def test_a_change_to_the_institutions_workflow_reaches_students_at_once(client, campus):
    student = campus.users["student"]
    pending = citation_create(
        section=campus.published.sections.first(),
        fields={"title": "Awaiting the library", "status": CitationStatus.IN_PROCESS},
    )
    assert "Awaiting the library" in _page(client, student, campus.published)
    institution_update(institution=campus.published.institution, require_library_completion=True)
    assert "Awaiting the library" not in _page(client, student, campus.published)
    citation_update(citation_id=pending.pk, fields={"status": CitationStatus.COMPLETE})
    assert "Awaiting the library" in _page(client, student, campus.published)
