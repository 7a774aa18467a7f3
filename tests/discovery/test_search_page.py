"""The catalogue search page: the institution's built-in catalogue, paged, with holdings."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pymarc import MARCWriter

from discovery.builders import book, field
from readings.discovery.catalogue import catalogue_import
from readings.discovery.selectors import SEARCH_PAGE_SIZE

pytestmark = pytest.mark.django_db
URL = reverse("discovery:search")


@pytest.fixture
def catalogue(institution, other_institution, tmp_path):
    held = book("nf-1", "Middlemarch", author="Eliot, George", isbn="9780141439549")
    held.add_field(field("852", "a", "Main Library", "b", "Stacks <2>", "h", "PR4662", "i", ".M5"))
    records = [held] + [
        book(f"nf-h{n:02d}", f"History volume {n}", author="Historian, Hal") for n in range(45)
    ]
    path = tmp_path / "catalogue.mrc"
    with open(path, "wb") as out:
        writer = MARCWriter(out)
        for marc in records:
            writer.write(marc)
    catalogue_import(institution=institution, paths=[path])
    other = tmp_path / "other.mrc"
    with open(other, "wb") as out:
        MARCWriter(out).write(book("o-1", "Middlemarch elsewhere", author="Other, Ann"))
    catalogue_import(institution=other_institution, paths=[other])


@pytest.fixture
def signed_in(client, make_user, institution):
    client.force_login(make_user("reader"))
    return client


def test_the_search_page_asks_for_sign_in(client):
    response = client.get(URL, {"q": "middlemarch"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_search_shows_the_key_fields_and_escaped_holdings(signed_in, catalogue):
    html = signed_in.get(URL, {"q": "middlemarch"}).content.decode()
    assert "1 record" in html
    assert "Middlemarch" in html and "Eliot, George" in html and "9780141439549" in html
    assert "Main Library, Stacks &lt;2&gt;" in html
    assert "PR4662 .M5" in html
    assert "elsewhere" not in html  # another institution's catalogue is not searched


def test_results_come_a_page_at_a_time_with_links_between_pages(signed_in, catalogue):
    first = signed_in.get(URL, {"q": "history"}).content.decode()
    assert "45 records" in first
    assert first.count('<li class="catalogue-record">') == SEARCH_PAGE_SIZE
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = signed_in.get(URL, {"q": "history", "page": "3"}).content.decode()
    assert last.count('<li class="catalogue-record">') == 45 - 2 * SEARCH_PAGE_SIZE
    assert 'start="41"' in last
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("page", ["x", "-4", "0", ""])
def test_a_malformed_page_number_shows_the_first_page(signed_in, catalogue, page):
    response = signed_in.get(URL, {"q": "history", "page": page})
    assert response.status_code == 200
    assert 'start="1"' in response.content.decode()


def test_a_query_with_no_searchable_words_gets_a_clear_message(signed_in, catalogue):
    html = signed_in.get(URL, {"q": 'title:""'}).content.decode()
    assert 'role="alert"' in html
    assert "Type a word of the title" in html


def test_query_syntax_and_markup_in_a_search_are_plain_text(signed_in, catalogue):
    html = signed_in.get(URL, {"q": '<script>x</script> OR "*'}).content.decode()
    assert "0 records" in html
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt; OR &quot;*" in html


def test_an_estimated_total_is_shown_as_about(signed_in, catalogue, monkeypatch):
    from readings.discovery import backends
    from readings.discovery.catalogue import CatalogueHits

    def estimated(**kwargs):
        return CatalogueHits(total=12000, records=[], estimated=True)

    monkeypatch.setattr(backends, "catalogue_search", estimated)
    html = signed_in.get(URL, {"q": "history"}).content.decode()
    assert "About 12000 records" in html
