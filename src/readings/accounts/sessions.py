"""Sessions in the database, as Django keeps them, with one write per new session.

Every sign-in and every LTI launch makes a new session key. Django's database
store spends two extra statements on each: it asks whether a random key is
taken before inserting it (the insert already refuses a taken key, and Django
then tries another), and on sign-in it inserts the new key at once, empty,
only to update the same row with the signed-in data when the response goes
out. Here the new key is made when the response saves the session: one insert.

Every request of a signed-in person reads the session and then the person,
so the session row (``accounts.Session``) keeps the person's id beside the
data and one statement, written once, reads the session with the person and
their roles; the authentication backend takes that person instead of
reading them again.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import connections, router
from django.utils import timezone

from readings.accounts.backends import person_select, read_along_keep, user_from_rows
from readings.accounts.models import Session, User
from readings.core.rows import ModelColumns, insert

_SESSIONS = ModelColumns(Session, "session_key", "session_data", "expire_date", "user_id")


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = super().create_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def _get_new_session_key(self) -> str:
        # 32 characters of 36 (165 bits); create() retries if the insert meets a taken key.
        return random_key(32)

    # (key, serialized data) this store last inserted: saving the same again writes nothing.
    _inserted: tuple[str, bytes] | None = None
    # The session row's data as loaded from the database (None when there was none).
    loaded_data: str | None = None

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or not must_create:
            if self._inserted is not None and self._inserted == self._snapshot():
                return  # written earlier in this request (an LTI launch's transaction)
            return super().save(must_create=must_create)
        # A new key: one statement, no transaction or savepoint around it (a taken key
        # inserts nothing and spoils no transaction); CreateError makes create() draw
        # another key, as Django's store does.
        session = self.create_model_instance(self._get_session(no_load=True))
        if not insert(session, unless_taken=True):
            raise CreateError
        self._inserted = self._snapshot()

    def _snapshot(self) -> tuple[str | None, bytes]:
        # The serialized data, not the signed text: that carries a timestamp.
        return self.session_key, self.serializer().dumps(self._get_session())

    def cycle_key(self) -> None:
        """Drop the current key; the data gets a new one when the session is next saved.

        SessionMiddleware saves a modified session after the view, and save()
        without a key is create(): a fresh key, inserted once with the data.
        """
        data = self._session
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def _get_session_from_db(self) -> Session | None:
        """The unexpired row of this key, as Django's store reads it; None forgets the key.

        The person it is signed in as, with their roles, comes in the same query
        and is handed to the authentication backend (``read_along_keep``).
        """
        connection = connections[router.db_for_read(Session)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(connection.vendor), [self.session_key, now])
            rows = cursor.fetchall()
        if not rows:
            self._session_key = None
            read_along_keep(None)
            return None
        session = _SESSIONS.instance(connection, rows[0][: len(_SESSIONS)])
        person = [row[len(_SESSIONS) :] for row in rows]
        read_along_keep(user_from_rows(connection, person) if person[0][1] is not None else None)
        # The reader pass matches the row it re-reads against this, byte for byte.
        self.loaded_data = session.session_data
        return session


def _user_id(value: object) -> int | None:
    # The data is the truth; the column only lets the person be read along.
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else None


@functools.cache
def _session_sql(vendor: str) -> str:
    connection = connections[router.db_for_read(Session)]
    quote = connection.ops.quote_name
    person, roles = person_select(connection)
    return (
        f"SELECT {_SESSIONS.select(connection, 's')}, {person} "
        f"FROM {quote(Session._meta.db_table)} s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.id = s.user_id {roles} "
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


def random_key(length: int) -> str:
    """``get_random_string(length, VALID_KEY_CHARS)``, from one read of the OS's source.

    Django reads the source once per character; a byte below 252 (7 times 36) maps
    to a character with equal chance, a higher one is dropped.
    """
    alphabet = VALID_KEY_CHARS
    found: list[str] = []
    while len(found) < length:
        found += [alphabet[b % 36] for b in secrets.token_bytes(length + 8) if b < 252]
    return "".join(found[:length])
