"""The built-in catalogue: import MARC files, and search them with relevance ranking.

Search runs on SQLite's FTS5 table or PostgreSQL's ``search_vector`` column
(migration 0002); both give the same answers to the same ``Query``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import connection, transaction
from lxml import etree
from pymarc import MARCReader
from pymarc import Record as MarcRecord

from readings.discovery.marc import Record, record_from_marc
from readings.discovery.models import CatalogueRecord
from readings.discovery.sru import Query, isbn_forms, marc_from_xml
from readings.institutions.models import Institution

_MARCXML_RECORD = ("{http://www.loc.gov/MARC21/slim}record", "record")
_TOKEN = re.compile(r"\w+")
_BATCH = 1000
# bm25 weights per FTS5 column: title, author_text, isbn_text, keyword_text.
_SQLITE_RANK = "bm25(discovery_catalogue_fts, 10.0, 5.0, 5.0, 1.0)"
_SQLITE_COLUMNS = {"title": "title", "author": "author_text", "isbn": "isbn_text"}
# PostgreSQL weights set by the trigger in migration 0002.
_POSTGRES_WEIGHTS = {"title": "A", "author": "B", "isbn": "C"}
_UPDATED_FIELDS = [
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
]


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
    reader = MARCReader(stream, to_unicode=True, force_utf8=True, utf8_handling="replace")
    for position, marc in enumerate(reader, start=1):
        if marc is None:
            exc = reader.current_exception
            reason = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed"
            yield position, None, f"unreadable MARC record ({reason})"
        else:
            yield position, marc, ""


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
    or record id are reported and skipped; the rest are imported.
    """
    report = ImportReport()
    batch: list[CatalogueRecord] = []
    for path in paths:
        with open(path, "rb") as stream:
            for position, marc, problem in read_marc_file(stream):
                row = None
                if marc is not None:
                    row, problem = _row(institution, marc)
                if row is None:
                    record_id = _record_id(marc)
                    report.problems.append(ImportProblem(position, record_id, problem))
                    continue
                batch.append(row)
                if len(batch) >= _BATCH:
                    report.imported += _save(batch)
                    batch = []
                    if progress:
                        progress(report.imported)
    report.imported += _save(batch)
    if progress:
        progress(report.imported)
    return report


def _row(institution: Institution, marc: MarcRecord) -> tuple[CatalogueRecord | None, str]:
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
    return (
        CatalogueRecord(
            institution=institution,
            record_id=record.record_id,
            kind=record.kind,
            title=title,
            year=record.year,
            isbn=record.isbn,
            author_text=" ; ".join(" ".join(name.values()) for name in authors),
            isbn_text=" ".join(record.isbns),
            keyword_text=" ".join(k for k in keywords if k),
            data=record.as_dict(),
            holdings=record.as_dict()["holdings"],
        ),
        "",
    )


def _record_id(marc: MarcRecord | None) -> str:
    if marc is None:
        return ""
    fields = marc.get_fields("001")
    return (fields[0].data or "").strip() if fields else ""


def _save(batch: list[CatalogueRecord]) -> int:
    if not batch:
        return 0
    # The last copy of a record id in a batch wins, as it would across batches.
    unique = {row.record_id: row for row in batch}
    with transaction.atomic():
        CatalogueRecord.objects.bulk_create(
            list(unique.values()),
            update_conflicts=True,
            unique_fields=["institution", "record_id"],
            update_fields=_UPDATED_FIELDS,
        )
    return len(batch)


@dataclass
class CatalogueHits:
    total: int
    records: list[CatalogueRecord]


def catalogue_search(
    *, institution: Institution, query: Query, offset: int = 0, limit: int = 10
) -> CatalogueHits:
    """Search the institution's built-in catalogue, best matches first."""
    if connection.vendor == "postgresql":
        base = (
            "FROM discovery_cataloguerecord r, to_tsquery('simple', discovery_fold(%s)) q "
            "WHERE r.institution_id = %s AND r.search_vector @@ q"
        )
        base_params = [_postgres_query(query), institution.pk]
        rank_sql = "ts_rank(r.search_vector, q) DESC"
    else:
        base = (
            "FROM discovery_catalogue_fts f JOIN discovery_cataloguerecord r ON r.id = f.rowid "
            "WHERE discovery_catalogue_fts MATCH %s AND r.institution_id = %s"
        )
        base_params = [_sqlite_match(query), institution.pk]
        rank_sql = _SQLITE_RANK
    if not base_params[0]:
        return CatalogueHits(total=0, records=[])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base}", base_params)
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT r.id {base} ORDER BY {rank_sql}, r.id LIMIT %s OFFSET %s",
            [*base_params, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    found = CatalogueRecord.objects.in_bulk(ids)
    return CatalogueHits(total=total, records=[found[i] for i in ids if i in found])


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
