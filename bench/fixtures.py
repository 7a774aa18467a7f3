"""Generate benchmark data through the services, as people and loaders create it.

In-process (tests): ``list_page_data(citations=10, sections=2)``.
As a command, in the same environment as the server being measured::

    python -m bench.fixtures list_page --citations 200 --sections 8

prints one JSON line: the list id, the student's user id and a ``sessionid``
cookie value that signs the student in (Django's session store is in the
database, so the server sees the same session).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_GIVEN = (
    "Amara", "Ben", "Chiara", "Daniel", "Elif", "Fatima", "George", "Hana", "Ivan", "Jun",
    "Kwame", "Laura", "Mateo", "Nadia", "Oliver", "Priya", "Rosa", "Samuel", "Tomás", "Yara",
)  # fmt: skip
_FAMILY = (
    "Adeyemi", "Bergström", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hughes",
    "Ishikawa", "Jensen", "Kowalski", "Lindqvist", "Martínez", "Nakamura", "O'Brien",
    "Petrović", "Quinn", "Rossi", "Schneider", "Thompson", "Van der Berg", "Wójcik", "Zhang",
)  # fmt: skip
_SUBJECTS = (
    "Urban Ecology", "Public Health", "Labour History", "Climate Policy", "Cognitive Science",
    "Medieval Trade", "Data Ethics", "Migration", "Coastal Geomorphology", "Social Memory",
    "Renewable Energy", "Early Modern Print", "Language Acquisition", "Food Security",
)  # fmt: skip
_TITLE_PATTERNS = (
    "{s}: A Critical Introduction",
    "Rethinking {s}",
    "{s} in Practice",
    "The Politics of {s}",
    "{s} and Its Discontents",
    "Foundations of {s}",
    "Understanding {s}: Theory, Method and Evidence",
    "A Short History of {s}",
)
_ARTICLE_PATTERNS = (
    "Measuring {s} across European cities, 1990-2020",
    "What counts as evidence in {s}? A systematic review",
    "{s} after the pandemic: a comparative study",
    "Towards a theory of {s}",
    "Local knowledge and {s}: three case studies",
)
_PUBLISHERS = (
    ("Oxford University Press", "Oxford", "019"),
    ("Cambridge University Press", "Cambridge", "052"),
    ("Routledge", "London", "041"),
    ("Polity Press", "Cambridge", "074"),
    ("University of Chicago Press", "Chicago", "022"),
    ("Sage", "London", "076"),
)
_JOURNALS = (
    ("Journal of Urban Studies", "0042-0980", "10.1177"),
    ("Social Science & Medicine", "0277-9536", "10.1016"),
    ("Past & Present", "0031-2746", "10.1093"),
    ("Global Environmental Change", "0959-3780", "10.1016"),
    ("Cognition", "0010-0277", "10.1016"),
)
_NOTES = (
    "<p>Read <em>chapters 1-3</em> before the seminar.</p>",
    "<p>Focus on the methods section; we discuss it in week 4.</p>",
    "<p>Available as an e-book through the library.</p>",
)
# Book, book, chapter, article, article, web page: roughly a humanities/social-science list.
_KINDS = ("BK", "BK", "BOOK_EXTRACT", "CR", "CR", "WS")


@dataclass(frozen=True)
class ListPageData:
    list_id: int
    student_id: int
    citations: int
    sections: int


def list_page_data(*, citations: int, sections: int, seed: int = 1) -> ListPageData:
    """Create an institution, a course with an enrolled student, and a published list."""
    from readings.accounts.services import user_create
    from readings.citations.services import citation_create
    from readings.courses.services import course_create, course_enroll
    from readings.institutions.services import institution_create
    from readings.lists.models import PublicationStatus, Tag, Visibility
    from readings.lists.services import list_create, list_update, section_create

    if citations < 0 or sections < 1:
        raise ValueError("A list needs at least one section and a non-negative citation count.")
    rng = random.Random(seed)
    institution = institution_create(
        code="BENCH", name="Benchmark University", time_zone="Europe/London"
    )
    instructor = user_create(
        institution=institution,
        username="instructor",
        email="instructor@bench.example.edu",
        first_name="Irene",
        last_name="Okafor",
        roles=["instructor"],
    )
    student = user_create(
        institution=institution,
        username="student",
        email="student@bench.example.edu",
        primary_id="S0000001",
        first_name="Sam",
        last_name="Student",
        roles=["student"],
    )
    course = course_create(
        institution=institution,
        code="GEOG2041",
        section="A",
        title="Cities, Environment and Society",
        year=2025,
        participants=180,
        instructors=[instructor],
    )
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Cities, Environment and Society: readings",
        acting_user=instructor,
        courses=[course],
        description="Core and further readings, week by week.",
        visibility=Visibility.COURSE,
        first_section=None,
    )
    tags = list(Tag.objects.filter(institution=institution).order_by("position"))
    section_objects = [
        section_create(reading_list=reading_list, name=f"Week {n + 1}: {rng.choice(_SUBJECTS)}")
        for n in range(sections)
    ]
    for n in range(citations):
        # Each section gets an even share, in order, as a list is usually built.
        citation_create(
            section=section_objects[n * sections // citations],
            fields=_citation_fields(rng, n),
            tags=[tags[n % len(tags)]] if tags and n % 3 else [],
        )
    list_update(list_id=reading_list.pk, publication_status=PublicationStatus.PUBLISHED)
    return ListPageData(
        list_id=reading_list.pk, student_id=student.pk, citations=citations, sections=sections
    )


def _citation_fields(rng: random.Random, n: int) -> dict[str, Any]:
    kind = _KINDS[n % len(_KINDS)]
    subject = rng.choice(_SUBJECTS)
    year = rng.randint(1978, 2025)
    authors = [
        {"family": rng.choice(_FAMILY), "given": rng.choice(_GIVEN)}
        for _ in range(rng.choice((1, 1, 2, 3, 5)))
    ]
    fields: dict[str, Any] = {
        "secondary_type": kind,
        "status": "Complete",
        "authors": authors,
        "publication_date": str(year),
    }
    if kind in ("BK", "BOOK_EXTRACT"):
        publisher, place, prefix = rng.choice(_PUBLISHERS)
        fields.update(
            title=rng.choice(_TITLE_PATTERNS).format(s=subject),
            publisher=publisher,
            place=place,
            edition=rng.choice(("", "", "2nd", "3rd")),
            isbn=_isbn13(f"9780{prefix}{rng.randint(10000, 99999)}"),
        )
        if kind == "BOOK_EXTRACT":
            fields.update(
                chapter_title=f"Chapter {rng.randint(1, 12)}: {rng.choice(_SUBJECTS)}",
                pages=f"{(start := rng.randint(1, 300))}-{start + rng.randint(12, 40)}",
                editors=[{"family": rng.choice(_FAMILY), "given": rng.choice(_GIVEN)}],
            )
    elif kind == "CR":
        journal, issn, doi_prefix = rng.choice(_JOURNALS)
        start = rng.randint(1, 900)
        fields.update(
            title=rng.choice(_ARTICLE_PATTERNS).format(s=subject.lower()),
            container_title=journal,
            issn=issn,
            volume=str(rng.randint(1, 80)),
            issue=str(rng.randint(1, 12)),
            pages=f"{start}-{start + rng.randint(8, 30)}",
            doi=f"{doi_prefix}/bench.{year}.{n:05d}",
        )
    else:
        fields.update(
            title=f"{subject}: data and resources",
            container_title="Office for National Statistics",
            url=f"https://www.example.org/resources/{n:05d}",
        )
    if n % 7 == 0:
        fields["public_note"] = _NOTES[n % len(_NOTES)]
    return fields


def _isbn13(first12: str) -> str:
    digits = [int(d) for d in first12[:12]]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


@dataclass(frozen=True)
class LtiPlatformSpec:
    """The test LMS a launch benchmark registers (its keys stay with the driver)."""

    issuer: str
    client_id: str
    deployment_id: str
    keyset_url: str
    auth_url: str


def lti_launch_data(*, platform: LtiPlatformSpec, citations: int, sections: int) -> ListPageData:
    """The list page's data, plus the LMS registered to launch its student into the course.

    The launch's context label is the course code, so the platform's default
    matching rule finds the course and the launch lands on its one list.
    """
    from readings.institutions.models import Institution
    from readings.lti.services import platform_register

    data = list_page_data(citations=citations, sections=sections)
    platform_register(
        institution=Institution.objects.get(code="BENCH"),
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.auth_url,
        keyset_url=platform.keyset_url,
        deployment_ids=[platform.deployment_id],
        name="Benchmark LMS",
    )
    return data


# Loader files ---------------------------------------------------------------------------------

LOADER_INSTITUTION = "BENCH"
_DEPARTMENTS = (
    ("GEOG", "Geography"), ("HIST", "History"), ("SOCI", "Sociology"), ("PSYC", "Psychology"),
    ("ECON", "Economics"), ("LING", "Linguistics"), ("ENVS", "Environmental Science"),
    ("POLI", "Politics"), ("PHIL", "Philosophy"), ("MEDS", "Medical Sciences"),
    ("LAWS", "Law"), ("COMP", "Computing"),
)  # fmt: skip
_PROCESSING = (("LIB", "Main Library"), ("MED", "Medical Library"))
_TERMS = (("AUTUMN", "Autumn term"), ("SPRING", "Spring term"), ("SUMMER", "Summer term"))
_CAMPUSES = ("Main", "City", "Riverside")


@dataclass(frozen=True)
class LoaderData:
    institution_id: int
    instructors: int


def loader_data(*, instructors: int = 2000) -> LoaderData:
    """The institution a loader file is loaded into: departments, terms, instructors."""
    from readings.accounts.services import user_create
    from readings.institutions.services import (
        academic_department_create,
        institution_create,
        processing_department_create,
        term_create,
    )

    institution = institution_create(
        code=LOADER_INSTITUTION, name="Benchmark University", time_zone="Europe/London"
    )
    for code, name in _DEPARTMENTS:
        academic_department_create(institution=institution, code=code, name=name)
    for code, name in _PROCESSING:
        processing_department_create(institution=institution, code=code, name=name)
    for code, name in _TERMS:
        term_create(institution=institution, code=code, name=name)
    rng = random.Random(7)
    for n in range(instructors):
        user_create(
            institution=institution,
            username=f"staff{n:05d}",
            email=f"staff{n:05d}@bench.example.edu",
            primary_id=_instructor_id(n),
            first_name=rng.choice(_GIVEN),
            last_name=rng.choice(_FAMILY),
            roles=["instructor"],
        )
    return LoaderData(institution_id=institution.pk, instructors=instructors)


def _instructor_id(n: int) -> str:
    return f"E{n:06d}"


def course_key(n: int) -> tuple[str, str]:
    """The (code, section) of the n-th generated course."""
    department = _DEPARTMENTS[n % len(_DEPARTMENTS)][0]
    return f"{department}{n:06d}", ("A", "B", "1", "")[n % 4]


def course_rows(*, rows: int, instructors: int = 2000, seed: int = 1) -> Iterator[list[str]]:
    """Course-loader rows (34 columns), one course each, as a registrar extract has them."""
    rng = random.Random(seed)
    for n in range(rows):
        code, section = course_key(n)
        department = code[:4]
        term = rng.randrange(len(_TERMS))
        start = datetime.date(2026, (9, 1, 4)[term], rng.randint(1, 14))
        end = start + datetime.timedelta(days=rng.randint(60, 90))
        taught_by = [
            _instructor_id(rng.randrange(instructors)) for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        taught_by = list(dict.fromkeys(taught_by))
        campuses = rng.sample(_CAMPUSES, rng.choice((1, 1, 2)))
        row = [
            code,
            rng.choice(_TITLE_PATTERNS).format(s=rng.choice(_SUBJECTS)),
            section,
            department,
            "MED" if department == "MEDS" else "LIB",
            _TERMS[term][0],
            "",
            "",
            "",
            start.isoformat(),
            end.isoformat(),
            str(rng.randint(8, 400)),
            str(rng.choice((2, 3, 4, 6))),
            "2026",
            code.lower(),
            f"{code}-{section or 'X'}-2026",
            f"{code.lower()},{department}-{n}",
            *(taught_by + [""] * 10)[:10],
            ",".join(taught_by),
            "",  # OPERATION: create (or update)
            "",
            "",
            (start + datetime.timedelta(days=21)).isoformat(),
            ",".join(f"{c}|{rng.randint(5, 200)}" for c in campuses),
            f"{code}: core readings" if n % 10 == 0 else "",
        ]
        yield row


def write_course_file(path: Path, *, rows: int, instructors: int = 2000, seed: int = 1) -> int:
    """Write a course-loader file row by row (never held in memory); return its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(_COURSE_HEADER) + "\r\n")
        for row in course_rows(rows=rows, instructors=instructors, seed=seed):
            out.write("\t".join(row) + "\r\n")
    return path.stat().st_size


