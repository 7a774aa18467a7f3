"""The students' list page: formatted references, links, neutral shared controls, few queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import Citation, CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_enroll
from readings.engagement import services
from readings.engagement.models import Completion
from readings.institutions.services import institution_update
from readings.lists.models import PublicationStatus, Tag
from readings.lists.page_cache import CSRF_PLACEHOLDER
from readings.lists.services import list_create, section_create

STATE_MAX = 13


def _html(client, user, reading_list) -> str:
    client.force_login(user)
    response = client.get(reverse("lists:detail", args=[reading_list.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _sections(html: str) -> str:
    """The shared part of the page, with this session's CSRF token blanked out."""
    start = html.index('<section class="section"')
    end = html.rindex("</section>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[start:end])


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "Hobsbawm, E. (1994). <i>The Age of Extremes</i>."),
        ("mla", "Hobsbawm, Eric. <i>The Age of Extremes</i>. 1994."),
        ("chicago-author-date", "Hobsbawm, Eric. 1994. <i>The Age of Extremes</i>."),
        ("vancouver", "Hobsbawm E. The Age of Extremes. 1994."),
    ],
)
def test_students_see_each_reference_in_the_institutions_style(client, campus, style, expected):
    institution_update(institution=campus.published.institution, default_citation_style=style)
    html = _html(client, campus.users["student"], campus.published)
    assert expected in html


def test_students_get_the_doi_the_address_and_the_library_resolver(client, campus):
    institution = campus.published.institution
    institution.settings = {"link_resolver_url": "https://resolver.example.edu/openurl"}
    institution.save()
    citation_create(
        section=campus.published.sections.order_by("position").first(),
        fields={
            "title": "Linked article",
            "secondary_type": "CR",
            "container_title": "Past & Present",
            "doi": "10.1093/pastj/gtz001",
            "url": "https://example.org/article",
            "status": CitationStatus.COMPLETE,
        },
    )
    html = _html(client, campus.users["student"], campus.published)
    assert 'href="https://doi.org/10.1093/pastj/gtz001"' in html
    assert 'href="https://example.org/article"' in html
    assert 'href="https://resolver.example.edu/openurl?' in html
    assert "Find it at the library" in html


def test_tags_notes_and_due_dates_show_with_the_reading_controls(client, campus):
    html = _html(client, campus.users["student"], campus.published)
    item = html[html.index(f'id="c{campus.visible.pk}"') :]
    item = item[: item.index("</li>")]
    assert 'data-tags="ESSENTIAL"' in item
    assert "Chapters 1-3" in item
    assert '<time datetime="2030-10-01">1 Oct 2030</time>' in item
    assert reverse("engagement:done", args=[campus.visible.pk]) in item
    assert reverse("engagement:like", args=[campus.visible.pk]) in item
    assert reverse("engagement:note", args=[campus.visible.pk]) in item
    assert reverse("engagement:citation_discussion", args=[campus.visible.pk]) in item


def test_the_shared_sections_hold_nobody_s_own_marks_or_notes(client, campus, make_user):
    student = campus.users["student"]
    services.citation_mark_done(user=student, citation=campus.visible, done=True)
    services.citation_like(user=student, citation=campus.visible, liked=True)
    services.private_note_save(user=student, citation=campus.visible, text="Sam's private idea")
    own = _html(client, student, campus.published)
    assert "Sam&#x27;s private idea" not in own
    assert 'data-on="true"' not in own
    # A classmate is served the very same sections (from the cache).
    classmate = make_user("classmate")
    course_enroll(course=campus.course, user=classmate)
    assert _sections(_html(client, classmate, campus.published)) == _sections(own)


def test_the_cached_forms_carry_each_visitors_own_csrf_token(campus, make_user):
    classmate = make_user("classmate")
    course_enroll(course=campus.course, user=classmate)
    # The instructor's page is rendered afresh, the students' from the shared cache.
    for user in (campus.users["student"], classmate, campus.users["instructor"]):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get(reverse("lists:detail", args=[campus.published.pk])).content.decode()
        assert CSRF_PLACEHOLDER not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = client.post(
            reverse("engagement:done", args=[campus.visible.pk]), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    assert Completion.objects.filter(citation=campus.visible).count() == 3


def _long_list(campus, institution, citations: int):
    reading_list = list_create(
        institution=institution,
        name=f"Long list {citations}",
        courses=[campus.course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    sections = [reading_list.sections.get()] + [
        section_create(reading_list=reading_list, name=f"Week {n}") for n in range(2, 4)
    ]
    tags = list(Tag.objects.filter(institution=institution))
    made = []
    for n in range(citations):
        made.append(
            citation_create(
                section=sections[n % len(sections)],
                fields={
                    "title": f"Reading {n}",
                    "authors": "Smith, Jane; Doe, John",
                    "publication_date": "2021",
                    "doi": f"10.1000/{n}",
                    "status": CitationStatus.INACTIVE if n % 10 == 0 else CitationStatus.COMPLETE,
                },
                tags=tags[n % len(tags) :][:2],
            )
        )
    return reading_list, made


def _engage_with_all(campus, citations) -> None:
    student, other = campus.users["student"], campus.users["collaborator"]
    for citation in citations:
        if citation.status == CitationStatus.INACTIVE:
            continue
        services.citation_mark_done(user=student, citation=citation, done=True)
        services.citation_like(user=student, citation=citation, liked=True)
        services.citation_like(user=other, citation=citation, liked=True)
        services.private_note_save(user=student, citation=citation, text=f"note {citation.pk}")
        discussion = services.discussion_get_or_create(citation=citation)
        services.comment_post(user=other, discussion=discussion, body="Good")


def _count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_student_page_and_its_state_cost_the_same_queries_for_10_or_200_items(
    client, campus, institution, django_assert_max_num_queries
):
    short, short_items = _long_list(campus, institution, 10)
    long, long_items = _long_list(campus, institution, 200)
    _engage_with_all(campus, short_items + long_items)
    client.force_login(campus.users["student"])
    page = [reverse("lists:detail", args=[rl.pk]) for rl in (short, long)]
    state = [reverse("engagement:list_state", args=[rl.pk]) for rl in (short, long)]
    for url in page:  # warm the session and the reader cache
        client.get(url)
    assert _count(client, page[0]) == _count(client, page[1])
    json = {"HTTP_ACCEPT": "application/json"}
    assert _count(client, state[0], **json) == _count(client, state[1], **json)
    with django_assert_max_num_queries(STATE_MAX):
        body = client.get(state[1], **json).json()
    assert len(body["done"]) == len(body["notes"]) == len(body["liked"]) == 180
    assert set(body["likes"].values()) == {2}


def test_rows_written_around_the_services_still_show_every_author_and_no_bad_address(
    client, campus
):
    Citation.objects.filter(pk=campus.visible.pk).update(
        url="javascript:steal()",
        authors=["Plain Name", {"family": "Doe", "given": "Jo"}],
        editors="not a list",
    )
    html = _html(client, campus.users["student"], campus.published)
    assert "Name, P., &amp; Doe, J. (1994). <i>The Age of Extremes</i>." in html
    assert "steal()" not in html
