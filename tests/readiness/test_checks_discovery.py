"""discovery_search, proven with real searches: a local Zebra SRU server, the built-in catalogue."""

# The Zebra fixtures are imported from tests/discovery, so test arguments reuse their names.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from pymarc import MARCWriter

from discovery.builders import book
from discovery.conftest import closed_port_url, zebra_url  # noqa: F401  (fixtures)
from readings.discovery.catalogue import catalogue_import
from readings.discovery.models import SearchRecord
from readings.discovery.services import discovery_source_create
from readings.readiness.checks import run_checks


def discovery_check(institution):
    return next(r for r in run_checks(institution) if r.id == "discovery_search")


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user("admin", roles=["administrator"]))
    return client


def test_a_test_search_against_a_real_sru_server_turns_discovery_search_green(
    institution,
    zebra_url,
    admin_client,
):
    check = discovery_check(institution)
    assert check.status == "fail"
    assert "No catalogue" in check.explanation
    discovery_source_create(institution=institution, name="library", url=zebra_url)
    check = discovery_check(institution)
    assert check.status == "fail"
    assert "test search" in check.explanation

    response = admin_client.post(
        "/readiness/checks/test-search/", {"q": "middlemarch", "source": "library"}
    )
    assert response.status_code == 302
    record = SearchRecord.objects.get()
    assert (record.source, record.is_test, record.error) == ("library", True, "")
    assert record.total >= 1
    check = discovery_check(institution)
    assert check.status == "pass"
    assert check.evidence["last_search"]["source"] == "library"


def test_a_search_that_finds_nothing_does_not_count(institution, zebra_url):
    discovery_source_create(institution=institution, name="library", url=zebra_url)
    call_command("discovery", "search", "zzqxnotaword", "--source", "library")
    assert SearchRecord.objects.get().total == 0
    assert discovery_check(institution).status == "fail"


def test_a_catalogue_that_does_not_answer_is_recorded_as_an_error(
    institution,
    admin_client,
    closed_port_url,
):
    discovery_source_create(institution=institution, name="down", url=closed_port_url)
    response = admin_client.post("/readiness/checks/test-search/", {"q": "x", "source": "down"})
    assert response.status_code == 302
    record = SearchRecord.objects.get()
    assert record.error
    check = discovery_check(institution)
    assert check.status == "fail"
    assert check.evidence["last_error"]["source"] == "down"


def test_searches_of_the_built_in_catalogue_page_are_recorded(
    institution, make_user, client, tmp_path
):
    path = tmp_path / "catalogue.mrc"
    with open(path, "wb") as out:
        MARCWriter(out).write(book("rec-1", "Middlemarch", author="Eliot, George"))
    catalogue_import(institution=institution, paths=[path])
    client.force_login(make_user("stu", roles=["student"]))
    page = client.get("/discovery/search/?q=middlemarch")
    assert page.status_code == 200
    record = SearchRecord.objects.get()
    assert (record.source, record.total, record.is_test) == ("builtin", 1, False)
    assert discovery_check(institution).status == "pass"
