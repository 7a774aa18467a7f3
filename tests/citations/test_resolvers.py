"""Identifier look-ups against a loopback server serving recorded service answers."""

from __future__ import annotations

import pytest
from tests.citations.fixtures.resolvers.recorded_server import Answer, RecordedServer

from readings.citations.metadata import clean_citation_fields
from readings.citations.models import CitationKind
from readings.citations.resolvers import detect_identifier, lookup, resolve_identifier
from readings.core.exceptions import InvalidInput

HTML = "text/html; charset=utf-8"


@pytest.fixture
def services(settings):
    with RecordedServer() as server:
        settings.READINGS_RESOLVERS = {
            "crossref": f"{server.url}/crossref",
            "openlibrary": f"{server.url}/openlibrary",
            "pubmed": f"{server.url}/pubmed",
            # Generous: the machine may be busy; timeout tests shorten it themselves.
            "timeout_seconds": 10,
            "max_bytes": 64 * 1024,
            "max_redirects": 3,
            "allow_loopback": True,
        }
        server.add(
            "/crossref/works/10.1038/nature14539", fixture="crossref/10.1038_nature14539.json"
        )
        server.add(
            "/crossref/works/10.1007/978-3-319-94463-0_5",
            fixture="crossref/10.1007_978-3-319-94463-0_5.json",
        )
        server.add(
            "/openlibrary/api/books?bibkeys=ISBN:9780226458083&format=json&jscmd=data",
            fixture="openlibrary/ISBN_9780226458083.json",
        )
        server.add(
            "/openlibrary/api/books?bibkeys=ISBN:9780141439518&format=json&jscmd=data",
            fixture="openlibrary/empty.json",
        )
        server.add(
            "/pubmed/esummary.fcgi?db=pubmed&id=26017442&retmode=json",
            fixture="pubmed/esummary_26017442.json",
        )
        server.add(
            "/pubmed/esummary.fcgi?db=pubmed&id=99999999&retmode=json",
            fixture="pubmed/esummary_not_found.json",
        )
        yield server


def _impatient(settings) -> None:
    settings.READINGS_RESOLVERS = {**settings.READINGS_RESOLVERS, "timeout_seconds": 0.5}


def _message(exc: pytest.ExceptionInfo[InvalidInput]) -> str:
    return " ".join(exc.value.errors["identifier"])


# -- Detection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "kind", "value"),
    [
        ("10.1038/nature14539", "doi", "10.1038/nature14539"),
        ("doi:10.1038/NATURE14539", "doi", "10.1038/nature14539"),
        ("https://doi.org/10.1038/nature14539", "doi", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1038%2Fnature14539", "doi", "10.1038/nature14539"),
        ("  10.1038/nature14539.  ", "doi", "10.1038/nature14539"),
        ("978-0-226-45808-3", "isbn", "9780226458083"),
        ("ISBN 0-226-45808-3", "isbn", "9780226458083"),
        ("0226458083", "isbn", "9780226458083"),
        ("9780226458083", "isbn", "9780226458083"),
        ("PMID: 26017442", "pmid", "26017442"),
        ("26017442", "pmid", "26017442"),
        ("https://pubmed.ncbi.nlm.nih.gov/26017442/", "pmid", "26017442"),
        ("https://example.org/a?b=1", "url", "https://example.org/a?b=1"),
        ("www.example.org/page", "url", "https://www.example.org/page"),
    ],
)
def test_pasted_identifiers_are_recognised_in_their_common_forms(pasted, kind, value):
    found = detect_identifier(pasted)
    assert (found.kind, found.value) == (kind, value)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("", "Paste a DOI"),
        ("978-0-226-45808-4", "not a valid ISBN"),
        ("javascript:alert(1)", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("the structure of scientific revolutions", "is not a DOI, ISBN"),
    ],
)
def test_unusable_pastes_are_refused_with_a_reason(pasted, expected):
    with pytest.raises(InvalidInput) as exc:
        detect_identifier(pasted)
    assert expected in _message(exc)


# -- Crossref ---------------------------------------------------------------------


def test_a_doi_is_filled_in_from_crossref(services):
    result = lookup("https://doi.org/10.1038/nature14539")
    assert result.source == "crossref"
    assert result.fields == {
        "secondary_type": CitationKind.ARTICLE,
        "title": "Deep learning",
        "container_title": "Nature",
        "authors": [
            {"family": "LeCun", "given": "Yann"},
            {"family": "Bengio", "given": "Yoshua"},
            {"family": "Hinton", "given": "Geoffrey"},
        ],
        "publisher": "Springer Science and Business Media LLC",
        "publication_date": "2015-05-28",
        "volume": "521",
        "issue": "7553",
        "pages": "436\u2013444",
        "issn": "0028-0836",
        "doi": "10.1038/nature14539",
    }
    # What comes back is ready for citation_create.
    assert clean_citation_fields(result.fields)["year"] == 2015


