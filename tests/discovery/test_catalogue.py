"""The built-in catalogue: MARC import and ranked, accent-folding, field-aware search."""

from __future__ import annotations

import pytest
from django.db import connection
from pymarc import MARCWriter, XMLWriter

from discovery.builders import book, control, field, record
from readings.core.exceptions import InvalidInput, NotFound
from readings.discovery import catalogue
from readings.discovery.backends import BuiltinBackend, SRUBackend, backend_for
from readings.discovery.catalogue import catalogue_import, catalogue_search
from readings.discovery.models import CatalogueRecord
from readings.discovery.services import discovery_source_create
from readings.discovery.sru import Query


def write_xml(path, records):
    writer = XMLWriter(path.open("wb"))
    for marc in records:
        writer.write(marc)
    writer.close()
    return path


def write_binary(path, records):
    with path.open("wb") as stream:
        writer = MARCWriter(stream)
        for marc in records:
            writer.write(marc)
    return path


SAMPLE = [
    book(
        "b1",
        "Middlemarch",
        subtitle="a study of provincial life",
        author="Eliot, George",
        isbn="0141439750",
        subjects=("Provincial life",),
    ),
    book("b2", "Les misérables", author="Hugo, Victor", isbn="9780140444308"),
    book("b3", "Eliot's letters", author="Haight, Gordon", subjects=("Middlemarch",)),
    book("b4", "Émile", author="Rousseau, Jean-Jacques", subjects=("Education",)),
]


@pytest.fixture
def imported(institution, tmp_path):
    report = catalogue_import(
        institution=institution, paths=[write_xml(tmp_path / "sample.xml", SAMPLE)]
    )
    assert report.problems == []
    return report


def ids(hits):
    return [row.record_id for row in hits.records]


def search(institution, **parts):
    return catalogue_search(institution=institution, query=Query(**parts))


@pytest.mark.django_db
def test_importing_marcxml_stores_each_record_with_its_mapped_fields(institution, imported):
    assert imported.imported == 4
    row = CatalogueRecord.objects.get(institution=institution, record_id="b1")
    assert row.title == "Middlemarch: a study of provincial life"
    assert row.isbn == "9780141439754"
    assert row.year == 2019
    assert row.data["authors"] == [{"family": "Eliot", "given": "George"}]


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_subject_match(institution, imported):
    assert ids(search(institution, keyword="middlemarch")) == ["b1", "b3"]


@pytest.mark.django_db
def test_field_queries_search_only_their_field(institution, imported):
    assert ids(search(institution, title="middlemarch")) == ["b1"]
    assert ids(search(institution, author="eliot")) == ["b1"]
    assert ids(search(institution, title="eliot")) == ["b3"]


@pytest.mark.django_db
def test_accents_are_folded_on_both_sides(institution, imported):
    assert ids(search(institution, title="miserables")) == ["b2"]
    assert ids(search(institution, title="EMILE")) == ["b4"]
    assert ids(search(institution, author="Rousseau")) == ["b4"]


@pytest.mark.django_db
def test_an_isbn_finds_the_record_in_either_form(institution, imported):
    assert ids(search(institution, isbn="0-14-143975-0")) == ["b1"]
    assert ids(search(institution, isbn="9780141439754")) == ["b1"]


@pytest.mark.django_db
def test_query_syntax_in_user_text_is_searched_as_words(institution, imported):
    assert ids(search(institution, keyword='middlemarch" OR "hugo')) == []
    assert ids(search(institution, keyword="title : NEAR(middlemarch* provincial)")) == []
    assert ids(search(institution, keyword="provincial (life)")) == ["b1"]
    assert ids(search(institution, isbn='014" OR "x')) == []
    assert ids(search(institution, isbn="' | '")) == []


@pytest.mark.django_db
def test_search_sees_only_the_institutions_own_catalogue(institution, other_institution, imported):
    assert ids(search(other_institution, title="middlemarch")) == []


@pytest.mark.django_db
def test_importing_again_replaces_records_with_the_same_id(institution, imported, tmp_path):
    changed = [book("b1", "Daniel Deronda", author="Eliot, George")]
    catalogue_import(institution=institution, paths=[write_xml(tmp_path / "again.xml", changed)])
    assert CatalogueRecord.objects.filter(institution=institution).count() == 4
    assert ids(search(institution, title="deronda")) == ["b1"]
    assert ids(search(institution, title="middlemarch")) == []


