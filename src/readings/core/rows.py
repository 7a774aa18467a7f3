"""Hand-written SQL for the hottest paths, with model instances in and out as the ORM's.

On the hottest paths (an LTI launch, a signed-in request) Django takes longer
to build a simple query than the database takes to answer it, so a few
statements are written once by hand. Their rows still become ordinary model
instances: the values go through the same converters the ORM applies (an
SQLite timestamp becomes an aware datetime, a JSON column a dict), and an
insert prepares each value as ``save()`` does, so nothing downstream can tell.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.signals import post_save, pre_save


class ModelColumns:
    """A model's columns (all, or those named), to select under an alias and read back.

    Instances read with only some columns defer the rest, as ``only()`` does.
    """

    def __init__(self, model: type[models.Model], *attnames: str) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.fields = [f for f in fields if f.attname in attnames] if attnames else list(fields)
        if attnames and len(self.fields) != len(attnames):
            raise ValueError(f"{model.__name__} has no column among {attnames}")
        self.attnames = [field.attname for field in self.fields]
        self._converters: dict[str, list[tuple[Any, list]]] = {}
        self._first_sql: dict[tuple[str, str], str] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, connection: BaseDatabaseWrapper, alias: str) -> str:
        """The column list, e.g. ``u."id", u."username"``."""
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def first(self, where: str, params: Sequence[Any]) -> models.Model | None:
        """The first row of the model's table (alias ``t``) matching ``where``, or None."""
        connection = connections[router.db_for_read(self.model)]
        sql = self._first_sql.get((where, connection.vendor))
        if sql is None:
            table = connection.ops.quote_name(self.model._meta.db_table)
            sql = f"SELECT {self.select(connection, 't')} FROM {table} t WHERE {where}"
            self._first_sql[where, connection.vendor] = sql
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else self.instance(connection, row)

    def instance(self, connection: BaseDatabaseWrapper, values: Sequence[Any]) -> models.Model:
        """The model instance for this slice of a row, values converted as the ORM does."""
        converted = [
            _convert(value, column, converters, connection)
            for value, (column, converters) in zip(
                values, self._column_converters(connection), strict=True
            )
        ]
        return self.model.from_db(connection.alias, self.attnames, converted)

    def _column_converters(self, connection: BaseDatabaseWrapper) -> list[tuple[Any, list]]:
        found = self._converters.get(connection.vendor)
        if found is None:
            found = [_converters(field, connection) for field in self.fields]
            self._converters[connection.vendor] = found
        return found


_PLACEHOLDER = re.compile(r"(%%|%s)")


class BuiltQuery:
    """A queryset built once per database with stand-in ids, then run with each call's ids.

    For queries with subqueries, which Django takes many times longer to build
    than the database to answer: ``build(using, **stand_ins)`` makes the
    queryset with ids no row has (negative ones), and each run puts the real
    ids where those stand in the parameters.
    """

    def __init__(self, build: Callable[..., QuerySet], **stand_ins: int) -> None:
        self.build, self.stand_ins = build, stand_ins
        self._built: dict[str, tuple[str, tuple]] = {}

    def rows(self, using: str, **ids: int | None) -> list[tuple]:
        sql, params = self._sql(using)
        real = {self.stand_ins[name]: value for name, value in ids.items()}
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [real.get(p, p) if type(p) is int else p for p in params])
            return cursor.fetchall()

    def correlated(self, using: str, **columns: str) -> tuple[str, list]:
        """The query's SQL with some ids taken from an outer query's columns, and its params.

        For a ``LATERAL`` subquery: ``correlated(using, user="i.user_id")`` puts
        the column reference wherever the user's stand-in id was a parameter;
        the other parameters stay parameters, returned in their order.
        """
        sql, params = self._sql(using)
        replace = {self.stand_ins[name]: column for name, column in columns.items()}
        # Odd pieces are the placeholders ("%s") and escaped percent signs ("%%").
        pieces, kept, values = _PLACEHOLDER.split(sql), [], iter(params)
        for index in range(1, len(pieces), 2):
            if pieces[index] != "%s":
                continue
            param = next(values)
            if type(param) is int and param in replace:
                pieces[index] = replace[param]
            else:
                kept.append(param)
        return "".join(pieces), kept

    def _sql(self, using: str) -> tuple[str, tuple]:
        if using not in self._built:
            sql, params = self.build(using, **self.stand_ins).query.sql_with_params()
            if not all(stand_in in params for stand_in in self.stand_ins.values()):
                raise AssertionError("a built query no longer takes its ids as parameters")
            self._built[using] = (sql, tuple(params))
        return self._built[using]


