"""Insert many rows of one model as plain tuples, past the ORM's per-object work.

A loader writes tens of thousands of rows whose values it has already
checked; building a model instance per row and preparing each value again
costs more than the insert itself. ``TableInsert`` takes the columns a
loader fills, gives every other column its model default (so a field added
to a model later needs no change here, as long as it has a default or is
nullable), and sends the rows with ``executemany`` on SQLite or ``COPY`` on
PostgreSQL, through the connection of the current transaction. Only tables
whose new ids a loader needs go through ``insert_returning_ids`` (a
multi-row ``INSERT … RETURNING`` on SQLite; ids taken from the sequence,
then ``COPY``, on PostgreSQL).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from readings.loaders.selectors import chunked

# Bound parameters per statement, under SQLite's default limit (32,766) and PostgreSQL's (65,535).
_MAX_PARAMS = 30_000


class MissingDefault(Exception):
    """A column the loader does not fill has no default and is not nullable."""


class TableInsert:
    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        """``columns``: the attnames (``course_id``, ``title``…) each row gives, in order."""
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        given = [by_attname[name] for name in columns]
        now = timezone.now()
        constants: list[tuple[models.Field, Any]] = []
        for field in meta.concrete_fields:
            if field.primary_key or field.attname in columns:
                continue
            constants.append((field, _default(field, now)))
        self.table = connection.ops.quote_name(meta.db_table)
        names = [f.column for f in given] + [f.column for f, _ in constants]
        self.columns = ", ".join(connection.ops.quote_name(n) for n in names)
        self.width = len(names)
        self.constants = tuple(_adapt_constant(f, v) for f, v in constants)
        self.converters = [(i, c) for i, f in enumerate(given) if (c := _converter(f)) is not None]
        self.db_table = meta.db_table
        self.pk_name = meta.pk.column
        self.pk_column = connection.ops.quote_name(meta.pk.column)

    def _full(self, row: Sequence[Any]) -> tuple:
        if self.converters:
            row = list(row)
            for index, convert in self.converters:
                if row[index] is not None:
                    row[index] = convert(row[index])
        return (*row, *self.constants)

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert the rows; the number inserted."""
        if self.converters:
            full = [self._full(r) for r in rows]
        else:
            # Most tables a loader fills need no conversion: a method call per
            # row would cost more than the rest of the insert.
            constants = self.constants
            full = [(*r, *constants) for r in rows]
        if not full:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self._copy(cursor, self.columns, full)
            else:
                marks = ", ".join(["%s"] * self.width)
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", full
                )
        return len(full)

    def insert_returning_ids(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert the rows; their new primary keys, in the order of ``rows``."""
        if not rows:
            return []
        if connection.vendor == "postgresql":
            return self._copy_with_new_ids(rows)
        ids: list[int] = []
        one = "(" + ", ".join(["%s"] * self.width) + ")"
        with connection.cursor() as cursor:
            for chunk in chunked(rows, max(1, _MAX_PARAMS // self.width)):
                params = [value for row in chunk for value in self._full(row)]
                cursor.execute(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES "
                    f"{', '.join([one] * len(chunk))} RETURNING {self.pk_column}",
                    params,
                )
                # Both databases return the rows of a multi-row VALUES in order
                # (Django's bulk_create relies on it as well).
                ids.extend(row[0] for row in cursor.fetchall())
        return ids

    def _copy_with_new_ids(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        # The ids come from the table's own sequence, taken all at once, and the
        # rows go in by COPY: a multi-row INSERT of thousands of rows spends
        # most of its time having its parameters bound.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.db_table, self.pk_name, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            self._copy(
                cursor,
                f"{self.pk_column}, {self.columns}",
                [(new_id, *self._full(row)) for new_id, row in zip(ids, rows, strict=True)],
            )
        return ids

    def _copy(self, cursor: Any, columns: str, rows: list[tuple]) -> None:
        with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _default(field: models.Field, now: datetime.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    # What a model instance would hold: the default, else "" for text, else None.
    value = field.get_default()
    if value is None and not field.null:
        raise MissingDefault(
            f"{field.model._meta.label}.{field.name} has no default; the loader must fill it."
        )
    return value


def _adapt_constant(field: models.Field, value: Any) -> Any:
    converter = _converter(field)
    if value is None:
        return None
    if converter is not None:
        return converter(value)
    return field.get_db_prep_save(value, connection)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a checked Python value becomes a parameter both drivers take as it is."""
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField) and connection.vendor != "postgresql":
        return lambda value: value.isoformat()
    return None