_COURSE_HEADER = (
    "COURSE_CODE", "COURSE_TITLE", "SECTION_ID", "ACAD_DEPT", "PROC_DEPT",
    "TERM1", "TERM2", "TERM3", "TERM4", "START_DATE", "END_DATE", "NUM_OF_PARTICIPANTS",
    "WEEKLY_HOURS", "YEAR", "SEARCH_ID1", "SEARCH_ID2", "MULTI_SEARCH_ID",
    *(f"INSTR{n}" for n in range(1, 11)), "ALL_INSTRUCTORS", "OPERATION",
    "OLD_COURSE_CODE", "OLD_COURSE_SECTION", "SUBMIT_LISTS_BY", "CAMPUS_AND_PARTICIPANTS",
    "READING_LIST_NAME",
)  # fmt: skip
LIST_FILE_SECTIONS = 8
# The Leganto reading-list file's 67 columns (docs in ../shared/formats); the loader's own
# list is readings.loaders.list_rows.COLUMNS, which tests/bench checks this against.
LIST_COLUMNS = (
    "coursecode", "section_id", "searchable_id1", "searchable_id2", "searchable_id3",
    "reading_list_code", "reading_list_name", "reading_list_description", "reading_list_subject",
    "reading_list_status", "RLStatus", "visibility", "reading_list_assigned_to",
    "reading_list_library_note", "reading_list_instructor_note", "owner_user_name",
    "creativecommon", "section_name", "section_description", "section_start_date",
    "section_end_date", "section_tags", "citation_secondary_type", "citation_status",
    "citation_tags", "citation_mms_id", "citation_original_system_id", "citation_title",
    "citation_journal_title", "citation_author", "citation_publication_date", "citation_edition",
    "citation_isbn", "citation_issn", "citation_place_of_publication", "citation_publisher",
    "citation_volume", "citation_issue", "citation_pages", "citation_start_page",
    "citation_end_page", "citation_doi", "citation_oclc", "citation_lccn", "citation_chapter",
    "rlterms_chapter_title", "citation_chapter_author", "editor", "citation_source",
    *(f"citation_source{n}" for n in range(1, 11)), "citation_note", "additional_person_name",
    "file_name", "citation_public_note", "license_type", "citation_instructor_note",
    "citation_library_note", "external_system_id",
)  # fmt: skip


