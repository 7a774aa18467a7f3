"""The phases of a course load after creates and updates: rollovers and named lists.

Both run in the check (counting only) and in the apply (writing), from the
compact records phase 1 left in ``PassState``, so a file of 50,000 rollovers
never has to be held in memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from readings.courses.models import Course
from readings.lists.copying import ListCopy, lists_copy, new_list_code
from readings.lists.models import ListCourse, ListStatus, ReadingList, Section
from readings.loaders.course_rows import Key, describe_key
from readings.loaders.inserts import TableInsert
from readings.loaders.problems import Problem, Report
from readings.loaders.references import References
from readings.loaders.selectors import chunked, courses_by_key, related_values

BATCH = 1000


@dataclass(slots=True)
class Rollover:
    line: int
    key: Key
    old_key: Key
    outcome: str  # what phase 1 did to the new course: created, updated or unchanged
    pending: bool = False  # old course not in the database: must come from the file


@dataclass
class PassState:
    write: bool
    report: Report
    refs: References
    counts: Counter = field(default_factory=Counter)
    valid_keys: set[Key] = field(default_factory=set)
    rollovers: list[Rollover] = field(default_factory=list)
    list_names: list[tuple[int, Key, str]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    new_academic: set[str] = field(default_factory=set)
    new_terms: set[str] = field(default_factory=set)
    new_users: dict[str, int] = field(default_factory=dict)


def key_problem_at(line: int, old_key: Key) -> Problem:
    return Problem(
        line,
        "OLD_COURSE_CODE",
        old_key[0],
        f"OLD_COURSE_CODE/OLD_COURSE_SECTION {describe_key(old_key)} does not exist, so there "
        "is nothing to roll over from.",
    )


def roll_over(state: PassState, *, institution_id: int, list_status: str) -> None:
    """Phase 2: link each rolled-over course to its source and copy the lists not yet copied."""
    if not state.write:
        _resolve_pending(state)
    # While applying, every old course exists by now: those of the database,
    # and those the file created in the first phase.
    for chunk in chunked([r for r in state.rollovers if state.write or not r.pending]):
        keys = {r.key for r in chunk} | {r.old_key for r in chunk}
        found = courses_by_key(institution_id=institution_id, keys=keys, fields=["rolled_from_id"])
        old_ids = [found[r.old_key]["id"] for r in chunk if r.old_key in found]
        new_ids = [found[r.key]["id"] for r in chunk if r.key in found]
        lists_of = related_values(ListCourse, "course_id", ["reading_list_id"], old_ids)
        copied = set(
            ListCourse.objects.filter(
                course_id__in=new_ids, reading_list__rolled_from__isnull=False
            ).values_list("course_id", "reading_list__rolled_from_id")
        )
        copies, links = [], []
        for rollover in chunk:
            old, new = found.get(rollover.old_key), found.get(rollover.key)
            if state.write and (old is None or new is None):
                state.report.error(key_problem_at(rollover.line, rollover.old_key))
            sources = sorted(lists_of.get(old["id"], ())) if old else []
            todo = [s for s in sources if new is None or (new["id"], s) not in copied]
            outcome = rollover.outcome
            if new is not None and old is not None and new["rolled_from_id"] is None:
                links.append(Course(pk=new["id"], rolled_from_id=old["id"]))
                outcome = "updated" if outcome == "unchanged" else outcome
            state.counts["rolled_over" if outcome == "created" or todo else outcome] += 1
            state.counts["lists_copied"] += len(todo)
            state.valid_keys.add(rollover.key)
            if new is not None:
                copies += [
                    ListCopy(source_id=s, course_ids=[new["id"]], status=list_status) for s in todo
                ]
        if state.write:
            Course.objects.bulk_update(links, ["rolled_from"], batch_size=BATCH)
            lists_copy(copies=copies)


def _resolve_pending(state: PassState) -> None:
    """A rollover from a course the file itself creates is fine; report the rest."""
    available = set(state.valid_keys) | {r.key for r in state.rollovers if not r.pending}
    pending = [r for r in state.rollovers if r.pending]
    while True:
        resolved = [r for r in pending if r.old_key in available]
        if not resolved:
            break
        for rollover in resolved:
            rollover.pending = False
            available.add(rollover.key)
        pending = [r for r in pending if r.pending]
    for rollover in pending:
        state.report.error(key_problem_at(rollover.line, rollover.old_key))


def create_named_lists(state: PassState, *, institution_id: int) -> None:
    """Phase 3: give each course its READING_LIST_NAME list, unless it has one of that name."""
    wanted = [
        (line, key, name)
        for line, key, name in state.list_names
        if key in state.valid_keys and line not in state.report.invalid_lines
    ]
    for chunk in chunked(wanted):
        found = courses_by_key(institution_id=institution_id, keys={k for _, k, _ in chunk})
        ids = [c["id"] for c in found.values()]
        have = set(
            ListCourse.objects.filter(course_id__in=ids).values_list(
                "course_id", "reading_list__name"
            )
        )
        new_lists: list[tuple[int, tuple]] = []
        for _, key, name in chunk:
            course = found.get(key)
            if course is not None and (course["id"], name) in have:
                continue
            state.counts["lists_created"] += 1
            if state.write and course is not None:
                row = (institution_id, new_list_code(), name, ListStatus.BEING_PREPARED)
                new_lists.append((course["id"], row))
        if new_lists:
            list_ids = TableInsert(
                ReadingList, ["institution_id", "code", "name", "status"]
            ).insert_returning_ids([row for _, row in new_lists])
            course_ids = [course_id for course_id, _ in new_lists]
            TableInsert(ListCourse, ["reading_list_id", "course_id"]).insert(
                zip(list_ids, course_ids, strict=True)
            )
            # As lists.services.list_create: a new list starts with one section.
            TableInsert(Section, ["reading_list_id", "name", "position"]).insert(
                (list_id, "Readings", 0) for list_id in list_ids
            )
