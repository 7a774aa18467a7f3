"""Build real-shaped MARC 21 records with pymarc, as catalogues export them."""

from __future__ import annotations

from pymarc import Field, Indicators, Record, Subfield

# The test catalogue has this many titles that all match "history", so paging has pages.
HISTORY_COUNT = 25


def field(tag: str, *pairs: str, ind: str = "  ") -> Field:
    """field("245", "a", "Title :", "b", "subtitle /", ind="10")."""
    subfields = [Subfield(code, value) for code, value in zip(pairs[::2], pairs[1::2], strict=True)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def control(tag: str, data: str) -> Field:
    return Field(tag=tag, data=data)


def record(*fields: Field, leader: str = "00000cam a2200000 i 4500") -> Record:
    marc = Record(leader=leader, force_utf8=True)
    marc.add_field(*fields)
    return marc


def book(
    record_id: str,
    title: str,
    *,
    subtitle: str = "",
    author: str = "",
    isbn: str = "",
    year: str = "2019",
    publisher: str = "Penguin",
    subjects: tuple[str, ...] = (),
) -> Record:
    """A typical RDA book record, with the punctuation a cataloguer types."""
    title_pairs = ["a", f"{title} :" if subtitle else f"{title} /"]
    if subtitle:
        title_pairs += ["b", f"{subtitle} /"]
    fields = [
        control("001", record_id),
        control("008", f"190101s{year}    enk           000 0 eng d"),
        field("245", *title_pairs, ind="10"),
        field("264", "a", "London :", "b", f"{publisher},", "c", f"{year}.", ind=" 1"),
        field("300", "a", "xii, 320 pages ;", "c", "24 cm."),
    ]
    if author:
        fields.insert(2, field("100", "a", f"{author},", "e", "author.", ind="1 "))
    if isbn:
        fields.insert(2, field("020", "a", f"{isbn} (paperback)"))
    fields += [field("650", "a", f"{s}.", ind=" 0") for s in subjects]
    return record(*fields)
