"""The demo library's built-in catalogue: generated MARC records, imported as a library would.

A few thousand book records are put together from realistic parts (subjects,
title patterns, authors, publishers, valid ISBN-13s, shelf locations) by a
seeded generator, so every build is the same. Each book the demo lists cite
also gets a record, and those citations are linked to it so students see where
the library holds them. Everything goes through ``discovery.catalogue`` and
``citations.services``; a second run adds nothing.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from pymarc import Field, Indicators, MARCWriter, Subfield
from pymarc import Record as MarcRecord
from stdnum import ean

from readings.citations.models import Citation, CitationKind
from readings.citations.services import citation_update
from readings.discovery.backends import parse_query
from readings.discovery.catalogue import catalogue_import
from readings.discovery.models import CatalogueRecord
from readings.discovery.recording import search_recorded
from readings.institutions.models import Institution

Progress = Callable[[str], None]

GENERATED = 3000
SEED = 2026
# An example resolver address (a reserved .example domain), as a library would configure.
LINK_RESOLVER_URL = "https://resolver.library.northfield.example/openurl"
_BOOK_KINDS = (CitationKind.BOOK, CitationKind.EBOOK, CitationKind.CHAPTER)

# Subject heading → (topics for titles, Library of Congress class).
_SUBJECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "Europe -- History": (("Europe", "the European Revolutions", "the Napoleonic Wars"), "D"),
    "Great Britain -- History": (
        ("Victorian Britain", "the British Empire", "Georgian London"),
        "DA",
    ),
    "Decolonization": (("Decolonisation", "the End of Empire", "Independence Movements"), "JV"),
    "Historiography": (("Historical Method", "Memory and History", "the Archive"), "D13"),
    "Economic history": (("Industrialisation", "the Global Economy", "Trade and Empire"), "HC"),
    "Macroeconomics": (("Inflation", "Monetary Policy", "Economic Growth"), "HB172"),
    "Microeconomics": (("Markets", "Game Theory", "Consumer Choice"), "HB172.5"),
    "Econometrics": (("Causal Inference", "Time Series", "Panel Data"), "HB139"),
    "Computer programming": (
        ("Programming", "Software Design", "Functional Programming"),
        "QA76.6",
    ),
    "Computer algorithms": (("Algorithms", "Data Structures", "Graph Algorithms"), "QA76.9"),
    "Machine learning": (("Machine Learning", "Neural Networks", "Statistical Learning"), "Q325.5"),
    "Database management": (("Databases", "Information Retrieval", "Data Systems"), "QA76.9.D3"),
    "Computer networks": (("Computer Networks", "Distributed Systems", "the Internet"), "TK5105"),
    "Molecular biology": (("the Cell", "Gene Expression", "Molecular Biology"), "QH506"),
    "Evolution (Biology)": (("Evolution", "Natural Selection", "Speciation"), "QH366"),
    "Ecology": (("Ecology", "Biodiversity", "Ecosystems"), "QH541"),
    "Genetics": (("Genetics", "Heredity", "Population Genetics"), "QH430"),
    "Philosophy, Modern": (("Modern Philosophy", "the Enlightenment", "Moral Philosophy"), "B791"),
    "Sociology": (("Social Theory", "Modern Society", "Class and Inequality"), "HM585"),
    "Political science": (("Democracy", "the State", "Political Thought"), "JA71"),
}
_PATTERNS = (
    "A History of {t}",
    "{t}: An Introduction",
    "Understanding {t}",
    "{t} in Practice",
    "The Making of {t}",
    "Rethinking {t}",
    "{t}: A Very Short Introduction",
    "Foundations of {t}",
    "{t} and Its Critics",
    "Essays on {t}",
    "The Cambridge Companion to {t}",
    "{t}: Theory and Evidence",
    "New Perspectives on {t}",
    "Principles of {t}",
)
_SUBTITLES = ("", "", "", "a critical survey", "a reader", "from 1750 to the present", "a guide")
_GIVEN = (
    "Anna", "David", "Sarah", "James", "Maria", "Thomas", "Priya", "Kwame", "Elena", "Hiroshi",
    "Fatima", "Jonathan", "Catherine", "Rafael", "Ingrid", "Samuel", "Mei", "Oluwaseun",
    "Margaret", "Pierre", "Laura", "Ahmed", "Helen", "Stefan",
)  # fmt: skip
_FAMILY = (
    "Clarke", "Okafor", "Schmidt", "Nakamura", "Fernández", "Patel", "Williams", "Novak",
    "O'Brien", "Lindqvist", "Haddad", "Moreau", "Kowalski", "Chen", "Mensah", "Rossi",
    "Johansson", "Kaplan", "Dubois", "Murphy", "Tanaka", "Ivanova", "Reyes", "Gallagher",
    "Bennett", "Ashworth", "Singh", "Costa", "Weber", "Thornton",
)  # fmt: skip
# (publisher, place, ISBN registrant prefix after 978-).
_PUBLISHERS = (
    ("Oxford University Press", "Oxford", "019"),
    ("Cambridge University Press", "Cambridge", "052"),
    ("Routledge", "London", "041"),
    ("Palgrave Macmillan", "Basingstoke", "023"),
    ("Princeton University Press", "Princeton", "069"),
    ("The MIT Press", "Cambridge, Mass.", "026"),
    ("Penguin", "London", "014"),
    ("Wiley", "Hoboken", "047"),
    ("Springer", "Cham", "303"),
    ("Yale University Press", "New Haven", "030"),
    ("University of Chicago Press", "Chicago", "022"),
    ("Polity", "Cambridge", "150"),
    ("Bloomsbury Academic", "London", "135"),
    ("Harvard University Press", "Cambridge, Mass.", "067"),
)
_EDITIONS = ("", "", "", "", "Second edition.", "Third edition.", "Revised edition.")
# (library, location) where the demo library shelves its copies: sciences
# (LC classes Q, R, T) in the Science Library, humanities in the Harris Library.
_SCIENCE_SHELVES = (
    ("Science Library", "Open Shelves"),
    ("Science Library", "Reserve"),
    ("Main Library", "Short Loan"),
)
_HUMANITIES_SHELVES = (
    ("Harris Library", "Humanities Reading Room"),
    ("Main Library", "Level 2 Stacks"),
    ("Main Library", "Level 3 Stacks"),
    ("Main Library", "Short Loan"),
)
# The LC class of a cited book, from the department code in its list's code (RL-HIST2040).
_DEPARTMENT_CLASSES = {"HIST": "DA", "COMP": "QA76.9", "BIOL": "QH", "ECON": "HB"}


def demo_catalogue_prepare(institution: Institution, say: Progress) -> None:
    """Give the institution its catalogue, link the books its lists cite, set its resolver.

    Idempotent: once the catalogue has records, nothing is imported or linked again.
    """
    with transaction.atomic():
        _link_resolver(institution)
        if CatalogueRecord.objects.filter(institution=institution).exists():
            return
        imported = _import(institution, [*cited_records(institution), *generated_records()])
        linked = _link_citations(institution)
        say(f"Catalogue: {imported} MARC records, {linked} citations linked to their records")
    # The go-live checklist asks for a search that found records; the demo has made one.
    found = search_recorded(
        institution=institution, query=parse_query("history"), text="history", is_test=True
    )
    say(f"Discovery test search: 'history' found {found.total} records")


def generated_records(count: int = GENERATED, *, seed: int = SEED) -> Iterator[MarcRecord]:
    """Yield ``count`` book records, the same ones for the same seed."""
    rng = random.Random(seed)
    subjects = list(_SUBJECTS)
    for n in range(1, count + 1):
        subject = rng.choice(subjects)
        topics, lc_class = _SUBJECTS[subject]
        title = rng.choice(_PATTERNS).format(t=rng.choice(topics))
        subtitle = rng.choice(_SUBTITLES)
        publisher, place, prefix = rng.choice(_PUBLISHERS)
        families = rng.sample(_FAMILY, k=rng.choice((1, 1, 1, 2, 2, 3)))
        authors = [(family, rng.choice(_GIVEN)) for family in families]
        year = rng.randint(1988, 2025)
        stem = f"978{prefix}{n:06d}"[:12]
        yield _marc(
            record_id=f"nf{n:07d}",
            title=title,
            subtitle="" if ":" in title else subtitle,
            authors=authors,
            edition=rng.choice(_EDITIONS),
            place=place,
            publisher=publisher,
            year=year,
            isbn=stem + ean.calc_check_digit(stem),
            pages=rng.randint(120, 720),
            subjects=[subject],
            call_number=f"{lc_class} .{authors[0][0][0]}{rng.randint(10, 99)} {year}",
            copies=_copies(rng, lc_class),
        )


def cited_records(institution: Institution) -> Iterator[MarcRecord]:
    """Yield one record per ISBN among the books the institution's lists cite."""
    rng = random.Random(SEED + 1)
    seen: set[str] = set()
    for citation in _cited_books(institution).select_related("reading_list").order_by("isbn", "pk"):
        if citation.isbn in seen:
            continue
        seen.add(citation.isbn)
        names = citation.authors or citation.editors or []
        year = citation.year or 2000
        authors = [
            (n["family"], n.get("given", "")) if n.get("family") else (n.get("literal", ""), "")
            for n in names
            if isinstance(n, dict) and (n.get("family") or n.get("literal"))
        ]
        initial = (authors[0][0] if authors else citation.title)[:1].upper() or "X"
        code = citation.reading_list.code.upper()
        lc_class = next((lc for dept, lc in _DEPARTMENT_CLASSES.items() if dept in code), "Z")
        title, _, subtitle = citation.title.partition(": ")
        yield _marc(
            record_id=cited_record_id(citation.isbn),
            title=title,
            subtitle=subtitle,
            authors=authors,
            edition=citation.edition,
            place=citation.place,
            publisher=citation.publisher,
            year=year,
            isbn=citation.isbn,
            pages=rng.randint(180, 640),
            subjects=[],
            call_number=f"{lc_class} .{initial}{rng.randint(10, 99)} {year}",
            copies=_copies(rng, lc_class, at_least=1),
        )


