"""Reading-list loader: dry run and apply of a Leganto list file, beside a raw insert.

The courses the lists belong to are loaded first (not measured) from a generated
course file, one per list. The list file (default 100,000 citations in lists of
83, 8 sections each; the issue's full size is ``--citations 1000000``) is
generated row by row to disk. Loads are measured as in ``course_load``; the
baseline, after the apply (citations need their lists and sections), reads the
same file and inserts its citations into ``citations_citation`` with
``executemany`` (SQLite) or ``COPY`` (PostgreSQL), then rolls the insert back.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
from contextlib import ExitStack, closing
from operator import itemgetter
from pathlib import Path

from bench import fixtures
from bench.course_load import LoaderRun, _fetch, add_common_arguments, timed_insert, tsv_rows
from bench.harness import BenchError
from bench.harness.results import Result

NAME = "list_load"
PER_LIST = 83  # 1,000,000 citations ≈ 12,000 lists, as the issue sizes it
CITATION_COLUMNS = (
    "created_at", "updated_at", "reading_list_id", "section_id", "position", "type",
    "secondary_type", "status", "title", "authors", "editors", "container_title",
    "chapter_title", "publisher", "place", "publication_date", "year", "edition", "volume",
    "issue", "pages", "start_page", "end_page", "isbn", "issn", "doi", "pmid", "oclc", "lccn",
    "url", "source_links", "catalogue_record_id", "original_system_id", "public_note",
    "instructor_note", "library_note", "form_token",
)  # fmt: skip
_NEEDED = (
    "reading_list_code", "section_name", "citation_secondary_type", "citation_status",
    "citation_title", "citation_journal_title", "citation_author", "citation_publication_date",
    "citation_edition", "citation_isbn", "citation_issn", "citation_place_of_publication",
    "citation_publisher", "citation_volume", "citation_issue", "citation_pages", "citation_doi",
    "citation_original_system_id", "citation_public_note",
)  # fmt: skip
_YEAR = re.compile(r"\d{4}")
_ARTICLES = {"CR", "E_CR", "JR"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--citations", type=int, default=100_000, help="citations in the file (100000)"
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> Result:
    if not 1 <= args.citations <= 5_000_000:
        raise BenchError("need 1 <= --citations <= 5000000")
    lists = fixtures.list_file_lists(args.citations, PER_LIST)
    with ExitStack() as stack:
        bench = stack.enter_context(LoaderRun(args))
        courses = bench.work / "courses.txt"
        fixtures.write_course_file(courses, rows=lists, instructors=args.instructors)
        bench.load("courses", courses)
        path = bench.work / "lists.txt"
        size = fixtures.write_list_file(
            path, citations=args.citations, per_list=PER_LIST, instructors=args.instructors
        )
        figures = bench.measure("lists", path, args.citations, baseline=insert_citations)
    return bench.result(
        size=f"{args.citations:,} citations in {lists:,} lists ({size / 2**20:.0f} MiB)",
        figures=figures,
        rows=args.citations,
        baseline_table="citations_citation",
    )


def insert_citations(bench: LoaderRun, path: Path) -> float:
    """Seconds to read the file and insert its citations again (rolled back)."""
    with closing(bench.connect()) as conn:
        query = (
            "SELECT l.code, s.name, l.id, s.id FROM lists_section s "
            "JOIN lists_readinglist l ON l.id = s.reading_list_id WHERE l.institution_id = %s"
        )
        sections = {
            (c, n): (lid, sid) for c, n, lid, sid in _fetch(conn, query, (bench.institution_id,))
        }
        now = datetime.datetime.now(datetime.UTC)
        rows = tsv_rows(path, skip_header=False)
        index = {name: n for n, name in enumerate(next(rows))}

        pick = itemgetter(*(index[name] for name in _NEEDED))

        def values():
            for position, row in enumerate(rows, start=1_000_000):  # beside the loaded ones
                (code, section, kind, status, title, journal, author, date, edition, isbn, issn,
                 place, publisher, volume, issue, pages, doi, old_id, note) = pick(row)  # fmt: skip
                list_id, section_id = sections[(code, section)]
                authors = [
                    dict(zip(("family", "given"), a.split(", ", 1), strict=False))
                    for a in author.split("; ")
                    if a
                ]
                year = _YEAR.search(date)
                yield (
                    now, now, list_id, section_id, position, "CR" if kind in _ARTICLES else "BK",
                    kind, status, title, json.dumps(authors), "[]", journal, "", publisher, place,
                    date, int(year.group()) if year else None, edition, volume, issue, pages, "",
                    "", isbn, issn, doi, "", "", "", "", "[]", "", old_id, note, "", "", "",
                )  # fmt: skip

        return timed_insert(conn, "citations_citation", CITATION_COLUMNS, values())
