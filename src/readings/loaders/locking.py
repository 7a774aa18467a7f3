"""One load of a kind at a time per institution, released even by kill -9.

PostgreSQL: a session advisory lock, which the server drops with the
connection when the process dies. SQLite: an exclusive ``flock`` on a small
file named after the database, which the kernel drops with the process
(SQLite databases are always on one machine, so a local lock covers every
process that can write to it). Both refuse at once rather than wait.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from readings.core.exceptions import Conflict

_NAMESPACE = 0x52_44_4C  # "RDL": keeps these keys apart from other advisory locks


class LoadRunning(Conflict):
    code = "load_running"


@contextlib.contextmanager
def load_lock(institution_id: int, kind: str, label: str) -> Iterator[None]:
    """Hold the (institution, kind) load lock, or raise LoadRunning at once."""
    refused = LoadRunning(
        f"Another {kind} load is running for {label}; wait until it has finished."
    )
    if connection.vendor == "postgresql":
        key = _key(institution_id, kind)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_NAMESPACE, key])
            if not cursor.fetchone()[0]:
                raise refused
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, key])
        return
    path = _lock_path(institution_id, kind)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise refused from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _key(institution_id: int, kind: str) -> int:
    digest = hashlib.sha256(f"{institution_id}:{kind}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _lock_path(institution_id: int, kind: str) -> Path:
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name.startswith(("file:", ":memory:")) or "mode=memory" in name:
        # An in-memory database lives and dies with this process.
        where = f"memory:{os.getpid()}:{name}"
    else:
        where = str(Path(name).resolve())
    tag = hashlib.sha256(where.encode()).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / "readings-load-locks"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory / f"{tag}-{institution_id}-{kind}.lock"