def test_a_crossref_chapter_keeps_the_book_as_title_and_drops_markup(services):
    fields = resolve_identifier("10.1007/978-3-319-94463-0_5")
    assert fields["secondary_type"] == CitationKind.CHAPTER
    assert fields["title"] == "Studies in Reading Practice"
    assert fields["chapter_title"] == "Reading between the lines & beyond: Notes on a method"
    assert fields["authors"][1] == {"literal": "The Literacy Group"}
    assert fields["editors"] == [{"family": "Silva", "given": "Marta"}]
    assert fields["place"] == "Cham"
    assert fields["publication_date"] == "2018"
    assert fields["isbn"] == "9783319944623"


def test_an_unknown_doi_says_crossref_has_no_record(services):
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("10.9999/missing")
    assert _message(exc) == "No record found for DOI 10.9999/missing at Crossref."


def test_a_crossref_timeout_is_reported_not_raised(services, settings):
    _impatient(settings)
    services.add("/crossref/works/10.9999/slow", Answer(body=b"{}", delay=5))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("10.9999/slow")
    assert "Crossref did not answer within 0.5 seconds" in _message(exc)


def test_garbage_from_crossref_is_reported(services):
    services.add("/crossref/works/10.9999/garbage", Answer(body=b"<html>oops"))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("10.9999/garbage")
    assert _message(exc) == "Crossref sent an answer that cannot be read."


def test_a_crossref_server_error_is_reported(services):
    services.add("/crossref/works/10.9999/down", Answer(status=503, body=b"busy"))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("10.9999/down")
    assert "HTTP 503" in _message(exc)


def test_an_oversized_answer_is_refused(services):
    services.add("/crossref/works/10.9999/huge", Answer(body=b"[" + b"1," * 70000 + b"1]"))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("10.9999/huge")
    assert "far more data" in _message(exc)


# -- Open Library -----------------------------------------------------------------


def test_an_isbn_with_hyphens_is_filled_in_from_open_library(services):
    result = lookup("ISBN 978-0-226-45808-3")
    assert result.source == "openlibrary"
    assert result.fields == {
        "secondary_type": CitationKind.BOOK,
        "title": "The Structure of Scientific Revolutions",
        "authors": [{"family": "Kuhn", "given": "Thomas S."}],
        "publisher": "University of Chicago Press",
        "place": "Chicago",
        "publication_date": "December 15, 1996",
        "isbn": "9780226458083",
        "oclc": "34548541",
        "lccn": "96013195",
    }


def test_an_unknown_isbn_says_open_library_has_no_record(services):
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("9780141439518")
    assert _message(exc) == "No record found for ISBN 9780141439518 at Open Library."


def test_garbage_from_open_library_is_reported(services):
    services.add(
        "/openlibrary/api/books?bibkeys=ISBN:9780306406157&format=json&jscmd=data",
        Answer(body=b'["not", "an", "object"]'),
    )
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("978-0-306-40615-7")
    assert _message(exc) == "Open Library sent an answer that cannot be read."


def test_an_open_library_timeout_is_reported(services, settings):
    _impatient(settings)
    services.add(
        "/openlibrary/api/books?bibkeys=ISBN:9780306406157&format=json&jscmd=data",
        Answer(body=b"{}", delay=5),
    )
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("978-0-306-40615-7")
    assert "Open Library did not answer" in _message(exc)


# -- PubMed -----------------------------------------------------------------------


def test_a_pmid_is_filled_in_from_pubmed(services):
    result = lookup("PMID 26017442")
    assert result.source == "pubmed"
    assert result.fields == {
        "secondary_type": CitationKind.ARTICLE,
        "title": "Deep learning",
        "authors": [
            {"family": "LeCun", "given": "Y"},
            {"family": "Bengio", "given": "Y"},
            {"family": "Hinton", "given": "G"},
        ],
        "container_title": "Nature",
        "publication_date": "2015-05-28",
        "volume": "521",
        "issue": "7553",
        "pages": "436\u2013444",
        "issn": "0028-0836",
        "doi": "10.1038/nature14539",
        "pmid": "26017442",
    }


def test_an_unknown_pmid_says_pubmed_has_no_record(services):
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier("99999999")
    assert _message(exc) == "No record found for PMID 99999999 at PubMed."


def test_garbage_and_timeouts_from_pubmed_are_reported(services, settings):
    services.add("/pubmed/esummary.fcgi?db=pubmed&id=1&retmode=json", Answer(body=b"\x00\xff"))
    services.add("/pubmed/esummary.fcgi?db=pubmed&id=2&retmode=json", Answer(body=b"{}", delay=5))
    with pytest.raises(InvalidInput) as garbage:
        resolve_identifier("PMID 1")
    _impatient(settings)
    with pytest.raises(InvalidInput) as slow:
        resolve_identifier("PMID 2")
    assert _message(garbage) == "PubMed sent an answer that cannot be read."
    assert "PubMed did not answer" in _message(slow)