def fits(field: models.Field, value: int, connection: BaseDatabaseWrapper) -> bool:
    """True if an id from outside (a URL) fits the column: the ORM finds nothing otherwise."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


def converted(field: models.Field, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """One column's value as the ORM would return it for ``field``."""
    column, converters = _converters(field, connection)
    return _convert(value, column, converters, connection)


def converter(field: models.Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """``converted`` for one field and database, worked out once: for values read often."""
    column, converters = _converters(field, connection)
    if not converters:
        return _unchanged
    return lambda value: _convert(value, column, converters, connection)


def _unchanged(value: Any) -> Any:
    return value


def _converters(field: models.Field, connection: BaseDatabaseWrapper) -> tuple[Any, list]:
    # What the SQL compiler applies to a selected column: the backend's, then the field's.
    column = field.get_col(field.model._meta.db_table)
    return column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def _convert(value: Any, column: Any, converters: list, connection: BaseDatabaseWrapper) -> Any:
    for converter in converters:
        value = converter(value, column, connection)
    return value


def insert(
    instance: models.Model,
    *,
    unless_taken: bool = False,
    taken: Exception | None = None,
) -> bool:
    """Insert a new instance as ``save(force_insert=True)`` would, by a statement built once.

    Each field's value is prepared as the ORM prepares it (``pre_save``, then
    ``get_db_prep_save``) and the new primary key is read back. With
    ``unless_taken``, a row that would break a unique constraint is not
    inserted and False is returned, with no error and no savepoint: the
    caller's transaction stays usable; with ``taken``, that error is raised
    instead. A model with save signals, or a database that cannot return the
    key, goes through the ORM instead, so no receiver is ever skipped.

    Inside ``writes_together`` the statement waits for the others and the key
    is filled in when they are written; a taken row then fails them all
    (``taken``, or IntegrityError), so ``unless_taken`` cannot skip it.
    """
    model = type(instance)
    connection = connections[router.db_for_write(model)]
    if (
        pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or not connection.features.can_return_columns_from_insert
    ):
        return _insert_by_orm(instance, unless_taken=unless_taken, taken=taken)
    skip = unless_taken or taken is not None
    batch = _open_batch(connection)
    sql, fields = _insert_sql(model, connection.vendor, skip and batch is None)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    if batch is not None:
        batch.append(_Statement(sql, values, inserted=instance, taken=taken))
        return True
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:  # ON CONFLICT DO NOTHING inserted nothing
        if taken is not None:
            raise taken
        return False
    _inserted(instance, row[0], connection)
    return True


def _inserted(instance: models.Model, pk: Any, connection: BaseDatabaseWrapper) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


def _insert_by_orm(instance: models.Model, *, unless_taken: bool, taken: Exception | None) -> bool:
    if not unless_taken and taken is None:
        instance.save(force_insert=True)
        return True
    try:
        with transaction.atomic(using=router.db_for_write(type(instance))):
            instance.save(force_insert=True)
    except IntegrityError as exc:
        if taken is None and unless_taken:
            return False
        if taken is not None and _duplicate(exc):
            raise taken from exc
        raise
    return True


@functools.cache
def _insert_sql(
    model: type[models.Model], vendor: str, unless_taken: bool
) -> tuple[str, list[models.Field]]:
    quote = connections[router.db_for_write(model)].ops.quote_name
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Both PostgreSQL and SQLite (3.24+) skip a conflicting row with this clause.
    skip = " ON CONFLICT DO NOTHING" if unless_taken else ""
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}){skip} "
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def update(instance: models.Model, *attnames: str) -> None:
    """Write these fields of a saved instance, as ``save(update_fields=...)`` would.

    The statement is built once per model and field list; a model with save
    signals goes through the ORM instead.
    """
    model = type(instance)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        instance.save(update_fields=list(attnames))
        return
    connection = connections[router.db_for_write(model)]
    sql, fields = _update_sql(model, attnames, connection.vendor)
    values = [
        field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields
    ]
    batch = _open_batch(connection)
    if batch is not None:
        if instance.pk is None:
            # Inserted in this batch: on PostgreSQL the update would not see the row.
            raise ValueError("an update in writes_together of a row not yet written")
        batch.append(_Statement(sql, [*values, instance.pk]))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])