def list_file_lists(citations: int, per_list: int) -> int:
    return -(-citations // per_list)


def list_rows(
    *, citations: int, per_list: int = 83, instructors: int = 2000, seed: int = 1
) -> Iterator[dict[str, str]]:
    """Reading-list rows (one citation each): lists of ``per_list`` citations in 8 sections,
    each list linked to the generated course of the same number and owned by an instructor."""
    rng = random.Random(seed)
    for n in range(citations):
        number, at = divmod(n, per_list)
        if at == 0:
            code, section = course_key(number)
            subject = rng.choice(_SUBJECTS)
            owner = _instructor_id(rng.randrange(instructors))
            status = rng.choice(("PUBLISHED", "PUBLISHED", "DRAFT"))
        week = at * LIST_FILE_SECTIONS // per_list
        fields = _citation_fields(rng, n)
        row = {
            "coursecode": code,
            "section_id": section,
            "reading_list_code": f"LST-{code}-{section or 'X'}",
            "reading_list_name": f"{code}: readings in {subject}",
            "reading_list_description": "Core and further readings, week by week.",
            "reading_list_status": "BeingPrepared",
            "RLStatus": status,
            "visibility": "RESTRICTED",
            "owner_user_name": owner,
            "section_name": f"Week {week + 1}",
            "citation_secondary_type": fields["secondary_type"],
            "citation_status": "Complete",
            "citation_original_system_id": f"OLD{n:08d}",
            "citation_title": fields.get("chapter_title") or fields["title"],
            "citation_journal_title": fields.get("container_title", ""),
            "citation_author": "; ".join(f"{a['family']}, {a['given']}" for a in fields["authors"]),
            "citation_publication_date": rng.choice(("{y}", "c{y}", "[{y}]", "{y}-05")).format(
                y=fields["publication_date"]
            ),
            "citation_edition": fields.get("edition", ""),
            "citation_isbn": fields.get("isbn", ""),
            "citation_issn": fields.get("issn", ""),
            "citation_place_of_publication": fields.get("place", ""),
            "citation_publisher": fields.get("publisher", ""),
            "citation_volume": fields.get("volume", ""),
            "citation_issue": fields.get("issue", ""),
            "citation_pages": fields.get("pages", ""),
            "citation_doi": fields.get("doi", ""),
            "citation_public_note": "Read before the seminar." if n % 7 == 0 else "",
        }
        if fields["secondary_type"] == "BOOK_EXTRACT":
            row["citation_journal_title"] = fields["title"]
            row["editor"] = "; ".join(f"{a['family']}, {a['given']}" for a in fields["editors"])
        yield row


def write_list_file(
    path: Path, *, citations: int, per_list: int = 83, instructors: int = 2000, seed: int = 1
) -> int:
    """Write a reading-list file (tab-separated, 67 columns) row by row; return its size."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(LIST_COLUMNS) + "\n")
        rows = list_rows(citations=citations, per_list=per_list, instructors=instructors, seed=seed)
        for row in rows:
            out.write("\t".join(row.get(c, "") for c in LIST_COLUMNS) + "\n")
    return path.stat().st_size


# MARC records for the discovery benchmark ----------------------------------------------

_TOPICS = (
    "Housing", "Water", "Trade Unions", "Railways", "Schools", "Hospitals", "Markets",
    "Harbours", "Festivals", "Newspapers", "Forests", "Libraries", "Prisons", "Museums",
    "Farming", "Mining", "Textiles", "Pilgrimage", "Banking", "Broadcasting",
)  # fmt: skip
_PLACES = (
    "Lagos", "Lyon", "Glasgow", "Osaka", "Valparaíso", "Kraków", "Bergen", "Naples",
    "Montréal", "Cork", "Seville", "Leipzig", "Mumbai", "Antwerp", "Hobart", "Tbilisi",
    "Manchester", "Trieste", "Dakar", "Quito",
)  # fmt: skip


@dataclass(frozen=True)
class MarcFields:
    record_id: str
    title: str
    subtitle: str
    author: tuple[str, str]  # family, given
    coauthor: tuple[str, str] | None
    isbn: str
    year: int
    publisher: str
    place: str
    subjects: tuple[str, ...]


def marc_fields(n: int, *, seed: int = 1) -> MarcFields:
    """The n-th generated catalogue record's content (the same for the same n and seed)."""
    rng = random.Random(seed * 1_000_003 + n)
    subject, topic, city = rng.choice(_SUBJECTS), rng.choice(_TOPICS), rng.choice(_PLACES)
    start = rng.randint(1600, 1990)
    publisher, place, _ = rng.choice(_PUBLISHERS)
    return MarcFields(
        record_id=f"bench{n:08d}",
        title=rng.choice(_TITLE_PATTERNS).format(s=subject),
        subtitle=f"{topic} in {city}, {start}-{start + rng.randint(10, 120)}",
        author=(rng.choice(_FAMILY), rng.choice(_GIVEN)),
        coauthor=(rng.choice(_FAMILY), rng.choice(_GIVEN)) if n % 3 == 0 else None,
        isbn=_isbn13(f"9781{n:08d}"),
        year=rng.randint(1950, 2025),
        publisher=publisher,
        place=place,
        subjects=(subject, f"{topic} -- {city}"),
    )


def marc_record(n: int, *, seed: int = 1):
    """The n-th generated record as pymarc builds it: an RDA book, as catalogues export them."""
    from pymarc import Field, Indicators, Record, Subfield

    f = marc_fields(n, seed=seed)

    def data(tag: str, ind: str, *pairs: str) -> Field:
        subfields = [Subfield(c, v) for c, v in zip(pairs[::2], pairs[1::2], strict=True)]
        return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)

    fields = [
        Field(tag="001", data=f.record_id),
        Field(tag="008", data=f"190101s{f.year}    enk           000 0 eng d"),
        data("020", "  ", "a", f"{f.isbn} (hardback)"),
        data("100", "1 ", "a", f"{f.author[0]}, {f.author[1]},", "e", "author."),
        data("245", "10", "a", f"{f.title} :", "b", f"{f.subtitle} /"),
        data("264", " 1", "a", f"{f.place} :", "b", f"{f.publisher},", "c", f"{f.year}."),
        data("300", "  ", "a", "xii, 320 pages ;", "c", "24 cm."),
        *(data("650", " 0", "a", f"{subject}.") for subject in f.subjects),
    ]
    if f.coauthor:
        fields.append(data("700", "1 ", "a", f"{f.coauthor[0]}, {f.coauthor[1]},", "e", "author."))
    marc = Record(leader="00000cam a2200000 i 4500", force_utf8=True)
    marc.add_field(*fields)
    return marc


