"""Reading-list loader: dry run and apply of a Leganto list file, beside a raw insert.

The courses the lists belong to are loaded first (not measured) from a generated
course file, one per list. The list file (default 100,000 citations in lists of
83, 8 sections each; the issue's full size is ``--citations 1000000``) is
generated row by row to disk. Loads are measured as in ``course_load``; the
baseline, after the apply (the lists' courses and owners must exist, as for
the loader), reads the same file and inserts the rows the loader writes for
it into the same tables (lists, their links to courses, owners, sections,
citations) with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), then rolls
the insert back.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import time
from contextlib import ExitStack, closing
from operator import itemgetter
from pathlib import Path

from bench import fixtures
from bench.course_load import (
    LoaderRun,
    _fetch,
    _highest_id,
    add_common_arguments,
    timed_inserts,
    tsv_rows,
)
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
    "coursecode", "section_id", "reading_list_code", "reading_list_name",
    "reading_list_description", "reading_list_status", "RLStatus", "visibility",
    "owner_user_name", "section_name", "citation_secondary_type", "citation_status",
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
        figures = bench.measure("lists", path, args.citations, baseline=insert_lists)
    return bench.result(
        size=f"{args.citations:,} citations in {lists:,} lists ({size / 2**20:.0f} MiB)",
        figures=figures,
        rows=args.citations,
        baseline_tables="lists, their courses, owners, sections and citations",
    )


def insert_lists(bench: LoaderRun, path: Path) -> float:
    """Seconds to read the file and insert the rows the loader writes for it (rolled back).

    Per list: the list (its code suffixed, the loaded one being there), its
    link to its course, its owner and its sections; per row, the citation.
    Codes become ids through maps read once, as the loader must; list and
    section ids are counted on from the tables' highest.
    """
    with closing(bench.connect()) as conn:
        start = time.perf_counter()
        institution = bench.institution_id
        query = "SELECT code, section, id FROM courses_course WHERE institution_id = %s"
        courses = {(c, s): i for c, s, i in _fetch(conn, query, (institution,))}
        query = "SELECT primary_id, id FROM accounts_user WHERE institution_id = %s"
        users = dict(_fetch(conn, query, (institution,)))
        list_id = _highest_id(conn, "lists_readinglist")
        section_id = _highest_id(conn, "lists_section")
        now = datetime.datetime.now(datetime.UTC)
        rows = tsv_rows(path, skip_header=False)
        index = {name: n for n, name in enumerate(next(rows))}
        pick = itemgetter(*(index[name] for name in _NEEDED))
        tables: dict[str, list[tuple]] = {name: [] for name in _LIST_TABLES}
        code_now = section_now = None
        position = sections = 0
        for row in rows:
            (course, course_section, code, list_name, description, list_status, published,
             visibility, owner, section, kind, status, title, journal, author, date, edition,
             isbn, issn, place, publisher, volume, issue, pages, doi, old_id,
             note) = pick(row)  # fmt: skip
            if code != code_now:
                code_now, section_now = code, None
                list_id += 1
                tables["lists_readinglist"].append(
                    (list_id, now, now, institution, f"{code}-BASE", list_name, description, "",
                     list_status, published, _VISIBILITY[visibility], "", 1, False)
                )  # fmt: skip
                tables["lists_listcourse"].append((list_id, courses[(course, course_section)]))
                tables["lists_listmember"].append((now, now, list_id, users[owner], "owner"))
                sections = 0
            if section != section_now:
                section_now = section
                section_id += 1
                tables["lists_section"].append(
                    (section_id, now, now, list_id, section, "", sections, False)
                )
                sections += 1
                position = 0
            authors = [
                dict(zip(("family", "given"), a.split(", ", 1), strict=False))
                for a in author.split("; ")
                if a
            ]
            year = _YEAR.search(date)
            citation = (
                now, now, list_id, section_id, position, "CR" if kind in _ARTICLES else "BK",
                kind, status, title, json.dumps(authors), "[]", journal, "", publisher, place,
                date, int(year.group()) if year else None, edition, volume, issue, pages, "",
                "", isbn, issn, doi, "", "", "", "", "[]", "", old_id, note, "", "", "",
            )  # fmt: skip
            tables["citations_citation"].append(citation)
            position += 1
        return (
            time.perf_counter()
            - start
            + timed_inserts(conn, [(t, _LIST_TABLES[t], tables[t]) for t in _LIST_TABLES])
        )


_VISIBILITY = {"OPEN_TO_WORLD": "OPEN_TO_WORLD", "FULL": "INSTITUTION", "RESTRICTED": "COURSE"}
_LIST_TABLES = {
    "lists_readinglist": (
        "id", "created_at", "updated_at", "institution_id", "code", "name", "description",
        "subject", "status", "publication_status", "visibility", "syllabus", "version",
        "is_template",
    ),
    "lists_listcourse": ("reading_list_id", "course_id"),
    "lists_listmember": ("created_at", "updated_at", "reading_list_id", "user_id", "role"),
    "lists_section": (
        "id", "created_at", "updated_at", "reading_list_id", "name", "description", "position",
        "locked",
    ),
    "citations_citation": CITATION_COLUMNS,
}  # fmt: skip
