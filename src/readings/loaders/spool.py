"""The rows a check read and cleaned, kept on disk for the apply.

The check reads every row, validates it and turns it into typed values;
the apply needs exactly those values again. Reading and validating the
file a second time doubled a load's work, and keeping the values in memory
would not fit a million-row file, so the check writes each batch here (a
temporary file, removed when closed) and the apply reads the batches back
in order.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any


class Spool:
    def __init__(self) -> None:
        # Open across the check and the apply; the loader closes it (see services._load).
        self._file = tempfile.TemporaryFile(prefix="readings-load-")  # noqa: SIM115
        self.batches = 0

    def write(self, batch: list[Any]) -> None:
        pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1

    def __iter__(self) -> Iterator[list[Any]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.batches):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._file.close()