# -- Web pages --------------------------------------------------------------------


def _page(services, path: str, fixture: str) -> str:
    services.add(path, fixture=f"pages/{fixture}", content_type=HTML)
    return f"{services.url}{path}"


def test_a_page_with_citation_tags_fills_in_an_article(services):
    url = _page(services, "/article/42", "article_citation_meta.html")
    result = lookup(url)
    assert result.source == "page"
    assert result.fields == {
        "secondary_type": CitationKind.ARTICLE,
        "title": "Attention and reading: a review",
        "authors": [
            {"family": "Okafor", "given": "Chidi"},
            {"family": "Lindqvist", "given": "Maja"},
        ],
        "container_title": "Journal of Reading Studies",
        "publisher": "Reading Society Press",
        "publication_date": "2021-03-04",
        "volume": "12",
        "issue": "2",
        "pages": "101\u2013115",
        "issn": "0028-0836",
        "doi": "10.5555/jrs.2021.012",
        "url": url,
    }


def test_a_blog_post_is_read_from_json_ld(services):
    url = _page(services, "/blog/slow-reading", "blog_jsonld.html")
    fields = resolve_identifier(url)
    assert fields["secondary_type"] == CitationKind.WEBSITE
    assert fields["title"] == "Slow reading in a fast world & why it matters"
    assert fields["authors"] == [{"family": "Raman", "given": "Priya"}]
    assert fields["container_title"] == "The Reading Blog"
    assert fields["publication_date"] == "2023-09-18"


def test_a_video_page_is_read_from_open_graph_without_its_markup(services):
    url = _page(services, "/video", "opengraph_only.html")
    fields = resolve_identifier(url)
    assert fields["secondary_type"] == CitationKind.VIDEO
    # Markup escaped into the attribute is dropped rather than stored.
    assert fields["title"] == "How books are made (video)"


def test_a_page_without_a_title_is_refused(services):
    url = _page(services, "/empty", "no_metadata.html")
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(url)
    assert "has no title" in _message(exc)


def test_a_redirect_to_another_page_is_followed(services):
    target = _page(services, "/article/42", "article_citation_meta.html")
    services.add("/moved", Answer(status=301, headers={"Location": "/article/42"}))
    fields = resolve_identifier(f"{services.url}/moved")
    assert fields["title"] == "Attention and reading: a review"
    assert target.endswith("/article/42")


@pytest.mark.parametrize("location", ["javascript:alert(1)", "file:///etc/passwd"])
def test_a_redirect_to_a_non_web_scheme_is_refused(services, location):
    services.add("/sneaky", Answer(status=302, headers={"Location": location}))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(f"{services.url}/sneaky")
    assert "http:// or https://" in _message(exc)


def test_a_redirect_loop_stops(services):
    services.add("/loop", Answer(status=302, headers={"Location": "/loop"}))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(f"{services.url}/loop")
    assert "redirects too many times" in _message(exc)


def test_a_link_that_is_not_a_web_page_is_refused(services):
    services.add("/paper.pdf", Answer(content_type="application/pdf", body=b"%PDF-1.7"))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(f"{services.url}/paper.pdf")
    assert "not a web page (it is application/pdf)" in _message(exc)


def test_a_slow_page_times_out(services, settings):
    _impatient(settings)
    services.add("/slow", Answer(content_type=HTML, body=b"<title>x</title>", delay=5))
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(f"{services.url}/slow")
    assert "did not answer within" in _message(exc)


def test_loopback_pages_are_refused_unless_the_setting_allows_them(services, settings):
    url = _page(services, "/article/42", "article_citation_meta.html")
    settings.READINGS_RESOLVERS = {**settings.READINGS_RESOLVERS, "allow_loopback": False}
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(url)
    assert "private address" in _message(exc)
    assert services.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/admin",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_network_addresses_are_never_fetched(settings, url):
    settings.READINGS_RESOLVERS = {"allow_loopback": False, "timeout_seconds": 0.5}
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(url)
    assert "private address" in _message(exc)


def test_a_host_that_changes_its_address_after_the_check_is_not_fetched(
    services, settings, monkeypatch
):
    """DNS rebinding: public when checked, loopback when connecting; the connection refuses."""
    import socket

    _page(services, "/article/42", "article_citation_meta.html")
    settings.READINGS_RESOLVERS = {**settings.READINGS_RESOLVERS, "allow_loopback": False}
    real = socket.getaddrinfo
    answers = iter(["93.184.215.14", "127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = services.url.rsplit(":", 1)[1]
    with pytest.raises(InvalidInput) as exc:
        resolve_identifier(f"http://rebind.example:{port}/article/42")
    assert "private address" in _message(exc)
    assert services.requests == []
