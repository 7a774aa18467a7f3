"""Django's model backend, with the signed-in person and their roles read in one query.

Every request of a signed-in person loads their user row, and nearly every
page then asks for their institution roles (``User.role_set``). Both are read
here together, by a statement written once, instead of two the ORM builds on
each request. Passwords, permissions and everything else are Django's.
"""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from readings.accounts.models import RoleAssignment, User
from readings.core.rows import ModelColumns

_USERS = ModelColumns(User)


class AccountBackend(ModelBackend):
    def get_user(self, user_id) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[router.db_for_read(User)]
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(connection.vendor), [pk])
            rows = cursor.fetchall()
        if not rows:
            return None
        user = _USERS.instance(connection, rows[0][1:])
        # One row per role (or one with none): what User.role_set would have asked for.
        user.__dict__["role_set"] = frozenset(row[0] for row in rows if row[0] is not None)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_sql(vendor: str) -> str:
    connection = connections[router.db_for_read(User)]
    quote = connection.ops.quote_name
    return (
        f"SELECT r.role, {_USERS.select(connection, 'u')} FROM {quote(User._meta.db_table)} u "
        f"LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = u.id "
        "WHERE u.id = %s"
    )