_MARC_CHUNK = 5000
# Below this many records, starting processes costs more than it saves.
_MARC_PARALLEL_FROM = 50_000


def write_marc(count: int, binary_path, xml_path, *, seed: int = 1) -> None:
    """Write ``count`` generated records as MARC 21 (binary) and as MARCXML.

    Large counts are generated in two processes (a million records take
    minutes in one); the files are the same byte for byte either way.
    """
    import multiprocessing

    chunks = [
        (start, min(start + _MARC_CHUNK, count), seed) for start in range(0, count, _MARC_CHUNK)
    ]
    parallel = count >= _MARC_PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods()
    with ExitStack() as stack:
        binary = stack.enter_context(open(binary_path, "wb"))
        xml = stack.enter_context(open(xml_path, "wb"))
        if parallel:
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(2))
            parts = pool.imap(_marc_chunk, chunks)  # in order
        else:
            parts = map(_marc_chunk, chunks)
        # The collection's start and end tags as pymarc's XMLWriter writes them.
        xml.write(b'<?xml version="1.0" encoding="UTF-8"?>')
        xml.write(b'<collection xmlns="http://www.loc.gov/MARC21/slim">')
        for binary_part, xml_part in parts:
            binary.write(binary_part)
            xml.write(xml_part)
        xml.write(b"</collection>")