@pytest.mark.django_db
def test_binary_marc_imports_and_malformed_records_are_reported_and_skipped(institution, tmp_path):
    path = write_binary(tmp_path / "good.mrc", [SAMPLE[0], SAMPLE[1]])
    good = path.read_bytes()
    first_length = int(good[:5])
    # A record whose directory is garbage between two good ones.
    broken = b"00060nam  2200037   4500" + b"x" * 35 + b"\x1d"
    path.write_bytes(good[:first_length] + broken + good[first_length:])
    report = catalogue_import(institution=institution, paths=[path])
    assert report.imported == 2
    assert [p.position for p in report.problems] == [2]
    assert "unreadable MARC record" in report.problems[0].message
    assert sorted(CatalogueRecord.objects.values_list("record_id", flat=True)) == ["b1", "b2"]


@pytest.mark.django_db
def test_a_truncated_binary_file_keeps_the_whole_records_before_the_cut(institution, tmp_path):
    path = write_binary(tmp_path / "cut.mrc", SAMPLE[:3])
    path.write_bytes(path.read_bytes()[:-40])
    report = catalogue_import(institution=institution, paths=[path])
    assert report.imported == 2
    assert [(p.position, "TruncatedRecord" in p.message) for p in report.problems] == [(3, True)]


@pytest.mark.django_db
def test_a_file_that_is_not_marc_is_reported_not_imported(institution, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, this is not a MARC file")
    report = catalogue_import(institution=institution, paths=[path])
    assert report.imported == 0
    assert "unreadable MARC record" in report.problems[0].message


@pytest.mark.django_db
def test_records_without_an_id_or_title_are_reported_and_the_rest_imported(institution, tmp_path):
    records = [
        record(field("245", "a", "No identifier", ind="00")),
        record(control("001", "no-title"), field("100", "a", "Someone", ind="0 ")),
        SAMPLE[3],
    ]
    report = catalogue_import(
        institution=institution, paths=[write_xml(tmp_path / "x.xml", records)]
    )
    assert report.imported == 1
    assert [(p.position, p.record_id, p.message) for p in report.problems] == [
        (1, "", "no record id (field 001)"),
        (2, "no-title", "no title (field 245)"),
    ]


@pytest.mark.django_db
def test_xml_that_breaks_off_keeps_the_records_before_the_break(institution, tmp_path):
    path = write_xml(tmp_path / "cut.xml", SAMPLE[:2])
    text = path.read_bytes()
    path.write_bytes(text[: text.rindex(b"<record")] + b"<record><leader>bad")
    report = catalogue_import(institution=institution, paths=[path])
    assert report.imported == 1
    assert "not well-formed XML" in report.problems[0].message


@pytest.mark.django_db
def test_the_builtin_backend_pages_through_results_as_marc_records(institution, imported):
    backend = backend_for(institution)
    assert isinstance(backend, BuiltinBackend)
    first = backend.search(Query(keyword="middlemarch"), limit=1)
    assert (first.total, first.next_start) == (2, 2)
    assert first.records[0].full_title == "Middlemarch: a study of provincial life"
    second = backend.search(Query(keyword="middlemarch"), start=2, limit=1)
    assert ([r.record_id for r in second.records], second.next_start) == (["b3"], None)


@pytest.mark.django_db
def test_an_empty_query_is_refused(institution):
    with pytest.raises(InvalidInput):
        backend_for(institution).search(Query(title="  "))


@pytest.mark.django_db
def test_a_registered_sru_source_is_found_by_name_and_unknown_names_are_not(institution):
    discovery_source_create(institution=institution, name="zebra", url="http://127.0.0.1:9/")
    assert isinstance(backend_for(institution, "zebra"), SRUBackend)
    with pytest.raises(NotFound):
        backend_for(institution, "nothing")


@pytest.mark.django_db
def test_an_sru_source_needs_an_address_and_a_unique_name(institution):
    with pytest.raises(InvalidInput) as caught:
        discovery_source_create(institution=institution, name="x", url="")
    assert "url" in caught.value.errors
    discovery_source_create(institution=institution, name="x", url="http://127.0.0.1:9/")
    with pytest.raises(InvalidInput) as caught:
        discovery_source_create(institution=institution, name="x", url="http://127.0.0.1:8/")
    assert "name" in caught.value.errors


@pytest.fixture
def mapped_in_a_worker(monkeypatch):
    """Large imports read MARC in a second process; make every import large, batches small."""
    from readings.discovery import catalogue

    monkeypatch.setattr(catalogue, "_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(catalogue, "_BATCH", 2)
    return catalogue


@pytest.mark.django_db
def test_a_worker_import_gives_the_same_records_and_report_as_an_in_process_one(
    institution, tmp_path, mapped_in_a_worker
):
    records = [SAMPLE[0], record(field("245", "a", "No identifier", ind="00")), *SAMPLE[1:]]
    counted = []
    report = catalogue_import(
        institution=institution,
        paths=[
            write_xml(tmp_path / "a.xml", records[:3]),
            write_binary(tmp_path / "b.mrc", records[3:]),
        ],
        progress=counted.append,
    )
    assert report.imported == 4
    assert [(p.position, p.message) for p in report.problems] == [(2, "no record id (field 001)")]
    assert counted[-1] == 4 and counted == sorted(counted)
    assert sorted(CatalogueRecord.objects.values_list("record_id", flat=True)) == [
        "b1", "b2", "b3", "b4"
    ]  # fmt: skip
    assert ids(search(institution, author="hugo")) == ["b2"]


@pytest.mark.django_db
def test_a_failing_worker_stops_the_import_with_its_reason(
    institution, tmp_path, mapped_in_a_worker, monkeypatch
):
    def broken(paths):
        yield [(1, None, "", "")]
        raise ValueError("disk on fire")

    monkeypatch.setattr(mapped_in_a_worker, "_map_files", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        catalogue_import(institution=institution, paths=[write_xml(tmp_path / "a.xml", SAMPLE)])


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_before_anything_is_imported(institution, tmp_path):
    good = write_xml(tmp_path / "a.xml", SAMPLE)
    with pytest.raises(FileNotFoundError):
        catalogue_import(institution=institution, paths=[good, tmp_path / "missing.mrc"])
    assert not CatalogueRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite ranks a one-field search")
def test_a_one_field_search_puts_the_closest_field_first(institution, tmp_path):
    records = [
        book("long", "Middlemarch and other provincial novels reconsidered", author="Long, Al"),
        book("short", "Middlemarch", author="Short, Sal"),
        book("mid", "Middlemarch revisited", author="Mid, Mo"),
    ]
    catalogue_import(institution=institution, paths=[write_xml(tmp_path / "r.xml", records)])
    assert ids(search(institution, title="middlemarch")) == ["short", "mid", "long"]


@pytest.fixture
def many(institution, other_institution, tmp_path):
    records = [book(f"h{n:02d}", f"History volume {n}", author="Historian, Hal") for n in range(30)]
    catalogue_import(institution=institution, paths=[write_xml(tmp_path / "h.xml", records)])
    catalogue_import(
        institution=other_institution,
        paths=[write_xml(tmp_path / "o.xml", [book("o1", "History elsewhere", author="X, Y")])],
    )


@pytest.mark.django_db
def test_beyond_the_ranked_matches_pages_stay_whole_and_the_total_says_if_it_is_estimated(
    institution, many, monkeypatch
):
    monkeypatch.setattr(catalogue, "RANKED_MATCHES", 12)
    pages = [
        catalogue_search(institution=institution, query=Query(title="history"), offset=o, limit=5)
        for o in (0, 5, 10)
    ]
    found = [record_id for page in pages for record_id in ids(page)]
    # The ranked matches, each once, and no further.
    assert len(found) == len(set(found)) == 12
    assert all(record_id.startswith("h") for record_id in found)
    first = pages[0]
    if connection.vendor == "sqlite":
        # The full-text index counts every match cheaply: the total stays exact.
        assert (first.total, first.estimated) == (30, False)
    else:
        assert first.estimated and first.total > 12


@pytest.mark.django_db
def test_the_builtin_backend_offers_no_page_beyond_the_ranked_matches(
    institution, many, monkeypatch
):
    monkeypatch.setattr(catalogue, "RANKED_MATCHES", 12)
    backend = BuiltinBackend(institution)
    assert backend.search(Query(title="history"), start=6, limit=5).next_start == 11
    assert backend.search(Query(title="history"), start=11, limit=5).next_start is None


@pytest.mark.django_db
def test_within_the_ranked_matches_the_total_is_exact(institution, many):
    hits = catalogue_search(institution=institution, query=Query(keyword="history"), limit=5)
    assert (hits.total, hits.estimated, len(hits.records)) == (30, False, 5)
