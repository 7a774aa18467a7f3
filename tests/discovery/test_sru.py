"""The SRU client against a real Zebra server, and its answers to bad input and faults."""

from __future__ import annotations

import pytest

from discovery.builders import HISTORY_COUNT
from readings.citations.models import CitationKind
from readings.discovery.sru import (
    DC_SCHEMA,
    Query,
    SRUClient,
    SRUDiagnostic,
    SRUError,
    SRUResponseError,
    SRUUnavailable,
    cql_term,
    parse_response,
    to_cql,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("middlemarch", '"middlemarch"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("star* and ques?", '"star\\* and ques\\?"'),
        ("a\\b ^c", '"a\\\\b \\^c"'),
        ("dc.title = x or y", '"dc.title = x or y"'),
        ("  spaced   out ", '"spaced out"'),
    ],
)
def test_user_text_becomes_one_quoted_cql_term_with_special_characters_escaped(text, term):
    assert cql_term(text) == term


def test_a_structured_query_becomes_cql_clauses_joined_with_and():
    cql = to_cql(Query(title="Middlemarch", author="Eliot", isbn="0-14-143975-0"))
    assert cql == (
        'dc.title all "Middlemarch" and dc.creator all "Eliot" and '
        '(bath.isbn="9780141439754" or bath.isbn="0141439750")'
    )


def test_a_title_search_finds_the_record_and_maps_it(zebra_url):
    result = SRUClient(zebra_url).search(Query(title="middlemarch"))
    assert result.total == 1
    [found] = result.records
    assert found.record_id == "rec-middlemarch"
    assert found.full_title == "Middlemarch: a study of provincial life"
    assert found.authors == [{"family": "Eliot", "given": "George"}]
    assert found.isbns == ["9780141439549"]


def test_an_author_search_finds_every_record_by_that_author(zebra_url):
    result = SRUClient(zebra_url).search(Query(author="Eliot"))
    assert sorted(r.record_id for r in result.records) == ["rec-marner", "rec-middlemarch"]


def test_an_isbn_13_search_finds_a_record_catalogued_with_its_isbn_10(zebra_url):
    result = SRUClient(zebra_url).search(Query(isbn="978-0-14-143975-4"))
    assert [r.record_id for r in result.records] == ["rec-marner"]


def test_a_keyword_search_matches_words_anywhere_in_the_record(zebra_url):
    result = SRUClient(zebra_url).search(Query(keyword="provincial eliot"))
    assert [r.record_id for r in result.records] == ["rec-middlemarch"]


def test_an_issn_search_finds_the_journal(zebra_url):
    result = SRUClient(zebra_url).search(Query(issn="0317-8471"))
    assert [(r.record_id, r.kind) for r in result.records] == [
        ("rec-journal", CitationKind.JOURNAL)
    ]


def test_cql_syntax_in_a_users_query_is_searched_as_text_not_run(zebra_url):
    client = SRUClient(zebra_url)
    # Unescaped, this would be a search for everything by anyone in the title index.
    assert client.search(Query(keyword='middlemarch" or dc.title="history')).total == 0
    # Unescaped, "histor*" would truncate and match all the history volumes.
    assert client.search(Query(title="histor*")).total == 0
    found = client.search(Query(title='"quoted" title'))
    assert [r.record_id for r in found.records] == ["rec-quote"]


def test_pages_follow_each_other_until_the_last(zebra_url):
    client = SRUClient(zebra_url)
    seen = []
    start = 1
    pages = 0
    while start is not None:
        page = client.search(Query(title="history"), start=start, limit=10)
        assert page.total == HISTORY_COUNT
        seen += [r.record_id for r in page.records]
        start = page.next_start
        pages += 1
    assert pages == 3
    assert sorted(seen) == [f"rec-history-{n:02d}" for n in range(1, HISTORY_COUNT + 1)]


def test_dublin_core_records_are_parsed(zebra_url):
    result = SRUClient(zebra_url, record_schema=DC_SCHEMA).search(Query(title="silas marner"))
    [found] = result.records
    assert found.title == "Silas Marner"
    assert found.authors == [{"family": "Eliot", "given": "George"}]
    assert found.isbns == ["9780141439754"]
    assert found.record_id == "rec-marner"


def test_a_bad_query_gives_the_servers_diagnostic_as_a_clear_message(zebra_url):
    with pytest.raises(SRUDiagnostic) as caught:
        SRUClient(zebra_url).search("dc.title = x )")
    assert caught.value.uri.startswith("info:srw/diagnostic/1/")
    assert str(caught.value).startswith("The catalogue could not run this search:")


def test_an_unknown_index_is_reported_as_unsupported(zebra_url):
    with pytest.raises(SRUDiagnostic, match="does not support searching this field"):
        SRUClient(zebra_url).search('dc.nonsense="x"')


def test_an_empty_query_is_refused_before_any_request():
    with pytest.raises(SRUError, match="Type something"):
        SRUClient("http://127.0.0.1:9").search(Query())


def test_an_unreachable_server_gives_a_clear_error(closed_port_url):
    client = SRUClient(closed_port_url, timeout=1, retries=1)
    with pytest.raises(SRUUnavailable, match="cannot be reached"):
        client.search(Query(title="x"))


def test_an_address_that_is_not_a_web_address_gives_a_clear_error():
    with pytest.raises(SRUUnavailable, match="cannot be used"):
        SRUClient("htp:/nowhere").search(Query(title="x"))


def test_a_server_that_never_answers_gives_a_timeout_error(silent_server):
    client = SRUClient(silent_server, timeout=0.5, retries=1)
    with pytest.raises(SRUUnavailable, match=r"did not answer within 0\.5 seconds"):
        client.search(Query(title="x"))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>Service unavailable</html", SRUResponseError),
        (b"<html><body>Hello</body></html>", SRUResponseError),
        (
            b'<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/">'
            b"<numberOfRecords>many</numberOfRecords></searchRetrieveResponse>",
            SRUResponseError,
        ),
    ],
)
def test_an_answer_that_is_not_sru_is_reported(body, error):
    with pytest.raises(error):
        parse_response(body)


def test_sru_2_responses_and_their_diagnostics_are_understood():
    body = (
        b'<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse"'
        b' xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">'
        b"<sru:numberOfRecords>0</sru:numberOfRecords><sru:diagnostics><diag:diagnostic>"
        b"<diag:uri>info:srw/diagnostic/1/235</diag:uri><diag:details>books</diag:details>"
        b"</diag:diagnostic></sru:diagnostics></sru:searchRetrieveResponse>"
    )
    with pytest.raises(SRUDiagnostic, match=r"database does not exist \(books\)"):
        parse_response(body)
