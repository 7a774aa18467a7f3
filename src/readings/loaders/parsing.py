"""Read a delimited loader file line by line, reporting what cannot be read.

Pure Python (no Django): bytes in, ``Row`` objects and ``Problem`` reports out.
The file is streamed one line at a time and never held in memory; a line
longer than ``max_line_bytes`` is reported and skipped without reading it
whole. Text must be UTF-8 (a byte-order mark is allowed and dropped); UTF-16,
bytes from other encodings and NUL bytes are reported with their line number,
and the column when the file is tab-separated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from readings.loaders.problems import Problem, Report, shown

MAX_LINE_BYTES = 256 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "vertical bar"}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    fields: list[str]


class TableReader:
    """Iterate the data rows of a file (the first line is the header).

    ``delimiters`` lists the accepted separators; with more than one, the
    header decides (the one it contains most). Tab-separated files are split
    on every tab (cells are never quoted); comma-separated files follow
    RFC 4180 quoting. Problems go to ``report``; a problem that makes the
    whole file unusable is marked fatal and ends the iteration.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        columns: Sequence[str],
        report: Report,
        delimiters: str = "\t",
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self.stream = stream
        self.columns = columns
        self.report = report
        self.delimiters = delimiters
        self.max_line_bytes = max_line_bytes
        self.delimiter = delimiters[0]
        self.header: list[str] | None = None
        self.bytes_read = 0
        self.unreadable_lines = 0

    def __iter__(self) -> Iterator[Row]:
        lines = self._text_lines()
        first = next(lines, None)
        if first is None:
            if not self.report.has_errors:
                self._fatal(1, "the file is empty: it has no header and no rows.")
            return
        number, header = first
        delimiter = self._choose_delimiter(number, header)
        if delimiter is None:
            return
        self.delimiter = delimiter
        if delimiter == ",":
            self.header = next(csv.reader([header]), [])
            yield from self._csv_rows(lines)
        else:
            self.header = header.split(delimiter)
            for number, text in lines:
                if text.strip(delimiter + " "):
                    yield Row(number, text.split(delimiter))

    # Lines --------------------------------------------------------------

    def _text_lines(self) -> Iterator[tuple[int, str]]:
        """Decoded lines without their line ending; unreadable lines are reported."""
        for number, raw in self._raw_lines():
            if number == 1:
                header = self._check_start(raw)
                if header is None:
                    return
                # The header is only looked at, never loaded: read what can be read.
                yield number, header.decode("utf-8", errors="replace")
                continue
            nul = raw.find(b"\x00")
            if nul >= 0:
                self._unreadable(
                    number,
                    f"contains NUL bytes (the first at position {nul + 1}); "
                    "the file may be damaged or not a text file.",
                )
                continue
            if b"\r" in raw:
                self._unreadable(
                    number,
                    "contains a carriage return (CR) inside it; the file may use old Mac "
                    "line endings: save it with LF or CRLF line endings.",
                )
                continue
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                self._report_encoding(number, raw)

    def _raw_lines(self) -> Iterator[tuple[int, bytes]]:
        number = 0
        readline = self.stream.readline
        limit = self.max_line_bytes + 2  # room for CRLF
        while True:
            raw = readline(limit)
            if not raw:
                return
            number += 1
            self.bytes_read += len(raw)
            if not raw.endswith(b"\n") and len(raw) == limit:
                length = len(raw) + self._skip_rest_of_line()
                self._unreadable(
                    number,
                    f"is {length:,} bytes long; a line can be at most "
                    f"{self.max_line_bytes:,} bytes, so this line was not read.",
                )
                continue
            yield number, raw.rstrip(b"\n").removesuffix(b"\r")

    def _skip_rest_of_line(self) -> int:
        skipped = 0
        while True:
            chunk = self.stream.readline(1 << 16)
            skipped += len(chunk)
            self.bytes_read += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return skipped

    def _check_start(self, raw: bytes) -> bytes | None:
        if raw.startswith(_UTF16_BOMS):
            self._fatal(
                1,
                "the file is encoded as UTF-16 (or UTF-32); save it as UTF-8 "
                "(in Excel: 'CSV UTF-8' or 'Unicode Text' converted to UTF-8) and load it again.",
            )
            return None
        if raw.count(b"\x00") * 3 > len(raw) > 0:
            self._fatal(
                1,
                "the file looks like UTF-16 without a byte-order mark (every other byte is "
                "NUL); save it as UTF-8 and load it again.",
            )
            return None
        if b"\r" in raw:
            self._fatal(
                1,
                "the file uses carriage returns (CR) alone as line endings (old Mac "
                "format); save it with LF or CRLF line endings and load it again.",
            )
            return None
        return raw.removeprefix(_UTF8_BOM)

    def _report_encoding(self, number: int, raw: bytes) -> None:
        self.unreadable_lines += 1
        cells = raw.split(self.delimiter.encode()) if self.delimiter == "\t" else [raw]
        for index, cell in enumerate(cells):
            try:
                cell.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = cell[exc.start]
                value = cell.decode("utf-8", errors="backslashreplace")
                column = self._column(index) if len(cells) > 1 else ""
                where = f"{column} {shown(value)}" if column else f"the text {shown(value)}"
                self.report.error(
                    Problem(
                        number,
                        column,
                        value,
                        f"{where} is not valid UTF-8 (byte 0x{bad:02X} at position "
                        f"{exc.start + 1}); the file seems to be saved as Latin-1 or "
                        "Windows-1252: save it as UTF-8.",
                    )
                )
                return

    # Delimiters and CSV -------------------------------------------------

    def _choose_delimiter(self, number: int, header: str) -> str | None:
        counts = {d: header.count(d) for d in self.delimiters}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
        others = {d: header.count(d) for d in _DELIMITER_NAMES if d not in self.delimiters}
        found = max(others, key=lambda d: others[d])
        if others[found]:
            name = _DELIMITER_NAMES[found]
            wanted = " or ".join(f"{_DELIMITER_NAMES[d]}s" for d in self.delimiters)
            self._fatal(
                number,
                f"the columns are separated by {name}s, not {wanted}: the header has "
                f"{others[found]} {name}s and no {wanted}. Save the file as "
                f"{_DELIMITER_NAMES[self.delimiters[0]]}-separated text.",
            )
            return None
        return best

    def _csv_rows(self, lines: Iterator[tuple[int, str]]) -> Iterator[Row]:
        start: list[int | None] = [None]
        last = [0]

        def feed() -> Iterator[str]:
            for number, text in lines:
                if start[0] is None:
                    start[0] = number
                last[0] = number
                yield text + "\n"

        reader = csv.reader(feed(), strict=True)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._unreadable(start[0] or last[0], f"cannot be read as CSV ({exc}).")
                start[0] = None
                continue
            line, start[0] = start[0] or last[0], None
            if any(f.strip() for f in fields):
                yield Row(line, fields)

    # Reporting ------------------------------------------------------------

    def _column(self, index: int) -> str:
        return self.columns[index] if index < len(self.columns) else f"column {index + 1}"

    def _unreadable(self, number: int, reason: str) -> None:
        self.unreadable_lines += 1
        self.report.error(Problem(number, "", "", f"the line {reason}"))

    def _fatal(self, number: int, message: str) -> None:
        self.report.error(Problem(number, "", "", message), fatal=True)
