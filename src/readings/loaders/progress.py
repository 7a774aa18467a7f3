"""Record a running load's progress on its ``Load`` row, for the page that watches it.

The check pass runs outside any transaction, so its progress is an ordinary
update. The apply pass runs in one transaction (all or nothing), where an
update would stay invisible until the end: on PostgreSQL progress goes through
a second, autocommitting connection instead; SQLite allows one writer at a
time, so there the row says "applying" until the load finishes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection, connections

from readings.loaders.models import Load

# At most this often per stage; a stage change and the end of a stage are always written.
INTERVAL_SECONDS = 1.0


class LoadProgress:
    """A ``progress(stage, done, total)`` callback for the loaders; use it as a context manager."""

    def __init__(
        self,
        load_id: int,
        *,
        interval: float = INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.load_id = load_id
        self.interval = interval
        self.clock = clock
        self.stage = ""
        self.last_write: float | None = None
        self._depth = 0
        self._side = None

    def __enter__(self) -> LoadProgress:
        # Transactions opened by the caller (a test's, say) are not the apply's.
        self._depth = len(connection.atomic_blocks)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        due = self.last_write is None or now - self.last_write >= self.interval
        if stage == self.stage and not due and done < total:
            return
        self.stage = stage
        self.last_write = now
        self._write(stage, done, total)

    def _write(self, stage: str, done: int, total: int) -> None:
        if len(connection.atomic_blocks) <= self._depth:
            Load.objects.filter(pk=self.load_id).update(
                stage=stage, progress_done=done, progress_total=total
            )
        elif connection.vendor == "postgresql":
            self._write_beside(stage, done, total)

    def _write_beside(self, stage: str, done: int, total: int) -> None:
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = Load._meta.db_table
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET stage = %s, progress_done = %s, progress_total = %s "
                "WHERE id = %s",
                [stage, done, total, self.load_id],
            )