@functools.cache
def _update_sql(
    model: type[models.Model], attnames: tuple[str, ...], vendor: str
) -> tuple[str, list[models.Field]]:
    quote = connections[router.db_for_write(model)].ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in attnames]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    return sql, fields


# Writes together ------------------------------------------------------------------


@dataclass
class _Statement:
    sql: str
    params: list[Any]
    inserted: models.Model | None = None
    taken: Exception | None = None


_BATCH_ATTRIBUTE = "_readings_write_batch"


def _open_batch(connection: BaseDatabaseWrapper) -> list[_Statement] | None:
    return getattr(connection, _BATCH_ATTRIBUTE, None)


@contextmanager
def writes_together(using: str = "default") -> Iterator[None]:
    """A transaction whose ``insert`` and ``update`` statements are sent together at its end.

    On an LTI launch, a handful of small writes (the nonce, the launch record,
    the last sign-in, the session) each cost a round trip to PostgreSQL plus
    BEGIN and COMMIT, and the round trips cost more than the writes. Here they
    wait until the block ends and go as one statement (PostgreSQL runs a
    statement's data-modifying WITH parts all or none), so a launch's writes
    are one round trip; when nothing else was sent in the transaction, that
    statement is the transaction. SQLite, in the same process, runs them one
    by one in the block's transaction.

    The statements must not depend on one another (one statement sees the
    database as it was before all of them); an update of a row inserted in
    the same block is refused. Anything else written in the block (the ORM)
    joins the transaction as usual. A failure applies nothing.
    """
    connection = connections[using]
    if _open_batch(connection) is not None:
        yield  # already inside one: these writes join it
        return
    owns_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using):
        batch: list[_Statement] = []
        setattr(connection, _BATCH_ATTRIBUTE, batch)
        try:
            yield
        finally:
            delattr(connection, _BATCH_ATTRIBUTE)
        # Last in the transaction: nothing may run between these writes and the commit.
        if batch:
            _write(connection, batch, alone=owns_transaction)


def _write(connection: BaseDatabaseWrapper, statements: list[_Statement], *, alone: bool) -> None:
    if connection.vendor != "postgresql":
        for statement in statements:
            _write_one(connection, statement)
        return
    from psycopg.pq import TransactionStatus

    sql, params = _together_sql(statements)
    connection.ensure_connection()
    raw = connection.connection
    # Nothing sent yet in this transaction: the one statement needs no BEGIN and COMMIT.
    alone = alone and raw is not None and raw.info.transaction_status == TransactionStatus.IDLE
    try:
        if alone:
            raw.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                keys = cursor.fetchone()
        finally:
            # A connection lost meanwhile keeps its error; Django reconnects next time.
            if alone and not raw.closed:
                raw.autocommit = False
    except IntegrityError as exc:
        _raise_taken(exc, statements)
        raise
    inserted = [s for s in statements if s.inserted is not None]
    for statement, key in zip(inserted, keys[: len(inserted)], strict=True):
        _inserted(statement.inserted, key, connection)


def _write_one(connection: BaseDatabaseWrapper, statement: _Statement) -> None:
    with connection.cursor() as cursor:
        try:
            cursor.execute(statement.sql, statement.params)
        except IntegrityError as exc:
            if statement.taken is not None and _duplicate(exc):
                raise statement.taken from exc
            raise
        if statement.inserted is not None:
            _inserted(statement.inserted, cursor.fetchone()[0], connection)


def _together_sql(statements: list[_Statement]) -> tuple[str, list[Any]]:
    parts = ", ".join(f"w{i} AS ({s.sql})" for i, s in enumerate(statements))
    keys = [f"(SELECT * FROM w{i})" for i, s in enumerate(statements) if s.inserted is not None]
    params = [param for statement in statements for param in statement.params]
    return f"WITH {parts} SELECT {', '.join(keys) or '1'}", params


def _raise_taken(exc: IntegrityError, statements: list[_Statement]) -> None:
    """Raise the ``taken`` error of the insert whose table refused a duplicate, if it has one."""
    if not _duplicate(exc):
        return
    table = getattr(getattr(exc.__cause__, "diag", None), "table_name", None)
    for statement in statements:
        inserted = statement.inserted
        if statement.taken is not None and inserted and inserted._meta.db_table == table:
            raise statement.taken from exc


def _duplicate(exc: IntegrityError) -> bool:
    """A unique constraint refused the row (not a missing value or a broken reference)."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) is not None:  # psycopg
        return cause.sqlstate == "23505"
    return "UNIQUE constraint failed" in str(exc)  # SQLite
