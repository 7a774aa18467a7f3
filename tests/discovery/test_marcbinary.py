"""Binary MARC is read by the lean reader exactly as pymarc's MARCReader reads it."""

from __future__ import annotations

import io

import pytest
from pymarc import MARCReader

from discovery.builders import book, control, field, record
from readings.discovery.marc import record_from_marc
from readings.discovery.marcbinary import LeanRecord, read_binary

VARIED = [
    book(
        "v1",
        "Les misérables",
        subtitle="roman",
        author="Hugo, Victor",
        isbn="9780140444308",
        subjects=("France -- History", "Paris (France)"),
    ),
    record(
        control("001", "v2"),
        control("008", "850101s1985    nyu           000 0 eng d"),
        field("100", "6", "880-01", "a", "Murakami, Haruki,", "e", "author.", ind="1 "),
        field("245", "6", "880-02", "a", "Noruwei no mori /", ind="10"),
        field("700", "a", "Rubin, Jay,", "e", "translator.", ind="1 "),
        field("852", "a", "Main Library", "b", "Stacks", "h", "PL856", "i", ".U673"),
        field("880", "6", "100-01/$1", "a", "村上春樹,", "e", "author.", ind="1 "),
        field("880", "6", "245-02/$1", "a", "ノルウェイの森 /", ind="10"),
        field("AVA", "b", "MAIN", "c", "Floor 2", "d", "PL856", "e", "available"),
    ),
    record(
        control("001", "v3"),
        field("022", "a", "0317-8471"),
        field("245", "a", "Journal of things.", ind="00"),
        leader="00000cas a2200000 a 4500",
    ),
]


def as_binary(records) -> bytes:
    return b"".join(marc.as_marc() for marc in records)


def pymarc_read(data: bytes) -> list:
    reader = MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True, utf8_handling="replace")
    return list(reader)


def test_plain_records_map_to_the_same_record_as_through_pymarc():
    data = as_binary(VARIED)
    lean = [marc for _, marc, _ in read_binary(io.BytesIO(data))]
    assert all(isinstance(marc, LeanRecord) for marc in lean)
    expected = [record_from_marc(marc) for marc in pymarc_read(data)]
    assert [record_from_marc(marc) for marc in lean] == expected


def test_a_field_with_one_indicator_is_read_by_pymarc_with_its_repair():
    marc = VARIED[0].as_marc()
    # 245's indicators "10" become "1": pymarc pads a missing indicator with a blank.
    start = marc.index(b"\x1e10\x1f") + 1
    length = int(marc[:5]) - 1
    broken = marc[:start] + b"1" + marc[start + 2 :]
    broken = f"{length:05d}".encode() + broken[5:]
    (position, read, problem), *_ = read_binary(io.BytesIO(broken))
    assert (position, problem) == (1, "")
    assert not isinstance(read, LeanRecord)
    assert read["245"].indicators == ("1", " ")
    assert record_from_marc(read).title == "Les misérables"


def reasons_from_pymarc(data: bytes) -> list[tuple[int, bool, str]]:
    reader = MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True, utf8_handling="replace")
    found = []
    for position, marc in enumerate(reader, start=1):
        exc = reader.current_exception
        reason = f"unreadable MARC record ({type(exc).__name__}: {exc})" if marc is None else ""
        found.append((position, marc is None, reason))
    return found


@pytest.mark.parametrize(
    "data",
    [
        as_binary(VARIED)[:-40],  # cut short
        as_binary(VARIED[:1]) + b"abcde" + as_binary(VARIED[1:]),  # no length
        as_binary(VARIED[:1]) + b"00030" + b"x" * 25 + as_binary(VARIED[1:]),  # no terminator
    ],
    ids=["truncated", "length", "terminator"],
)
def test_a_record_that_cannot_be_cut_ends_the_reading_as_in_pymarc(data):
    lean = [
        (position, marc is None, problem)
        for position, marc, problem in read_binary(io.BytesIO(data))
    ]
    assert lean == reasons_from_pymarc(data)
    assert lean[-1][1]


def test_a_record_pymarc_cannot_read_is_reported_and_reading_goes_on():
    broken = b"00060nam  2200037   4500" + b"x" * 35 + b"\x1d"
    data = as_binary(VARIED[:1]) + broken + as_binary(VARIED[1:2])
    found = list(read_binary(io.BytesIO(data)))
    assert [(position, marc is None) for position, marc, _ in found] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert found[1][2].startswith("unreadable MARC record (")