def _marc_chunk(chunk: tuple[int, int, int]) -> tuple[bytes, bytes]:
    """Records start..stop as MARC 21 and as MARCXML record elements (as XMLWriter writes)."""
    from xml.etree import ElementTree

    from pymarc import record_to_xml_node

    start, stop, seed = chunk
    binary, xml = [], []
    for n in range(start, stop):
        marc = marc_record(n, seed=seed)
        binary.append(marc.as_marc())
        xml.append(ElementTree.tostring(record_to_xml_node(marc), encoding="utf-8"))
    return b"".join(binary), b"".join(xml)


def discovery_queries(count: int, records: int, *, seed: int = 1) -> dict[str, list[str]]:
    """``count`` searches of each kind, each built from a record that was generated."""
    rng = random.Random(seed + 7)
    out: dict[str, list[str]] = {"title": [], "author": [], "keyword": [], "isbn": []}
    for _ in range(count):
        f = marc_fields(rng.randrange(records), seed=seed)
        city = f.subtitle.split(" in ")[1].split(",")[0]
        out["title"].append(f"{f.title.split(':')[0]} {city}")
        out["author"].append(f"{f.author[0]} {f.author[1]}")
        out["keyword"].append(f"{f.subjects[0]} {f.subtitle.split(' in ')[0]}")
        out["isbn"].append(f.isbn)
    return out


def student_session(student_id: int) -> str:
    """Sign the student in and return the ``sessionid`` cookie value."""
    from django.test import Client

    from readings.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=student_id))
    return client.cookies["sessionid"].value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixtures")
    parser.add_argument("kind", choices=["list_page", "lti_launch", "loader"])
    parser.add_argument("--instructors", type=int, default=2000, help="loader: instructors")
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--sections", type=int, default=8)
    parser.add_argument("--platform", help="lti_launch: the LMS as JSON (LtiPlatformSpec)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    import django

    django.setup()
    if args.kind == "loader":
        loader = loader_data(instructors=args.instructors)
        print(json.dumps({"institution_id": loader.institution_id}))
        return 0
    if args.kind == "lti_launch":
        spec = LtiPlatformSpec(**json.loads(args.platform))
        data = lti_launch_data(platform=spec, citations=args.citations, sections=args.sections)
    else:
        data = list_page_data(citations=args.citations, sections=args.sections)
    out = {"list_id": data.list_id, "sessionid": student_session(data.student_id)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
