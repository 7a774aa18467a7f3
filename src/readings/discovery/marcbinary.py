"""Read MARC 21 transmission format (ISO 2709) quickly; pymarc reads whatever is unusual.

pymarc builds a full ``Record`` with ``Field`` objects, warnings and MARC-8
handling for every record, which costs more than mapping the record does. Most
records are plain: a valid leader and directory, two indicators a field, ASCII
subfield codes, UTF-8 text. Those are decoded here into light objects offering
what ``discovery.marc`` reads of a pymarc record; any other record is handed to
pymarc as it is, so its repairs, and its errors, stay pymarc's. Pure Python, no
database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Record as PymarcRecord
from pymarc import Subfield
from pymarc.exceptions import EndOfRecordNotFound, RecordLengthInvalid, TruncatedRecord

_END_OF_RECORD = 0x1D
_SUBFIELD = b"\x1f"


class LeanField:
    """A field as ``discovery.marc`` uses it: the subset of ``pymarc.Field`` it calls."""

    __slots__ = ("data", "indicators", "subfields", "tag")

    def __init__(
        self,
        tag: str,
        indicators: tuple[str, str] | None = None,
        subfields: list[Subfield] | None = None,
        data: str | None = None,
    ) -> None:
        self.tag = tag
        self.indicators = tuple(indicators) if indicators is not None else None
        self.subfields = subfields if subfields is not None else []
        self.data = data

    @property
    def indicator1(self) -> str | None:
        return self.indicators[0] if self.indicators else None

    @property
    def indicator2(self) -> str | None:
        return self.indicators[1] if self.indicators else None

    def is_control_field(self) -> bool:
        return self.data is not None

    def get(self, code: str, default: str | None = None) -> str | None:
        for subfield in self.subfields:
            if subfield.code == code:
                return subfield.value
        return default

    def get_subfields(self, *codes: str) -> list[str]:
        return [value for code, value in self.subfields if code in codes]


class LeanRecord:
    """A record as ``discovery.marc`` uses it: a leader and fields in directory order."""

    __slots__ = ("fields", "leader")

    def __init__(self, leader: str, fields: list[LeanField]) -> None:
        self.leader = leader
        self.fields = fields

    def get_fields(self, *tags: str) -> list[LeanField]:
        if not tags:
            return list(self.fields)
        return [f for f in self.fields if f.tag in tags]


class _Unusual(Exception):
    """The record needs pymarc's reading (repairs, warnings or its error)."""


MarcLike = LeanRecord | PymarcRecord


def read_binary(stream: BinaryIO) -> Iterator[tuple[int, MarcLike | None, str]]:
    """Yield (position, record, problem) as ``pymarc.MARCReader`` would read the stream.

    Records are cut as MARCReader cuts them (the five-digit length); a record
    that cannot be cut ends the reading, as it does in MARCReader.
    """
    position = 0
    while True:
        first5 = stream.read(5)
        if not first5:
            return
        position += 1
        if len(first5) < 5:
            yield position, None, _problem(TruncatedRecord())
            return
        try:
            length = int(first5)
        except ValueError:
            yield position, None, _problem(RecordLengthInvalid())
            return
        chunk = first5 + stream.read(length - 5)
        if len(chunk) < length:
            yield position, None, _problem(TruncatedRecord())
            return
        if chunk[-1] != _END_OF_RECORD:
            yield position, None, _problem(EndOfRecordNotFound())
            return
        try:
            record: MarcLike = decode(chunk)
        except _Unusual:
            try:
                record = PymarcRecord(
                    chunk, to_unicode=True, force_utf8=True, utf8_handling="replace"
                )
            except Exception as exc:  # pymarc's reason, reported as MARCReader would
                yield position, None, _problem(exc)
                continue
        yield position, record, ""


def _problem(exc: Exception) -> str:
    return f"unreadable MARC record ({type(exc).__name__}: {exc})"


def decode(chunk: bytes) -> LeanRecord:
    """Decode one plain record as pymarc would with force_utf8; raise _Unusual otherwise."""
    try:
        leader = chunk[:24].decode("ascii")
        base = int(chunk[12:17])
        if len(leader) != 24 or not 0 < base < len(chunk) or len(chunk) < int(leader[:5]):
            raise _Unusual
        directory = chunk[24 : base - 1]
        if not directory or len(directory) % 12:
            raise _Unusual
        fields = []
        for start in range(0, len(directory), 12):
            entry = directory[start : start + 12]
            tag = entry[:3].decode("ascii")
            begin = base + int(entry[7:12])
            data = chunk[begin : begin + int(entry[3:7]) - 1]
            if tag < "010" and tag.isdigit():
                fields.append(LeanField(tag, data=data.decode("utf-8")))
                continue
            indicators, *parts = data.split(_SUBFIELD)
            if len(indicators) != 2 or indicators[0] > 0x7F or indicators[1] > 0x7F:
                raise _Unusual
            subfields = []
            for part in parts:
                if part:
                    if part[0] > 0x7F:
                        raise _Unusual
                    subfields.append(Subfield(chr(part[0]), part[1:].decode("utf-8", "replace")))
            fields.append(LeanField(tag, (chr(indicators[0]), chr(indicators[1])), subfields))
    except (ValueError, UnicodeDecodeError):
        raise _Unusual from None
    return LeanRecord(leader, fields)
