"""The benchmark data generator keeps producing what the list-page benchmark measures.

Benchmarks are never timed here; this only proves the generated data is right,
so the harness cannot rot silently while the services change.
"""

from __future__ import annotations

import pytest
from bench.fixtures import list_page_data, student_session
from bench.list_page import CITATION_MARK, SECTION_MARK

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.lists.access import list_access
from readings.lists.models import PublicationStatus, ReadingList, Section


@pytest.fixture
def data(db):
    return list_page_data(citations=10, sections=2)


def test_generated_list_is_published(data):
    reading_list = ReadingList.objects.get(pk=data.list_id)
    assert reading_list.publication_status == PublicationStatus.PUBLISHED


def test_student_sees_the_generated_list_as_a_reader(data):
    """The student is admitted through the course enrolment, not as an editor."""
    reading_list = ReadingList.objects.get(pk=data.list_id)
    access = list_access(User.objects.get(pk=data.student_id), reading_list)
    assert access.view
    assert access.reader_only


def test_citations_are_spread_over_sections_with_contiguous_positions(data):
    sections = list(Section.objects.filter(reading_list_id=data.list_id).order_by("position"))
    assert [s.position for s in sections] == [0, 1]
    for section in sections:
        positions = list(
            Citation.objects.filter(section=section)
            .order_by("position")
            .values_list("position", flat=True)
        )
        assert positions == list(range(5))


def test_generated_citations_carry_bibliographic_metadata(data):
    citations = Citation.objects.filter(reading_list_id=data.list_id)
    assert citations.count() == 10
    assert all(c.title and c.authors and c.year for c in citations)
    assert citations.exclude(isbn="").exists()
    assert citations.exclude(doi="").exists()


def test_student_session_opens_the_whole_list_as_the_benchmark_checks_it(data, client):
    """The cookie the benchmark sends signs the student in, and its page check still
    recognises every citation and section in the template's markup."""
    client.cookies["sessionid"] = student_session(data.student_id)
    response = client.get(f"/lists/{data.list_id}/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == data.student_id
    html = response.content.decode()
    assert len(CITATION_MARK.findall(html)) == 10
    assert len(SECTION_MARK.findall(html)) == 2
