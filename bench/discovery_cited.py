"""Which lists cite this: lookups by ISBN, ISSN or DOI over N citations, beside an index read.

N generated citations (default 1,000,000, the issue's size) in lists of 50, one
section and one course each, are inserted straight into the tables (not
measured). A third of the lists are open to the world, a third to the
institution, a third to a course's students. Books are cited with a skew: a
few core texts are on many lists, most books on one or two, as on real lists.
Then lookups, one at a time in-process: the JSON endpoint ``cited.json`` as a
catalogue calls it (signed out, through Django's test client, so with the view,
the middleware and the JSON), and ``lists_citing`` for a librarian (who sees
every list of the institution). ISBNs are asked half as ISBN-10, half as
ISBN-13; some lookups are for articles by DOI or journals by ISSN, some for
books no list cites. The baseline is the least any lookup must do: the
citations' own index read for the same identifiers (``SELECT reading_list_id
… WHERE isbn = %s``).

    python -m bench.run discovery_cited --citations 1000000 --database postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from contextlib import ExitStack

from bench.harness import BenchError, databases, machine, servers
from bench.harness.load import ms
from bench.harness.results import Result
from bench.list_page import BUSY, READINGS, _quiet, app_environment

NAME = "discovery_cited"
NAME_MODULE = "bench.discovery_cited"
INSTITUTION = "BENCH"
PER_LIST = 50
# One book in CORE_SHARE of citations is a core text (1% of the books).
CORE_SHARE = 0.2
BATCH = 10_000
JOURNALS = 5_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--citations", type=int, default=1_000_000, help="citations in all (1000000)"
    )
    parser.add_argument("--queries", type=int, default=500, help="lookups of each kind (500)")
    databases.add_argument(parser)


def run(args: argparse.Namespace) -> Result:
    if not 1_000 <= args.citations <= 5_000_000 or not 10 <= args.queries <= 10_000:
        raise BenchError("need 1000 <= --citations <= 5000000 and 10 <= --queries <= 10000")
    with ExitStack() as stack:
        work = stack.enter_context(servers.workdir(keep=args.keep))
        db = stack.enter_context(databases.fresh_database(args.database, work, keep=args.keep))
        env = app_environment(work, db)
        print(f"setting up {db.label} in {work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=env, what="migrate")
        print(f"inserting {args.citations:,} citations …", file=sys.stderr)
        servers.run_step(
            [sys.executable, "-m", NAME_MODULE, "setup", "--citations", str(args.citations)],
            env=env,
            what="the citations",
        )
        _quiet(args.wait_quiet)
        with machine.OtherWork([], db.process_marks) as other:
            measured = servers.run_step(
                [sys.executable, "-m", NAME_MODULE, "measure", "--citations",
                 str(args.citations), "--queries", str(args.queries)],
                env=env,
                what="the lookups",
            )  # fmt: skip
        found = json.loads(measured.strip().splitlines()[-1])
    busy = other.share
    endpoint, librarian, bare = found["endpoint"], found["librarian"], found["index"]
    return Result(
        benchmark=NAME,
        size=f"{args.citations:,} citations in {args.citations // PER_LIST:,} lists",
        database=db.label,
        figure=(
            f"cited.json p50/p95 {ms(endpoint['p50_ms'])}/{ms(endpoint['p95_ms'])}; "
            f"lists_citing (librarian) {ms(librarian['p50_ms'])}/{ms(librarian['p95_ms'])}"
        ),
        baseline=f"index read of the citations p50/p95 {ms(bare['p50_ms'])}/{ms(bare['p95_ms'])}",
        ratio=f"{endpoint['p95_ms'] / max(bare['p95_ms'], 1e-6):.1f}",
        setup=(
            f"{found['asked']} lookups one at a time in-process (ISBN-10/13, ISSN, DOI, "
            f"{found['misses']} for items no list cites); up to {found['most_lists']} lists "
            "for one item" + (f"; other work took {busy:.0%} of the CPU" if busy > BUSY else "")
        ),
        machine=machine.describe(),
        code=machine.code_version(),
    )


# The generated data: the same for the same size and seed ----------------------------


def book_count(citations: int) -> int:
    return max(100, citations // 4)


def isbn13(n: int) -> str:
    first12 = f"978{n:09d}"
    digits = [int(d) for d in first12]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return first12 + str(check)


def isbn10(isbn: str) -> str:
    body = isbn[3:12]
    total = sum((10 - i) * int(d) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def issn(n: int) -> str:
    body = f"{n % 10_000_000:07d}"
    total = sum((8 - i) * int(d) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return f"{body[:4]}-{body[4:]}{'X' if check == 10 else check}"


def citation_identifiers(n: int, books: int, rng: random.Random) -> dict[str, str]:
    """Every fifth citation is an article (DOI, ISSN of one of JOURNALS); the rest are books."""
    if n % 5 == 4:
        return {"doi": f"10.5555/bench.{n}", "issn": issn(n % (JOURNALS * 5))}
    core = max(1, books // 100)
    book = rng.randrange(core) if rng.random() < CORE_SHARE else rng.randrange(books)
    return {"isbn": isbn13(book)}


def lookups(citations: int, count: int, *, seed: int = 1) -> list[dict[str, str]]:
    """``count`` lookups of each kind: ISBN-13, ISBN-10, ISSN, DOI, and uncited books."""
    rng = random.Random(seed + 11)
    books = book_count(citations)
    asked: list[dict[str, str]] = []
    for _ in range(count):
        book = isbn13(rng.randrange(books))
        asked.append({"isbn": book})
        asked.append({"isbn": isbn10(isbn13(rng.randrange(books)))})
        asked.append({"issn": issn(rng.randrange(JOURNALS) * 5 + 4)})
        article = rng.randrange(citations // 5) * 5 + 4
        asked.append({"doi": f"10.5555/bench.{min(article, citations - 1)}"})
        asked.append({"isbn": isbn13(books + rng.randrange(books))})  # cited by no list
    return asked


# In the application's environment (Django set up) ---------------------------------------


def _setup(citations: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from readings.accounts.services import user_create
    from readings.citations.models import Citation
    from readings.courses.models import Course
    from readings.institutions.services import institution_create
    from readings.lists.models import (
        ListCourse,
        PublicationStatus,
        ReadingList,
        Section,
        Visibility,
    )

    institution = institution_create(
        code=INSTITUTION, name="Benchmark University", time_zone="Europe/London"
    )
    user_create(
        institution=institution,
        username="librarian",
        email="librarian@example.edu",
        primary_id="PLIB",
        roles=["librarian"],
        password="not-used-by-the-benchmark",
    )
    lists = -(-citations // PER_LIST)
    visibilities = [Visibility.OPEN_TO_WORLD, Visibility.INSTITUTION, Visibility.COURSE]
    with transaction.atomic():
        courses = Course.objects.bulk_create(
            Course(institution=institution, code=f"C{n:06d}", title=f"Course {n}")
            for n in range(lists)
        )
        reading_lists = ReadingList.objects.bulk_create(
            ReadingList(
                institution=institution,
                code=f"L{n:06d}",
                name=f"Reading list {n}",
                publication_status=PublicationStatus.PUBLISHED,
                visibility=visibilities[n % 3],
            )
            for n in range(lists)
        )
        sections = Section.objects.bulk_create(
            Section(reading_list=rl, name="Readings", position=0) for rl in reading_lists
        )
        ListCourse.objects.bulk_create(
            ListCourse(reading_list=rl, course=course)
            for rl, course in zip(reading_lists, courses, strict=True)
        )
    # Straight into the table: building a million model instances is not what is measured.
    fields = [f for f in Citation._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    defaults |= {
        name: Citation._meta.get_field(name).get_db_prep_save(now, connection)
        for name in ("created_at", "updated_at")
    }
    columns = ", ".join(f.column for f in fields)
    sql = (
        f"INSERT INTO {Citation._meta.db_table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rng = random.Random(7)
    books = book_count(citations)
    batch = []
    with connection.cursor() as cursor:
        for n in range(citations):
            index = n // PER_LIST
            row = dict(defaults)
            row.update(
                reading_list_id=reading_lists[index].pk,
                section_id=sections[index].pk,
                position=n % PER_LIST,
                title=f"Work {n}",
                **citation_identifiers(n, books, rng),
            )
            batch.append([row[f.attname] for f in fields])
            if len(batch) >= BATCH:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)
        # Every table the lookups read (lists, courses and their links too, made in
        # bulk above), as PostgreSQL's autovacuum would within a minute of such a load.
        cursor.execute("ANALYZE")


def _measure(citations: int, count: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from readings.citations import identifiers
    from readings.discovery.selectors import lists_citing

    asked = lookups(citations, count)
    librarian = get_user_model().objects.get(username="librarian")
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("discovery:cited-json")

    def endpoint(given: dict[str, str]) -> int:
        response = client.get(url, given)
        if response.status_code != 200:
            raise BenchError(f"cited.json {given} answered {response.status_code}")
        return len(response.json()["lists"])

    def as_librarian(given: dict[str, str]) -> int:
        return len(lists_citing(librarian, **given))

    normalise = {
        "isbn": identifiers.normalize_isbn,
        "issn": identifiers.normalize_issn,
        "doi": identifiers.normalize_doi,
    }

    def index_read(given: dict[str, str]) -> int:
        ((name, value),) = given.items()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT reading_list_id FROM citations_citation WHERE {name} = %s",
                [normalise[name](value)],
            )
            return len(cursor.fetchall())

    out: dict = {"asked": len(asked)}
    for name, lookup in (
        ("index", index_read),
        ("librarian", as_librarian),
        ("endpoint", endpoint),
    ):
        for given in asked[:20]:  # warm caches; not measured
            lookup(given)
        times, sizes = [], []
        for given in asked:
            started = time.perf_counter()
            sizes.append(lookup(given))
            times.append(time.perf_counter() - started)
        times.sort()
        out[name] = {
            "p50_ms": times[len(times) // 2] * 1000,
            "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
        }
        if name == "librarian":
            out["misses"] = sizes.count(0)
            out["most_lists"] = max(sizes)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {NAME_MODULE}")
    parser.add_argument("step", choices=["setup", "measure"])
    parser.add_argument("--citations", type=int, required=True)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    import django

    django.setup()
    if args.step == "setup":
        _setup(args.citations)
    else:
        print(json.dumps(_measure(args.citations, args.queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
