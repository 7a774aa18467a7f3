"""The built-in catalogue: import MARC files, and search them with relevance ranking.

Search runs on SQLite's FTS5 table or PostgreSQL's ``search_vector`` column
(migration 0002); both give the same answers to the same ``Query``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone
from lxml import etree
from pymarc import Record as MarcRecord

from readings.discovery.marc import Record, record_from_marc
from readings.discovery.marcbinary import read_binary
from readings.discovery.models import CatalogueRecord
from readings.discovery.sru import Query, isbn_forms, marc_from_xml
from readings.institutions.models import Institution

_MARCXML_RECORD = ("{http://www.loc.gov/MARC21/slim}record", "record")
_TOKEN = re.compile(r"\w+")
_BATCH = 1000
# Smaller imports are mapped in-process: starting a worker costs more than it saves.
_WORKER_MIN_BYTES = 4 * 1024 * 1024
# bm25 weights per FTS5 column: title, author_text, isbn_text, keyword_text.
_SQLITE_RANK = "bm25(discovery_catalogue_fts, 10.0, 5.0, 5.0, 1.0)"
_SQLITE_COLUMNS = {"title": "title", "author": "author_text", "isbn": "isbn_text"}
# PostgreSQL weights set by the trigger in migration 0002.
_POSTGRES_WEIGHTS = {"title": "A", "author": "B", "isbn": "C"}
_UPDATED_FIELDS = (
    "kind",
    "title",
    "year",
    "isbn",
    "author_text",
    "isbn_text",
    "keyword_text",
    "data",
    "holdings",
    "updated_at",
)
_INSERTED_COLUMNS = (
    "institution_id",
    "record_id",
    *_UPDATED_FIELDS[:-1],
    "created_at",
    "updated_at",
)


@dataclass
class ImportProblem:
    position: int
    record_id: str
    message: str


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def read_marc_file(stream: BinaryIO) -> Iterator[tuple[int, MarcRecord | None, str]]:
    """Yield (position, record, problem) for each record of a MARC 21 or MARCXML stream.

    A record that cannot be read comes back as None with the reason; reading
    goes on with the next one where the format allows it.
    """
    start = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        yield from _read_marcxml(stream)
    else:
        yield from _read_binary(stream)


def _read_binary(stream: BinaryIO) -> Iterator[tuple[int, MarcRecord | None, str]]:
    # The lean reader gives records pymarc would give, at a fraction of the cost.
    return read_binary(stream)


def _read_marcxml(stream: BinaryIO) -> Iterator[tuple[int, MarcRecord | None, str]]:
    position = 0
    events = etree.iterparse(
        stream, events=("end",), tag=_MARCXML_RECORD, resolve_entities=False, no_network=True
    )
    try:
        for _, element in events:
            position += 1
            yield position, marc_from_xml(element), ""
            # Streaming: drop what was read so memory stays flat on large files.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        yield position + 1, None, f"the file is not well-formed XML from here on ({exc})"


def catalogue_import(
    *,
    institution: Institution,
    paths: Iterable[str | Path],
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import MARC 21 or MARCXML files into the institution's built-in catalogue.

    A record with the same record id (001) is replaced. Records without a title
    or record id are reported and skipped; the rest are imported. Large files
    are read and mapped in a second process while this one writes, so reading
    MARC and writing the database use two cores.
    """
    paths = list(paths)
    for path in paths:
        open(path, "rb").close()  # an unreadable file is refused before anything is written
    report = ImportReport()
    for batch in _mapped_batches(paths):
        rows = []
        for position, row, problem, record_id in batch:
            if row is None:
                report.problems.append(ImportProblem(position, record_id, problem))
            else:
                rows.append(row)
        report.imported += _save(institution, rows)
        if progress:
            progress(report.imported)
    if report.imported:
        _settle_index()
    return report


# Each entry: (position in its file, the row or None, the problem, the record id).
_Mapped = list[tuple[int, "_Row | None", str, str]]


