"""Links and holdings on the list page: DOI, URL, the library's resolver, shelf locations."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pymarc import MARCWriter

from discovery.builders import book, field
from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.discovery.catalogue import catalogue_import
from readings.discovery.links import citation_links
from readings.lists.models import PublicationStatus, Visibility
from readings.lists.services import list_create

RESOLVER = "https://resolver.example.edu/openurl?institution=NF"


def set_resolver(institution, url: str) -> None:
    institution.settings = {**(institution.settings or {}), "link_resolver_url": url}
    institution.save(update_fields=["settings", "updated_at"])


def open_list(institution, *items):
    reading_list = list_create(
        institution=institution,
        name="Links",
        visibility=Visibility.OPEN_TO_WORLD,
        publication_status=PublicationStatus.PUBLISHED,
    )
    section = reading_list.sections.get()
    for fields in items:
        citation_create(section=section, fields={"status": CitationStatus.COMPLETE, **fields})
    return reading_list


def page(client, reading_list) -> str:
    response = client.get(reverse("lists:detail", args=[reading_list.pk]))
    assert response.status_code == 200
    return response.content.decode()


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


ARTICLE = {
    "secondary_type": "CR",
    "title": "Measuring reading",
    "container_title": "Journal of Reading",
    "authors": "Smith, Jane",
    "publication_date": "2020",
    "volume": "12",
    "start_page": "3",
    "doi": "10.1000/xyz(1)",
    "url": "https://example.org/article",
}


@pytest.mark.django_db
def test_the_list_page_shows_doi_and_url_links_but_no_resolver_link_when_none_is_configured(
    client, institution
):
    html = page(client, open_list(institution, ARTICLE))
    links = hrefs(html)
    assert "https://doi.org/10.1000/xyz(1)" in links
    assert "https://example.org/article" in links
    assert "Find it at the library" not in html
    assert not any(h.startswith("https://resolver.example.edu") for h in links)


@pytest.mark.django_db
def test_a_configured_resolver_gives_every_citation_a_well_formed_openurl_link(client, institution):
    set_resolver(institution, RESOLVER)
    book_fields = {"title": "Middlemarch", "authors": "Eliot, George", "isbn": "9780141439549"}
    html = page(client, open_list(institution, ARTICLE, book_fields))
    assert html.count("Find it at the library") == 2
    resolver_links = [h for h in hrefs(html) if h.startswith("https://resolver.example.edu/")]
    assert len(resolver_links) == 2
    article, book_link = (dict(parse_qsl(urlsplit(h).query)) for h in resolver_links)
    assert article["institution"] == "NF"  # the resolver's own parameters are kept
    assert article["url_ver"] == "Z39.88-2004"
    assert article["rft_val_fmt"] == "info:ofi/fmt:kev:mtx:journal"
    assert article["rft.atitle"] == "Measuring reading"
    assert article["rft.jtitle"] == "Journal of Reading"
    assert article["rft.aulast"] == "Smith"
    assert book_link["rft_val_fmt"] == "info:ofi/fmt:kev:mtx:book"
    assert book_link["rft.btitle"] == "Middlemarch"
    assert book_link["rft.isbn"] == "9780141439549"


@pytest.mark.django_db
def test_an_institution_resolver_does_not_apply_to_another_institutions_lists(
    client, institution, other_institution
):
    set_resolver(other_institution, RESOLVER)
    html = page(client, open_list(institution, ARTICLE))
    assert "Find it at the library" not in html


@pytest.mark.parametrize(
    "resolver", ["javascript:alert(1)//", " JavaScript:alert(1)", "data:text/html,x", "ftp://r"]
)
def test_a_resolver_that_is_not_a_web_address_gives_no_link(resolver):
    class Stored:
        doi = ""
        url = "javascript:alert(1)"
        title = "T"

    links = citation_links(Stored(), resolver_url=resolver)
    assert not links
    assert links.resolver == "" and links.url == ""


@pytest.mark.django_db
def test_no_javascript_link_is_emitted_whatever_was_stored(client, institution):
    set_resolver(institution, RESOLVER)
    reading_list = open_list(institution, {"title": "Sneaky", "authors": "Doe, J"})
    # Stored directly, as an old import might have: the services would refuse it.
    reading_list.citations.update(url="javascript:alert(document.cookie)")
    html = page(client, reading_list)
    assert "javascript:" not in html.lower()
    assert all(h.startswith(("https://", "/", "#", "?")) for h in hrefs(html))


def _import(tmp_path, institution, *records) -> None:
    path = tmp_path / "holdings.mrc"
    with open(path, "wb") as out:
        writer = MARCWriter(out)
        for marc in records:
            writer.write(marc)
    report = catalogue_import(institution=institution, paths=[path])
    assert report.imported == len(records), report.problems


def _held_book():
    marc = book("nf-0001", "Middlemarch", author="Eliot, George", isbn="9780141439549")
    marc.add_field(
        field("852", "a", "Main Library", "b", "Level 2 <Stacks>", "h", "PR4662", "i", ".M5 2003")
    )
    marc.add_field(field("AVA", "q", "Science Library", "c", "Short loan", "e", "available"))
    return marc


@pytest.mark.django_db
def test_a_citation_linked_to_a_catalogue_record_shows_its_holdings(client, institution, tmp_path):
    _import(tmp_path, institution, _held_book())
    reading_list = open_list(
        institution,
        {"title": "Middlemarch", "catalogue_record_id": "nf-0001"},
        {"title": "Not held", "catalogue_record_id": "nf-missing"},
        {"title": "Not linked"},
    )
    html = page(client, reading_list)
    assert html.count('class="holdings"') == 1
    assert "Main Library, Level 2 &lt;Stacks&gt;" in html  # escaped, never markup
    assert "PR4662 .M5 2003" in html
    assert "Science Library, Short loan" in html
    assert "available" in html


@pytest.mark.django_db
def test_holdings_come_from_the_lists_own_institution_catalogue(
    client, institution, other_institution, tmp_path
):
    _import(tmp_path, other_institution, _held_book())
    reading_list = open_list(
        institution, {"title": "Middlemarch", "catalogue_record_id": "nf-0001"}
    )
    assert 'class="holdings"' not in page(client, reading_list)


@pytest.mark.django_db
def test_holdings_for_the_whole_page_take_one_query(client, institution, tmp_path):
    records = []
    for n in range(20):
        marc = book(f"nf-{n:04d}", f"Book {n}", author="Writer, Anne")
        marc.add_field(field("852", "a", "Main Library", "h", f"QA{n}"))
        records.append(marc)
    _import(tmp_path, institution, *records)
    few = open_list(
        institution, *({"title": f"B{n}", "catalogue_record_id": f"nf-{n:04d}"} for n in range(2))
    )
    many = open_list(
        institution, *({"title": f"B{n}", "catalogue_record_id": f"nf-{n:04d}"} for n in range(20))
    )
    plain = open_list(institution, {"title": "Unlinked"}, {"title": "Unlinked too"})
    counts = {}
    for name, reading_list in (("few", few), ("many", many), ("plain", plain)):
        with CaptureQueriesContext(connection) as ctx:
            html = page(client, reading_list)
        counts[name] = len(ctx.captured_queries)
        if name == "many":
            assert html.count('class="holdings"') == 20
    assert counts["few"] == counts["many"] == counts["plain"] + 1
