"""The demo's built-in catalogue: thousands of records, the cited books among them, held."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from readings.accounts.models import Role
from readings.citations.models import Citation, CitationStatus
from readings.courses.models import Enrollment
from readings.demo import people
from readings.demo.build import build_demo
from readings.demo.catalogue_records import LINK_RESOLVER_URL, generated_records
from readings.discovery.models import CatalogueRecord
from readings.institutions.selectors import institution_setting
from readings.lists.models import PublicationStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_built_in_catalogue_of_thousands_of_records_with_holdings(demo):
    records = CatalogueRecord.objects.filter(institution=demo.institution)
    assert records.count() >= 2000
    assert records.exclude(holdings=[]).count() >= 1000
    assert records.exclude(isbn="").count() == records.count()


def test_the_generated_records_are_the_same_on_every_build():
    first = [marc.as_marc() for marc in generated_records(50)]
    assert first == [marc.as_marc() for marc in generated_records(50)]
    assert first != [marc.as_marc() for marc in generated_records(50, seed=1)]


def test_catalogue_search_finds_a_book_the_demo_lists_cite(demo):
    cited = (
        Citation.objects.filter(reading_list__institution=demo.institution)
        .exclude(catalogue_record_id="")
        .order_by("pk")
        .first()
    )
    assert cited is not None
    by_isbn = search(f"isbn:{cited.isbn}")
    assert [r["record_id"] for r in by_isbn] == [cited.catalogue_record_id]
    assert by_isbn[0]["isbn"] == cited.isbn
    by_title = search(f'title:"{cited.title.partition(":")[0]}"', "--limit", "50")
    assert cited.catalogue_record_id in [r["record_id"] for r in by_title]


def search(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("catalogue", "search", *args, "--institution", "DEMO", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_student_sees_where_the_library_holds_a_cited_book(demo, client):
    student = people.MAIN_STUDENT.username
    courses = Enrollment.objects.filter(user__username=student).values("course")
    linked = (
        Citation.objects.filter(
            reading_list__courses__in=courses,
            reading_list__publication_status=PublicationStatus.PUBLISHED,
            status=CitationStatus.COMPLETE,
            section__start_date__isnull=True,
            section__end_date__isnull=True,
        )
        .exclude(catalogue_record_id="")
        .order_by("pk")
        .first()
    )
    assert linked is not None
    record = CatalogueRecord.objects.get(
        institution=demo.institution, record_id=linked.catalogue_record_id
    )
    assert client.login(username=student, password=people.password_for(Role.STUDENT))
    html = client.get(reverse("lists:detail", args=[linked.reading_list_id])).content.decode()
    item = html.split(f'id="c{linked.pk}"', 1)[1].split("</li>\n", 1)[0]
    assert 'class="holdings"' in item
    assert record.holdings[0]["call_number"] in item
    assert "Find it at the library" in item


def test_the_demo_links_to_an_example_resolver_and_a_second_build_adds_nothing(demo):
    assert institution_setting(demo.institution, "link_resolver_url") == LINK_RESOLVER_URL
    records = CatalogueRecord.objects.count()
    linked = Citation.objects.exclude(catalogue_record_id="").count()
    assert build_demo().created is False
    assert CatalogueRecord.objects.count() == records
    assert Citation.objects.exclude(catalogue_record_id="").count() == linked