def _mapped_batches(paths: list[str | Path]) -> Iterator[_Mapped]:
    size = sum(os.path.getsize(path) for path in paths)
    if size < _WORKER_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        yield from _map_files(paths)
        return
    # Forked, so the worker needs no Django set-up; it never touches the database.
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=4)  # bounds memory: at most a few batches in flight
    worker = context.Process(target=_map_in_worker, args=(paths, queue), daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = queue.get(timeout=1)
            except Empty:
                if not worker.is_alive():
                    raise RuntimeError("the MARC reading process stopped unexpectedly") from None
                continue
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"reading the MARC files failed: {item}")
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _map_in_worker(paths: list[str | Path], queue) -> None:
    try:
        for batch in _map_files(paths):
            queue.put(batch)
    except Exception as exc:  # sent to the importing process, which raises it
        queue.put(f"{type(exc).__name__}: {exc}")
        return
    queue.put(None)


def _map_files(paths: list[str | Path]) -> Iterator[_Mapped]:
    batch: _Mapped = []
    for path in paths:
        with open(path, "rb") as stream:
            for position, marc, problem in read_marc_file(stream):
                row = None
                if marc is not None:
                    row, problem = _row(marc)
                record_id = "" if row is not None else _record_id(marc)
                batch.append((position, row, problem, record_id))
                if len(batch) >= _BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


