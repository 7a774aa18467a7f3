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
import json
import os
import random
import sys
from dataclasses import dataclass
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


def student_session(student_id: int) -> str:
    """Sign the student in and return the ``sessionid`` cookie value."""
    from django.test import Client

    from readings.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=student_id))
    return client.cookies["sessionid"].value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixtures")
    parser.add_argument("kind", choices=["list_page"])
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--sections", type=int, default=8)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    import django

    django.setup()
    data = list_page_data(citations=args.citations, sections=args.sections)
    out = {"list_id": data.list_id, "sessionid": student_session(data.student_id)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
