"""What every kind of load shares: options, hashing the file as it is read, aborting an apply."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import IntegrityError, transaction

from readings.loaders.problems import Problem, Report

# progress(stage, bytes read, file size)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LoadOptions:
    dry_run: bool = False
    apply_valid: bool = False
    date_format: str = ""  # empty: the institution setting course_date_format
    create_departments: bool = False


class ApplyAborted(Exception):
    """The database or the file changed between the check and the apply."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StrictReport(Report):
    """The report of an apply pass: a problem the check did not find aborts the apply."""

    def error(self, problem: Problem, *, fatal: bool = False) -> None:
        raise ApplyAborted(
            f"The database changed after the file was checked ({problem}); nothing was "
            "applied. Load the file again."
        )


@contextlib.contextmanager
def apply_transaction() -> Iterator[None]:
    """The one transaction of an apply; a write that races another writer aborts it all."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ApplyAborted(
            "Someone changed the same courses or lists while the file was being applied "
            f"({str(exc).splitlines()[0]}); nothing was applied. Load the file again."
        ) from exc


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often during a load.

    A load allocates millions of small objects and keeps many (keys, rows
    to plan, digests): with the default thresholds the collector runs
    thousands of times and walks them all again each time, a fifth of a
    load's time. What the process held before the load is set aside from
    those walks; all of it is handed back afterwards.
    """
    before = gc.get_threshold()
    # A web process froze what it loaded at start (config.wsgi): leave that frozen.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen_before:
            gc.unfreeze()


class HashingStream:
    """Hash a file while it is read line by line, to notice one that changes between passes."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()
        self.bytes_read = 0

    def readline(self, limit: int = -1) -> bytes:
        data = self.raw.readline(limit)
        self.hash.update(data)
        self.bytes_read += len(data)
        return data

    def hexdigest(self) -> str:
        while chunk := self.raw.read(1 << 20):
            self.hash.update(chunk)
        return self.hash.hexdigest()


def pause_for_tests() -> None:
    """Let a test kill the process inside the apply transaction (the kill -9 test sets this)."""
    marker = os.environ.get("READINGS_TEST_PAUSE_IN_APPLY")
    if marker and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("READINGS_TEST_PAUSE_SECONDS", "60")))
