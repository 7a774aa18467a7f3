"""Django's model backend, with the signed-in person and their roles read in one query.

Every request of a signed-in person loads their user row, and nearly every
page then asks for their institution roles (``User.role_set``). Both are read
here together, by a statement written once, instead of two the ORM builds on
each request; and when the session was read with the person alongside
(``accounts.sessions``), not read again at all. Passwords, permissions and
everything else are Django's.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from readings.accounts.models import RoleAssignment, User
from readings.core.rows import ModelColumns

USERS = ModelColumns(User)

# The person read along with this thread's session in the current request.
_read_along = threading.local()


class AccountBackend(ModelBackend):
    def get_user(self, user_id) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = read_along_take(pk)
        if user is None:
            connection = connections[router.db_for_read(User)]
            with connection.cursor() as cursor:
                cursor.execute(_user_sql(connection.vendor), [pk])
                rows = cursor.fetchall()
            if not rows:
                return None
            user = user_from_rows(connection, rows)
        return user if self.user_can_authenticate(user) else None


def user_from_rows(connection: BaseDatabaseWrapper, rows: Sequence[Sequence]) -> User:
    """The person from rows of (role, *user columns): one row per institution role, or one."""
    user = USERS.instance(connection, rows[0][1:])
    # What User.role_set would have asked for.
    user.__dict__["role_set"] = frozenset(row[0] for row in rows if row[0] is not None)
    return user


def read_along_keep(user: User | None) -> None:
    """The person read with the session just loaded: get_user takes it instead of a query.

    Only inside a request (between Django's request_started and request_finished),
    so nothing read for one request, or outside any, can serve another.
    """
    if getattr(_read_along, "in_request", False):
        _read_along.user = user


def read_along_take(pk: object) -> User | None:
    user = getattr(_read_along, "user", None)
    _read_along.user = None
    if not getattr(_read_along, "in_request", False):
        return None
    return user if user is not None and user.pk == pk else None


def read_along_begin(**kwargs: object) -> None:
    """request_started: sessions loaded from now on may hand their person over."""
    _read_along.in_request, _read_along.user = True, None


def read_along_forget(**kwargs: object) -> None:
    """request_finished: whatever was read along is dropped."""
    _read_along.in_request, _read_along.user = False, None


def person_select(connection: BaseDatabaseWrapper) -> tuple[str, str]:
    """The columns and the join that read a person (alias ``u``) with their roles.

    One row per institution role, or one with a NULL role: ``user_from_rows``
    reads them back.
    """
    roles = connection.ops.quote_name(RoleAssignment._meta.db_table)
    return (
        f"r.role, {USERS.select(connection, 'u')}",
        f"LEFT JOIN {roles} r ON r.user_id = u.id",
    )


@functools.cache
def _user_sql(vendor: str) -> str:
    connection = connections[router.db_for_read(User)]
    columns, roles = person_select(connection)
    users = connection.ops.quote_name(User._meta.db_table)
    return f"SELECT {columns} FROM {users} u {roles} WHERE u.id = %s"
