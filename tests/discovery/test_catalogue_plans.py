"""Catalogue searches run from the full-text index, on SQLite and on PostgreSQL.

Query plans, not timings: a plan that starts from the institution index runs
the full-text match once per record of the institution, which is seconds on a
large catalogue whatever the machine.
"""

from __future__ import annotations

import pytest
from bench.fixtures import discovery_queries, write_marc
from django.db import connection

from readings.discovery.catalogue import RANKED_MATCHES, catalogue_import, ranked_sql, search_sql
from readings.discovery.sru import Query

pytestmark = pytest.mark.django_db
RECORDS = 300
KINDS = ("title", "author", "keyword", "isbn")


@pytest.fixture
def imported(institution, other_institution, tmp_path):
    binary, xml = tmp_path / "records.mrc", tmp_path / "records.xml"
    write_marc(RECORDS, binary, xml)
    catalogue_import(institution=institution, paths=[binary])
    catalogue_import(institution=other_institution, paths=[binary])
    return institution


def plans(institution) -> dict[str, list[str]]:
    """Each kind of search's count and ranking queries, as the database plans them."""
    found = {}
    for kind in KINDS:
        text = discovery_queries(1, RECORDS)[kind][0]
        base, params, rank = search_sql(institution=institution, query=Query(**{kind: text}))
        for name, sql, more in (
            ("count", f"SELECT count(*) {base}", []),
            ("ranked", ranked_sql(base, rank), [RANKED_MATCHES + 1]),
        ):
            with connection.cursor() as cursor:
                explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(explain + sql, [*params, *more])
                found[f"{kind} {name}"] = [str(row[-1]) for row in cursor.fetchall()]
    return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 plan")
def test_sqlite_searches_start_from_the_fts5_index_not_the_institution_index(imported):
    for query, plan in plans(imported).items():
        assert "VIRTUAL TABLE" in plan[0], (query, plan)
        assert not any("institution" in step for step in plan), (query, plan)
        # FTS5 gives the newest matches first itself: no sort of every match.
        assert not any("TEMP B-TREE" in step for step in plan), (query, plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL GIN plan")
def test_postgresql_searches_use_the_gin_index_after_an_import(imported):
    with connection.cursor() as cursor:
        # Sequential scans win on a few hundred rows; the choice tested is which index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query, plan in plans(imported).items():
            text = "\n".join(plan)
            assert "discovery_catalogue_search" in text, (query, text)
            assert "institution_id_" not in text, (query, text)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL GIN pending list")
def test_an_import_leaves_no_pending_gin_entries_for_searches_to_scan(imported):
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('discovery_catalogue_search')")
        assert cursor.fetchone()[0] == 0
