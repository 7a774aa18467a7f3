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
from collections.abc import Callable, Sequence
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


def _converters(field: models.Field, connection: BaseDatabaseWrapper) -> tuple[Any, list]:
    # What the SQL compiler applies to a selected column: the backend's, then the field's.
    column = field.get_col(field.model._meta.db_table)
    return column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def _convert(value: Any, column: Any, converters: list, connection: BaseDatabaseWrapper) -> Any:
    for converter in converters:
        value = converter(value, column, connection)
    return value


def insert(instance: models.Model, *, unless_taken: bool = False) -> bool:
    """Insert a new instance as ``save(force_insert=True)`` would, by a statement built once.

    Each field's value is prepared as the ORM prepares it (``pre_save``, then
    ``get_db_prep_save``) and the new primary key is read back. With
    ``unless_taken``, a row that would break a unique constraint is not
    inserted and False is returned, with no error and no savepoint: the
    caller's transaction stays usable. A model with save signals, or a
    database that cannot return the key, goes through the ORM instead, so no
    receiver is ever skipped.
    """
    model = type(instance)
    connection = connections[router.db_for_write(model)]
    if (
        pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or not connection.features.can_return_columns_from_insert
    ):
        return _insert_by_orm(instance, unless_taken=unless_taken)
    sql, fields = _insert_sql(model, connection.vendor, unless_taken)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:  # ON CONFLICT DO NOTHING inserted nothing
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True


def _insert_by_orm(instance: models.Model, *, unless_taken: bool) -> bool:
    if not unless_taken:
        instance.save(force_insert=True)
        return True
    try:
        with transaction.atomic(using=router.db_for_write(type(instance))):
            instance.save(force_insert=True)
    except IntegrityError:
        return False
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