def cited_record_id(isbn: str) -> str:
    return f"nfc{isbn}"


def _cited_books(institution: Institution):
    return Citation.objects.filter(
        reading_list__institution=institution, secondary_type__in=_BOOK_KINDS
    ).exclude(isbn="")


def _link_citations(institution: Institution) -> int:
    held = set(
        CatalogueRecord.objects.filter(
            institution=institution, record_id__startswith="nfc"
        ).values_list("record_id", flat=True)
    )
    linked = 0
    unlinked = _cited_books(institution).filter(catalogue_record_id="").order_by("pk")
    for citation_id, isbn in unlinked.values_list("pk", "isbn"):
        record_id = cited_record_id(isbn)
        if record_id in held:
            citation_update(citation_id=citation_id, fields={"catalogue_record_id": record_id})
            linked += 1
    return linked


def _link_resolver(institution: Institution) -> None:
    # No service sets one institution setting yet; the admin writes the field the same way.
    if (institution.settings or {}).get("link_resolver_url"):
        return
    institution.settings = {**(institution.settings or {}), "link_resolver_url": LINK_RESOLVER_URL}
    institution.save(update_fields=["settings", "updated_at"])


def _import(institution: Institution, records: list[MarcRecord]) -> int:
    # Through the same import a librarian runs (`readings catalogue import`), from a MARC file.
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "demo-catalogue.mrc"
        with open(path, "wb") as out:
            writer = MARCWriter(out)
            for marc in records:
                writer.write(marc)
        report = catalogue_import(institution=institution, paths=[path])
    return report.imported


