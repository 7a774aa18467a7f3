"""The students' view of a list is cached per list version, never shared with editors."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create, citation_update
from readings.courses.services import course_enroll
from readings.institutions.services import institution_update
from readings.lists.page_cache import CSRF_PLACEHOLDER, NAME_PLACEHOLDER, PATH_PLACEHOLDER


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


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_each_reader_of_the_shared_page_gets_their_own_name_and_csrf_token(campus, make_user):
    classmate = make_user("classmate", first_name="Cleo", last_name="Classmate")
    course_enroll(course=campus.course, user=classmate)
    url = reverse("lists:detail", args=[campus.published.pk])
    pages = {}
    for user in (campus.users["student"], classmate):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(url).content.decode()
    sam, cleo = pages["stu"], pages["classmate"]
    assert '<span class="who">Sam Student</span>' in sam
    assert '<span class="who">Cleo Classmate</span>' in cleo
    assert "Sam Student" not in cleo
    # Every form of a page carries that reader's token (logout, language, items, note).
    assert len(_csrf_tokens(sam)) == 1 and len(_csrf_tokens(cleo)) == 1
    assert _csrf_tokens(sam) != _csrf_tokens(cleo)
    for html in (sam, cleo):
        assert html.count('name="csrfmiddlewaretoken"') == 4
        assert not any(p in html for p in (CSRF_PLACEHOLDER, NAME_PLACEHOLDER, PATH_PLACEHOLDER))


def test_a_readers_name_is_escaped_into_the_shared_page(client, campus, make_user):
    reader = make_user("mallory", first_name="<b>Mal</b>", last_name="O'Reilly")
    course_enroll(course=campus.course, user=reader)
    _page(client, campus.users["student"], campus.published)
    html = _page(client, reader, campus.published)
    assert '<span class="who">&lt;b&gt;Mal&lt;/b&gt; O&#x27;Reilly</span>' in html


def test_the_language_switch_returns_to_the_address_the_reader_asked_for(client, campus):
    client.force_login(campus.users["student"])
    url = reverse("lists:detail", args=[campus.published.pk])
    client.get(url)
    html = client.get(url + '?from="x"&y=1').content.decode()
    assert f'name="next" value="{url}?from=%22x%22&amp;y=1"' in html
    assert f'name="next" value="{url}"' in client.get(url).content.decode()


def test_the_message_after_a_form_post_shows_once_then_the_shared_page_returns(client, campus):
    client.force_login(campus.users["student"])
    url = reverse("lists:detail", args=[campus.published.pk])
    client.get(url)
    response = client.post(reverse("engagement:done", args=[campus.visible.pk]), follow=True)
    assert "as done." in response.content.decode()
    assert 'class="messages"' not in client.get(url).content.decode()


def test_signed_out_and_signed_in_readers_never_share_a_page(client, campus):
    url = reverse("lists:detail", args=[campus.open_list.pk])
    signed_out = client.get(url).content.decode()
    client.force_login(campus.users["student"])
    signed_in = client.get(url).content.decode()
    client.logout()
    again = client.get(url).content.decode()
    assert "Sam Student" in signed_in and "Sign out" in signed_in
    for html in (signed_out, again):
        assert "Sam Student" not in html and "Sign out" not in html
        assert reverse("accounts:login") in html


def test_readers_shown_different_header_links_never_share_a_page(client, campus, make_user):
    url = reverse("lists:detail", args=[campus.open_list.pk])
    _page(client, campus.users["outsider"], campus.open_list)
    client.force_login(campus.users["student"])
    student = client.get(url).content.decode()
    staff = make_user("staffer")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    staffer = client.get(url).content.decode()
    assert reverse("admin:index") not in student
    assert 'class="breadcrumbs"' in student
    assert reverse("admin:index") in staffer
    # Course links are for members of the list's institution, not for the outsider.
    outsider = _page(client, campus.users["outsider"], campus.open_list)
    assert 'class="breadcrumbs"' not in outsider
