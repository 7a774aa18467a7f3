"""Django's PostgreSQL backend with a health check that needs no query.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of
every request that reuses a connection. On a launch or a list page that is one
round trip in five to fifteen, for an answer the socket can give at once: an
idle connection has nothing to read, so a readable socket means the server
closed it (a restart, an idle timeout) or sent something unasked. Only then is
the query sent, and it decides as before.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg import pq


class DatabaseWrapper(PostgresDatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None:
            return False
        if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            if not poller.poll(0):
                return True
        except (OSError, ValueError):
            return False
        return super().is_usable()
