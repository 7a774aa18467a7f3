"""readings discovery add-sru and readings catalogue import/search, as an administrator types."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pymarc import XMLWriter

from discovery.builders import book
from readings.discovery.backends import parse_query
from readings.discovery.models import DiscoverySource
from readings.discovery.sru import Query


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def marc_file(tmp_path):
    path = tmp_path / "records.xml"
    writer = XMLWriter(path.open("wb"))
    writer.write(book("c1", "Middlemarch", author="Eliot, George", isbn="0141439750"))
    writer.write(book("c2", "Bleak House", author="Dickens, Charles", year="2003"))
    writer.close()
    return path


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("middlemarch", Query(keyword="middlemarch")),
        ("title:middlemarch eliot", Query(keyword="eliot", title="middlemarch")),
        ('author:"george eliot" isbn:0141439750', Query(author="george eliot", isbn="0141439750")),
        ("Title:a title:b", Query(title="a b")),
        ("note: not a field", Query(keyword="note: not a field")),
    ],
)
def test_a_typed_search_is_read_into_fields(text, query):
    assert parse_query(text) == query


@pytest.mark.django_db
def test_import_then_search_prints_json_with_the_key_fields(institution, marc_file):
    out, _ = run("catalogue", "import", str(marc_file))
    assert out.strip() == "Imported 2 records into UNI."
    out, _ = run("catalogue", "search", "author:eliot", "--json")
    [found] = json.loads(out)
    assert found["record_id"] == "c1"
    assert found["title"] == "Middlemarch"
    assert found["authors"] == [{"family": "Eliot", "given": "George"}]
    assert found["isbn"] == "9780141439754"
    assert found["year"] == 2019


@pytest.mark.django_db
def test_search_output_respects_the_limit(institution, marc_file):
    run("catalogue", "import", str(marc_file))
    out, _ = run("catalogue", "search", "penguin", "--limit", "1")
    lines = out.strip().splitlines()
    assert lines[0] == "2 found in builtin."
    assert len(lines) == 2


@pytest.mark.django_db
def test_import_reports_skipped_records_on_stderr(institution, tmp_path):
    path = tmp_path / "bad.xml"
    writer = XMLWriter(path.open("wb"))
    writer.write(book("", "No id"))
    writer.write(book("ok", "Fine"))
    writer.close()
    out, err = run("catalogue", "import", str(path))
    assert out.strip() == "Imported 1 records into UNI; 1 skipped."
    assert err.strip() == "record 1 skipped: no record id (field 001)"


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(institution, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.xml"):
        run("catalogue", "import", str(tmp_path / "missing.xml"))


@pytest.mark.django_db
def test_add_sru_registers_a_source_for_the_named_institution(institution, other_institution):
    out, _ = run(
        "discovery",
        "add-sru",
        "lib",
        "http://127.0.0.1:9",
        "--database",
        "Default",
        "--institution",
        "OTHER",
    )
    assert "Added the SRU source 'lib' for OTHER." in out
    source = DiscoverySource.objects.get()
    assert (source.institution, source.url, source.database) == (
        other_institution,
        "http://127.0.0.1:9",
        "Default",
    )
    with pytest.raises(CommandError, match="name"):
        run("discovery", "add-sru", "lib", "http://127.0.0.1:9", "--institution", "OTHER")


@pytest.mark.django_db
@pytest.mark.slow
def test_search_through_a_registered_sru_source(institution, zebra_url):
    base, database = zebra_url.rsplit("/", 1)
    run("discovery", "add-sru", "zebra", base, "--database", database)
    out, _ = run("catalogue", "search", "title:middlemarch", "--source", "zebra", "--json")
    assert [r["record_id"] for r in json.loads(out)] == ["rec-middlemarch"]


@pytest.mark.django_db
def test_an_unreachable_sru_source_is_a_clear_error(institution, closed_port_url):
    run("discovery", "add-sru", "down", closed_port_url)
    with pytest.raises(CommandError, match=r"down: The catalogue at .* cannot be reached"):
        run("catalogue", "search", "anything", "--source", "down")