def _copies(rng: random.Random, lc_class: str, *, at_least: int = 0) -> list[tuple[str, str]]:
    shelves = _SCIENCE_SHELVES if lc_class[0] in "QRT" else _HUMANITIES_SHELVES
    return rng.sample(shelves, k=max(at_least, rng.choice((0, 1, 1, 1, 2))))


def _marc(
    *,
    record_id: str,
    title: str,
    subtitle: str,
    authors: list[tuple[str, str]],
    edition: str,
    place: str,
    publisher: str,
    year: int,
    isbn: str,
    pages: int,
    subjects: list[str],
    call_number: str,
    copies: list[tuple[str, str]],
) -> MarcRecord:
    """An RDA book record with the ISBD punctuation a cataloguer types."""
    marc = MarcRecord(leader="00000cam a2200000 i 4500", force_utf8=True)
    marc.add_field(
        Field(tag="001", data=record_id),
        Field(tag="008", data=f"200101s{year}    enk           000 0 eng d"),
        _field("020", "a", f"{isbn} (hardback)"),
    )
    names = [f"{family}, {given}" if given else family for family, given in authors]
    if names:
        marc.add_field(_field("100", "a", f"{names[0]},", "e", "author.", ind="1 "))
    responsibility = " and ".join(f"{given} {family}".strip() for family, given in authors)
    title_pairs = ["a", f"{title} :" if subtitle else f"{title} /" if names else f"{title}."]
    if subtitle:
        title_pairs += ["b", f"{subtitle} /" if names else f"{subtitle}."]
    if names:
        title_pairs += ["c", f"{responsibility}."]
    marc.add_field(_field("245", *title_pairs, ind="10" if names else "00"))
    if edition:
        marc.add_field(_field("250", "a", edition))
    imprint = ["a", f"{place or 'London'} :", "b", f"{publisher or 'Northfield Press'},"]
    marc.add_field(_field("264", *imprint, "c", f"{year}.", ind=" 1"))
    marc.add_field(_field("300", "a", f"xii, {pages} pages ;", "c", "24 cm"))
    marc.add_field(*(_field("650", "a", f"{s}.", ind=" 0") for s in subjects))
    marc.add_field(*(_field("700", "a", f"{n},", "e", "author.", ind="1 ") for n in names[1:]))
    main, _, item = call_number.partition(" ")
    for library, location in copies:
        marc.add_field(_field("852", "a", library, "b", location, "h", main, "i", item))
    return marc


def _field(tag: str, *pairs: str, ind: str = "  ") -> Field:
    subfields = [Subfield(code, value) for code, value in zip(pairs[::2], pairs[1::2], strict=True)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)
