"""The discovery benchmark's MARC generator makes records the catalogue imports and finds.

Nothing is timed: the generated files import with no problem, Zebra's MARCXML
copy holds the same records, and each kind of generated query finds the record
it was made from.
"""

from __future__ import annotations

import pytest
from bench.fixtures import discovery_queries, marc_fields, write_marc

from readings.discovery.backends import backend_for
from readings.discovery.catalogue import catalogue_import, read_marc_file
from readings.discovery.models import CatalogueRecord
from readings.discovery.sru import Query

COUNT = 10


@pytest.fixture
def files(tmp_path):
    binary, xml = tmp_path / "records.mrc", tmp_path / "records.xml"
    write_marc(COUNT, binary, xml)
    return binary, xml


def test_generated_records_import_with_no_problems(db, institution, files):
    report = catalogue_import(institution=institution, paths=[files[0]])

    assert (report.imported, report.problems) == (COUNT, [])
    row = CatalogueRecord.objects.get(institution=institution, record_id="bench00000003")
    assert row.isbn == marc_fields(3).isbn
    assert marc_fields(3).author[0] in row.author_text


def test_the_marcxml_copy_holds_the_same_records(files):
    with open(files[1], "rb") as stream:
        read = [(marc, problem) for _, marc, problem in read_marc_file(stream)]

    assert [problem for _, problem in read] == [""] * COUNT
    assert [marc["001"].data for marc, _ in read] == [f"bench{n:08d}" for n in range(COUNT)]


@pytest.mark.parametrize("kind", ["title", "author", "keyword", "isbn"])
def test_every_generated_query_finds_records(db, institution, files, kind):
    catalogue_import(institution=institution, paths=[files[0]])
    backend = backend_for(institution)

    for text in discovery_queries(5, COUNT)[kind]:
        assert backend.search(Query(**{kind: text})).total >= 1, text


def test_the_cited_benchmark_asks_for_valid_identifiers_in_both_isbn_forms():
    from bench.discovery_cited import isbn10, isbn13, lookups

    from readings.citations import identifiers

    asked = lookups(5_000, 20)
    for given in asked:
        ((name, value),) = given.items()
        normalize = getattr(identifiers, f"normalize_{name}")
        assert normalize(value), given  # raises on a bad check digit
    assert identifiers.normalize_isbn(isbn10(isbn13(1234))) == isbn13(1234)
    assert sum(len(v) == 10 for g in asked for k, v in g.items() if k == "isbn") == 20


def test_the_cited_benchmark_finds_lists_for_what_it_inserted(db, django_user_model):
    from bench.discovery_cited import _measure, _setup

    _setup(2_000)

    found = _measure(2_000, 10)
    assert found["asked"] == 50
    assert found["most_lists"] >= 1
    # The ten books no list cites, at least; nothing errs.
    assert 10 <= found["misses"] < 50
    assert {"index", "librarian", "endpoint"} <= set(found)