def _settle_index() -> None:
    """After a bulk import, make searches fast at once rather than after autovacuum.

    PostgreSQL queues new GIN entries in a pending list that every search scans
    in full (milliseconds per search on a large import), and its planner knows
    nothing of the new rows until ANALYZE, so it drives searches from the
    institution index instead of the full-text one. SQLite needs neither.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('discovery_catalogue_search')")
        cursor.execute("ANALYZE discovery_cataloguerecord")


@dataclass(frozen=True)
class _Row:
    """One catalogue row as the import writes it: plain values, no model instance."""

    record_id: str
    kind: str
    title: str
    year: int | None
    isbn: str
    author_text: str
    isbn_text: str
    keyword_text: str
    data: str
    holdings: str


def _row(marc: MarcRecord) -> tuple[_Row | None, str]:
    record = record_from_marc(marc)
    if not record.record_id:
        return None, "no record id (field 001)"
    title = record.full_title or record.vernacular_title
    if not title:
        return None, "no title (field 245)"
    if len(record.record_id) > 100:
        return None, "the record id (001) is longer than 100 characters"
    authors = [*record.authors, *record.editors, *record.vernacular_authors]
    keywords = [
        record.vernacular_title,
        *record.subjects,
        *record.series,
        record.publisher,
        record.place,
        record.edition,
        record.issn,
        record.record_id,
    ]
    data = record.as_dict()
    return (
        _Row(
            record_id=record.record_id,
            kind=record.kind,
            title=title,
            year=record.year,
            isbn=record.isbn,
            author_text=" ; ".join(" ".join(name.values()) for name in authors),
            isbn_text=" ".join(record.isbns),
            keyword_text=" ".join(k for k in keywords if k),
            data=_json(data),
            holdings=_json(data["holdings"]),
        ),
        "",
    )


def _copy_upsert(cursor, params: list[tuple], columns: str, upsert: str) -> None:
    """COPY the batch into a scratch table, then upsert from it: twice as fast as VALUES."""
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS discovery_import_batch ON COMMIT DELETE ROWS AS "
        "SELECT * FROM discovery_cataloguerecord WITH NO DATA"
    )
    # Emptied here too: inside an outer transaction ON COMMIT has not come yet.
    cursor.execute("TRUNCATE discovery_import_batch")
    with cursor.cursor.copy(f"COPY discovery_import_batch ({columns}) FROM STDIN") as copy:
        for row in params:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO discovery_cataloguerecord ({columns}) "
        f"SELECT {columns} FROM discovery_import_batch {upsert}"
    )


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _record_id(marc: MarcRecord | None) -> str:
    if marc is None:
        return ""
    fields = marc.get_fields("001")
    return (fields[0].data or "").strip() if fields else ""


def _save(institution: Institution, batch: list[_Row]) -> int:
    """Insert or replace a batch through COPY (PostgreSQL) or one executemany (SQLite).

    Raw SQL because building and saving model instances cost more than reading
    the MARC; the full-text index follows through the triggers of migration 0002.
    """
    if not batch:
        return 0
    # The last copy of a record id in a batch wins, as it would across batches
    # (and one statement may not update a row twice).
    unique = list({row.record_id: row for row in batch}.values())
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        (institution.pk, row.record_id, row.kind, row.title, row.year, row.isbn,
         row.author_text, row.isbn_text, row.keyword_text, row.data, row.holdings, now, now)
        for row in unique
    ]  # fmt: skip
    columns = ", ".join(_INSERTED_COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in _UPDATED_FIELDS)
    upsert = f"ON CONFLICT (institution_id, record_id) DO UPDATE SET {updates}"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_upsert(cursor, params, columns, upsert)
        else:
            one = ", ".join(["%s"] * len(_INSERTED_COLUMNS))
            cursor.executemany(
                f"INSERT INTO discovery_cataloguerecord ({columns}) VALUES ({one}) {upsert}",
                params,
            )
    return len(batch)


@dataclass
class CatalogueHits:
    total: int
    records: list[CatalogueRecord]
    # True when ``total`` is the planner's estimate (PostgreSQL, many matches).
    estimated: bool = False


# Ranking costs time in proportion to the matches ranked, so at most this many
# are ranked, and paged through: as deep as the search page goes
# (selectors.MAX_SEARCH_PAGE); a person refines a search long before.
RANKED_MATCHES = 1000


def catalogue_search(
    *, institution: Institution, query: Query, offset: int = 0, limit: int = 10
) -> CatalogueHits:
    """Search the institution's built-in catalogue, best matches first.

    Matches are ordered by relevance when there are at most ``RANKED_MATCHES``;
    beyond that, that many of them are ranked and paged through (the newest on
    SQLite, the first found on PostgreSQL). The total counts every match; it is
    exact, except on PostgreSQL beyond ``RANKED_MATCHES``, where counting them
    all would cost a heap row each: there it is the planner's estimate, and
    ``estimated`` says so.
    """
    base, params, rank_sql = search_sql(institution=institution, query=query)
    if not params[0]:
        return CatalogueHits(total=0, records=[])
    ranked = RANKED_MATCHES
    with connection.cursor() as cursor:
        cursor.execute(ranked_sql(base, rank_sql), [*params, ranked + 1])
        rows = cursor.fetchall()
        total, estimated = len(rows), False
        if total > ranked:
            del rows[ranked:]
            if connection.vendor == "postgresql":
                total, estimated = max(_estimate(cursor, base, params), ranked + 1), True
            else:
                total = _count_sqlite(cursor, base, params)
    rows.sort(key=lambda row: (row[1], row[0]))
    ids = [row[0] for row in rows[offset : offset + limit]]
    found = CatalogueRecord.objects.in_bulk(ids)
    return CatalogueHits(
        total=total, records=[found[i] for i in ids if i in found], estimated=estimated
    )


def ranked_sql(base: str, rank_sql: str) -> str:
    """Read the matches to rank, with their rank; its last parameter is how many."""
    if connection.vendor == "postgresql":
        # Each match costs a heap row (GIN keeps no weights, so the row is
        # checked, and ranked from its vector): the LIMIT stops the bitmap scan.
        return f"SELECT r.id, {rank_sql} {base} LIMIT %s"
    # The newest matches: FTS5 reads its doclists backwards from the highest
    # rowid and stops at the LIMIT.
    return f"SELECT r.id, {rank_sql} {base} ORDER BY f.rowid DESC LIMIT %s"


def _count_sqlite(cursor, base: str, params: list) -> int:
    # With one institution in the catalogue the index alone counts the matches,
    # skipping through its doclists; the join would read every matching row.
    cursor.execute(
        "SELECT (SELECT min(institution_id) FROM discovery_cataloguerecord), "
        "(SELECT max(institution_id) FROM discovery_cataloguerecord)"
    )
    if cursor.fetchone() == (params[1], params[1]):
        only = "FROM discovery_catalogue_fts f WHERE discovery_catalogue_fts MATCH %s"
        cursor.execute(f"SELECT count(*) {only}", params[:1])
    else:
        cursor.execute(f"SELECT count(*) {base}", params)
    return cursor.fetchone()[0]


def _estimate(cursor, base: str, params: list) -> int:
    # The planner's estimate, from ANALYZE's statistics of the words: good for
    # the frequent words that make hit sets this large.
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 {base}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def search_sql(*, institution: Institution, query: Query) -> tuple[str, list, str]:
    """The FROM/WHERE of a search, its parameters, and its rank (lower is better)."""
    if connection.vendor == "postgresql":
        base = (
            "FROM discovery_cataloguerecord r, to_tsquery('simple', discovery_fold(%s)) q "
            "WHERE r.institution_id = %s AND r.search_vector @@ q"
        )
        return base, [_postgres_query(query), institution.pk], "-ts_rank(r.search_vector, q)"
    # "+" keeps SQLite from driving the query from the institution index and
    # running the full-text match once per row of the institution.
    base = (
        "FROM discovery_catalogue_fts f JOIN discovery_cataloguerecord r ON r.id = f.rowid "
        "WHERE discovery_catalogue_fts MATCH %s AND +r.institution_id = %s"
    )
    return base, [_sqlite_match(query), institution.pk], _sqlite_rank(query)


def _sqlite_rank(query: Query) -> str:
    """bm25 across fields; for a search of one field, that field's length.

    Every match of a one-field search has each word in that field, so bm25
    would order them by the field's length (shorter: closer) and the words'
    repeats; bm25 also reads each word's whole doclist for its weight, which on
    a large catalogue costs more than the search ("of", "a" are in most titles).
    """
    fields = {_SQLITE_COLUMNS.get(name) for name, _ in _parts(query)}
    if len(fields) == 1 and None not in fields:
        return f"length(r.{fields.pop()})"
    return _SQLITE_RANK


def catalogue_record_to_record(row: CatalogueRecord) -> Record:
    return Record.from_dict(row.data)


def _parts(query: Query) -> list[tuple[str, list[str]]]:
    """(field, tokens) for each filled part; tokens are word characters only, never syntax."""
    parts = []
    for name, text in (
        ("keyword", query.keyword),
        ("title", query.title),
        ("author", query.author),
    ):
        tokens = _TOKEN.findall(text.casefold())
        if tokens:
            parts.append((name, tokens))
    if query.subject.strip():
        parts.append(("keyword", _TOKEN.findall(query.subject.casefold())))
    if query.isbn.strip():
        # An ISBN that does not validate is still searched, as its characters only.
        parts.append(("isbn", ["".join(_TOKEN.findall(isbn_forms(query.isbn)[0]))]))
    if query.issn.strip():
        parts.append(("keyword", _TOKEN.findall(query.issn)))
    cleaned = [(name, [t for t in tokens if t]) for name, tokens in parts]
    return [(name, tokens) for name, tokens in cleaned if tokens]


def _sqlite_match(query: Query) -> str:
    terms = []
    for name, tokens in _parts(query):
        column = _SQLITE_COLUMNS.get(name)
        for token in tokens:
            terms.append(f'{column} : "{token}"' if column else f'"{token}"')
    return " AND ".join(terms)


def _postgres_query(query: Query) -> str:
    terms = []
    for name, tokens in _parts(query):
        weight = _POSTGRES_WEIGHTS.get(name, "")
        for token in tokens:
            terms.append(f"'{token}':{weight}" if weight else f"'{token}'")
    return " & ".join(terms)
