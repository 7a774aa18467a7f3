"""Check a course file against the database, then apply it in one transaction.

A load reads the file, streamed, once or twice:

1. with the date format "auto", only its date cells, to decide how dates are written;
2. the check: every row is read, validated and checked against the database
   in batches, and what applying would do is counted; nothing is written. The
   typed rows go to a spool on disk, batch by batch;
3. the apply, only when the check allows it and found something to change:
   the spooled rows (never validated twice) are planned again against the
   database and written in bulk as plain tuples inside one transaction, so
   the database ends with the whole file applied or exactly as it was, even
   if the process is killed.

Both passes run the same planning code, so a dry run counts exactly what an
apply does. A line an earlier load applied, for a course still exactly as it
describes it, is recognised by its digest and not read again (see
``course_digests``): loading the same file again costs a fraction of the first
load. A query per batch fetches what the rows refer to; no query is
made per row. Rows are applied in three phases: creates and updates, then
rollovers (a course created by the file can be rolled over from, and an old
course deleted by the same file is copied first), then deletes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.utils import timezone

from readings.courses.models import Course, CourseCampus, SearchableId
from readings.institutions.models import Institution
from readings.institutions.selectors import institution_setting
from readings.loaders import values
from readings.loaders.course_digests import CourseDigests, CourseState, settled_list_name
from readings.loaders.course_phases import (
    PassState,
    Rollover,
    create_named_lists,
    roll_over,
)
from readings.loaders.course_profile import CourseProfile
from readings.loaders.course_rows import (
    DELETE,
    ROLLOVER,
    UPSERT,
    CourseFile,
    CourseRow,
    Key,
    describe_key,
    sniff_date_format,
)
from readings.loaders.inserts import TableInsert
from readings.loaders.models import Load, LoadedCourse
from readings.loaders.parsing import Row
from readings.loaders.problems import Problem, Report, cell_problem
from readings.loaders.references import References, code_problem
from readings.loaders.runs import (
    HashingStream,
    LoadOptions,
    Progress,
    StrictReport,
    apply_transaction,
    pause_for_tests,
)
from readings.loaders.selectors import chunked, courses_by_key, related_values
from readings.loaders.spool import Spool

BATCH = 1000
# Course fields an update may change, as named in the institution setting
# course_update_fields; the plain ones map to the column they are stored in.
SIMPLE_FIELDS = {
    "title": "title",
    "academic_department": "academic_department_id",
    "processing_department": "processing_department_id",
    "start_date": "start_date",
    "end_date": "end_date",
    "year": "year",
    "participants": "participants",
    "weekly_hours": "weekly_hours",
    "submit_lists_by": "submit_lists_by",
}
RELATED_FIELDS = ("terms", "instructors", "searchable_ids", "campuses")
UPDATABLE = (*SIMPLE_FIELDS, *RELATED_FIELDS)
_EXTENDED_ONLY = {"submit_lists_by", "campuses"}  # columns 32-34, absent from legacy files
_KEEP = object()
_COURSE_COLUMNS = (
    "institution_id", "code", "section", "title", "academic_department_id",
    "processing_department_id", "start_date", "end_date", "year", "participants",
    "weekly_hours", "submit_lists_by",
)  # fmt: skip


class CourseLoader:
    def __init__(
        self,
        *,
        institution: Institution,
        path: Path,
        options: LoadOptions,
        report: Report,
        progress: Progress | None = None,
    ) -> None:
        self.institution = institution
        self.path = path
        self.options = options
        self.report = report
        self.progress = progress
        self.update_fields = tuple(institution_setting(institution, "course_update_fields"))
        self.list_status = institution_setting(institution, "rollover_list_status")
        self.create_departments = options.create_departments or bool(
            institution_setting(institution, "create_unknown_departments")
        )
        self.create_instructors = bool(
            institution_setting(institution, "create_unknown_instructors")
        )
        self.size = path.stat().st_size
        self.sha256 = ""
        self.date_format = values.ISO
        self.applied = False
        self._table_inserts: dict[str, TableInsert] | None = None
        self.spool = Spool()
        # (line, key, READING_LIST_NAME) of the rows known unchanged unread (course_digests).
        self.settled: list[tuple[int, Key, str]] = []
        # (course id, digest) of the existing courses the check read rows for in full.
        self.unremembered: list[tuple[int, str]] = []

    # The load ----------------------------------------------------------------

    def check(self) -> None:
        """Read and check every row; count what applying would do."""
        self.date_format = self._decide_date_format()
        checked = self._run_pass(write=False, report=self.report)
        self.report.counts = checked

    @property
    def may_apply(self) -> bool:
        if self.options.dry_run or self.report.fatal:
            return False
        return self.options.apply_valid or not self.report.has_errors

    def apply(self) -> None:
        """Write the rows that passed the check, all in one transaction."""
        if self._changes_nothing():
            # The check already planned every row against the database: a file
            # that changes nothing (loaded again, say) is done, once the lines
            # read in full are remembered for the next time.
            if self.unremembered:
                with apply_transaction():
                    self._remember([], self.unremembered)
            self.applied = True
            return
        with apply_transaction():
            counts = self._run_pass(write=True, report=StrictReport(kind="courses"))
        self.report.counts = counts
        self.applied = True

    def close(self) -> None:
        self.spool.close()

    def _changes_nothing(self) -> bool:
        counts, state = self.report.counts, self.checked_state
        changes = ("created", "updated", "deleted", "rolled_over", "lists_created", "lists_copied")
        return not any(counts[name] for name in changes) and not (
            state.new_academic or state.new_terms or state.new_users
        )

    def _decide_date_format(self) -> str:
        chosen = self.options.date_format or institution_setting(
            self.institution, "course_date_format"
        )
        if chosen != values.AUTO:
            self.report.profile["date_format"] = chosen
            return chosen
        detected = self._detected_before()
        if detected is None:
            with self.path.open("rb") as stream:
                chosen, warning = sniff_date_format(stream)
        else:
            chosen, warning = detected
        self.report.profile["date_format"] = f"{chosen} (detected)"
        if warning:
            self.report.warning(Problem(0, "", "", warning))
        return chosen

    def _detected_before(self) -> tuple[str, str | None] | None:
        """What the date cells told a load of the same file, which they would tell again.

        Its report says so: the format in its profile, the warning (if the
        dates were ambiguous) first among its warnings, the only one of line 0.
        """
        previous = self.report.profile.get("previous_load")
        if previous is None:
            return None
        found = (
            Load.objects.filter(pk=previous)
            .values_list("report__profile__date_format", "report__warnings__0")
            .first()
        )
        if found is None or not isinstance(found[0], str):
            return None
        said, first_warning = found
        chosen = said.removesuffix(" (detected)")
        if chosen == said or chosen not in values.DATE_FORMATS:
            return None  # the format was given, not detected
        warning = None
        if isinstance(first_warning, dict) and first_warning.get("line") == 0:
            warning = first_warning.get("message")
        return chosen, warning

    # One pass over the rows ------------------------------------------------------

    def _run_pass(self, *, write: bool, report: Report) -> Counter:
        state = PassState(write=write, report=report, refs=References(self.institution))
        if write:
            total = self.spool.batches
            invalid = self.report.invalid_lines
            for done, spooled in enumerate(self.spool, start=1):
                batch = [CourseRow(*r) for r in spooled if r[0] not in invalid]
                self._create_missing(batch, state)
                self._write(self._plan(batch, state), state)
                pause_for_tests()
                if self.progress:
                    self.progress("applying", self.size * done // total, self.size)
            total_rows = self.total_rows
        else:
            total_rows = self._check_file(state)
        state.counts["unchanged"] += len(self.settled)
        state.valid_keys.update(key for _, key, _ in self.settled)
        state.list_names += [(line, key, name) for line, key, name in self.settled if name]
        roll_over(state, institution_id=self.institution.pk, list_status=self.list_status)
        create_named_lists(state, institution_id=self.institution.pk)
        if write:
            for ids in chunked(state.deletes):
                Course.objects.filter(pk__in=ids).delete()
        counts = state.counts
        counts["rows"] = total_rows
        done = sum(counts[k] for k in ("created", "updated", "unchanged", "deleted", "rolled_over"))
        counts["skipped"] = total_rows - done
        if not write:
            self.checked_state = state
            profile, rows = self._profile
            self.report.profile.update(profile.as_dict(rows.first_line, state, rows))
        return counts

    def _check_file(self, state: PassState) -> int:
        """Read, validate and plan every row, spooling the typed rows; the number of rows."""
        profile = CourseProfile()
        self.digests = CourseDigests(
            institution_id=self.institution.pk,
            date_format=self.date_format,
            update_fields=self.update_fields,
        )
        states: dict[int, CourseState] = {}

        def set_aside() -> None:
            extended = rows.extended
            for key, raw_row in rows.settled_rows:
                profile.add_settled(states.pop(raw_row.line), extended=extended)
                name = settled_list_name(raw_row, extended=extended)
                self.settled.append((raw_row.line, key, name))
            rows.settled_rows.clear()

        def settled(batch: list[Row]) -> dict[int, CourseState]:
            # The rows of a file loaded again are almost all set aside, and
            # never reach the loop below: let go of the last batch's first.
            set_aside()
            states.clear()
            found = self.digests.settled(batch, extended=rows.extended)
            states.update(found)
            return found

        with self.path.open("rb") as raw:
            stream = HashingStream(raw)
            rows = CourseFile(
                stream, report=state.report, date_format=self.date_format, settled=settled
            )
            for batch in chunked(rows, BATCH):
                set_aside()
                # As tuples: pickling a dataclass per row costs several times more.
                self.spool.write([_spooled(row) for row in batch])
                for row in batch:
                    profile.add(row)
                kept = self._plan(batch, state).kept
                self.unremembered += [(i, self.digests.digest_of_row(r)) for i, r in kept]
                if self.progress:
                    self.progress("checking", stream.bytes_read, self.size)
            set_aside()
            self.sha256 = stream.hexdigest()
        self.total_rows = rows.rows
        # The profile also counts rollovers and named lists, known after the whole file.
        self._profile = (profile, rows)
        return rows.rows

    # Planning: what each row does, checked against the database --------------

    def _plan(self, batch: list[CourseRow], state: PassState) -> _Plan:
        keys = {r.key for r in batch} | {r.old_key for r in batch if r.operation == ROLLOVER}
        read = ["rolled_from_id", "start_date", "end_date"]
        read += [SIMPLE_FIELDS[f] for f in self.update_fields if f in SIMPLE_FIELDS]
        existing = courses_by_key(
            institution_id=self.institution.pk, keys=keys, fields=list(dict.fromkeys(read))
        )
        state.refs.find_users(p for r in batch if r.operation != DELETE for p in r.instructors)
        current_related = self._current_related(
            [existing[r.key]["id"] for r in batch if r.key in existing and r.operation != DELETE]
        )
        plan = _Plan()
        for row in batch:
            current = existing.get(row.key)
            if row.operation == DELETE:
                if current is None:
                    state.report.error(
                        _key_problem(row, "does not exist, so it cannot be deleted.")
                    )
                else:
                    state.deletes.append(current["id"])
                    state.counts["deleted"] += 1
                continue
            references_ok = self._check_references(row, state)
            if not self._check_row(row, current, state) or not references_ok:
                continue
            if current is None:
                plan.creates.append(row)
                outcome = "created"
            else:
                simple, related = self._changes(row, current, current_related, state)
                if simple or related:
                    plan.updates.append((current["id"], simple, related))
                if row.operation == UPSERT:
                    plan.kept.append((current["id"], row))
                outcome = "updated" if simple or related else "unchanged"
            if row.operation == ROLLOVER:
                pending = row.old_key not in existing
                state.rollovers.append(Rollover(row.line, row.key, row.old_key, outcome, pending))
            else:
                state.counts[outcome] += 1
                state.valid_keys.add(row.key)
            if row.reading_list_name:
                state.list_names.append((row.line, row.key, row.reading_list_name))
        return plan

    def _check_row(self, row: CourseRow, current: dict[str, Any] | None, state: PassState) -> bool:
        if current is None:
            if not row.title:
                state.report.error(
                    Problem(
                        row.line,
                        "COURSE_TITLE",
                        "",
                        f"COURSE_TITLE is empty; {describe_key(row.key)} is a new course and "
                        "needs a title.",
                    )
                )
                return False
            return True
        # An update that changes only one of the dates must still end after it starts.
        start, end = current["start_date"], current["end_date"]
        if "start_date" in self.update_fields:
            start = row.start_date
        if "end_date" in self.update_fields:
            end = row.end_date
        if start and end and end < start:
            state.report.error(
                Problem(
                    row.line,
                    "END_DATE",
                    str(end),
                    f"the course would end ({end}) before it starts ({start}) once updated; "
                    "the institution's update settings keep one of the dates as it is.",
                )
            )
            return False
        return True

    def _check_references(self, row: CourseRow, state: PassState) -> bool:
        refs, report, ok = state.refs, state.report, True
        if row.processing_department not in refs.processing:
            known = ", ".join(sorted(refs.processing)[:10]) or "none yet"
            report.error(
                cell_problem(
                    row.line,
                    "PROC_DEPT",
                    row.processing_department,
                    f"is not a processing department of {self.institution.name} "
                    f"(known: {known}); add it first.",
                )
            )
            ok = False
        code = row.academic_department
        if code and code not in refs.academic:
            problem = code_problem(code)
            if not self.create_departments:
                report.error(
                    cell_problem(
                        row.line,
                        "ACAD_DEPT",
                        code,
                        f"is not an academic department of {self.institution.name}; add it, "
                        "or load with --create-departments (or turn on the institution "
                        "setting create_unknown_departments).",
                    )
                )
                ok = False
            elif problem:
                report.error(
                    cell_problem(
                        row.line, "ACAD_DEPT", code, f"cannot be a department code: {problem}"
                    )
                )
                ok = False
            elif code not in state.new_academic:
                state.new_academic.add(code)
                report.warning(
                    cell_problem(
                        row.line,
                        "ACAD_DEPT",
                        code,
                        "is a new academic department; it will be created, named after its code.",
                    )
                )
        for term, column in zip(row.terms, row.term_columns, strict=True):
            if term in refs.terms or term in state.new_terms:
                continue
            problem = code_problem(term)
            if problem:
                report.error(
                    cell_problem(row.line, column, term, f"cannot be a term code: {problem}")
                )
                ok = False
                continue
            state.new_terms.add(term)
            report.warning(
                cell_problem(
                    row.line,
                    column,
                    term,
                    "is a new term; it will be created, named after its code.",
                )
            )
        for pid, column in zip(row.instructors, row.instructor_columns, strict=True):
            if pid in refs.users:
                continue
            if not self.create_instructors:
                report.error(
                    cell_problem(
                        row.line,
                        column,
                        pid,
                        "is no user's primary id, and the institution does not create "
                        "instructors from course files; add the user first.",
                    )
                )
                ok = False
            elif pid not in state.new_users:
                state.new_users[pid] = row.line
                report.warning(
                    cell_problem(
                        row.line,
                        column,
                        pid,
                        "is no user's primary id yet; an instructor account will be created "
                        "for it (signing in through the campus login).",
                    )
                )
        return ok

    def _changes(
        self,
        row: CourseRow,
        current: dict[str, Any],
        current_related: dict[str, dict[int, set[Any]]],
        state: PassState,
    ) -> tuple[dict[str, Any], dict[str, set[Any]]]:
        simple: dict[str, Any] = {}
        related: dict[str, set[Any]] = {}
        for name in self.update_fields:
            if name in _EXTENDED_ONLY and not row.extended:
                continue
            if name in SIMPLE_FIELDS:
                wanted = self._wanted_value(name, row, state.refs)
                if wanted is not _KEEP and wanted != current[SIMPLE_FIELDS[name]]:
                    simple[SIMPLE_FIELDS[name]] = wanted
            else:
                wanted_set = self._wanted_related(name, row, state.refs)
                if wanted_set != current_related[name].get(current["id"], set()):
                    related[name] = wanted_set
        return simple, related

    def _wanted_value(self, name: str, row: CourseRow, refs: References) -> Any:
        if name == "title":
            return row.title or _KEEP
        if name == "academic_department":
            code = row.academic_department
            return refs.academic.get(code, ("new", code)) if code else None
        if name == "processing_department":
            return refs.processing[row.processing_department]
        return getattr(row, name)

    def _wanted_related(self, name: str, row: CourseRow, refs: References) -> set[Any]:
        if name == "terms":
            return {refs.terms.get(t, ("new", t)) for t in row.terms}
        if name == "instructors":
            return {refs.users.get(p, ("new", p)) for p in row.instructors}
        if name == "searchable_ids":
            return set(row.searchable_ids)
        return set(row.campuses)

    def _current_related(self, course_ids: list[int]) -> dict[str, dict[int, set[Any]]]:
        wanted = set(self.update_fields)
        sources = {
            "terms": (Course.terms.through, ["term_id"]),
            "instructors": (Course.instructors.through, ["user_id"]),
            "searchable_ids": (SearchableId, ["value"]),
            "campuses": (CourseCampus, ["campus", "participants"]),
        }
        return {
            name: related_values(model, "course_id", others, course_ids) if name in wanted else {}
            for name, (model, others) in sources.items()
        }

    # Writing ---------------------------------------------------------------------

    def _create_missing(self, batch: list[CourseRow], state: PassState) -> None:
        rows = [r for r in batch if r.operation != DELETE]
        refs = state.refs
        if self.create_departments:
            refs.create_academic_departments(r.academic_department for r in rows)
        refs.create_terms(t for r in rows for t in r.terms)
        if self.create_instructors:
            refs.create_users([p for r in rows for p in r.instructors])

    def _write(self, plan: _Plan, state: PassState) -> None:
        refs = state.refs
        inserts = self._inserts()
        new_ids = inserts["courses"].insert_returning_ids(
            [
                (
                    self.institution.pk,
                    row.code,
                    row.section,
                    row.title,
                    refs.academic.get(row.academic_department),
                    refs.processing[row.processing_department],
                    row.start_date,
                    row.end_date,
                    row.year,
                    row.participants,
                    row.weekly_hours,
                    row.submit_lists_by,
                )
                for row in plan.creates
            ]
        )
        related: dict[str, dict[int, set[Any]]] = {name: {} for name in RELATED_FIELDS}
        for course_id, row in zip(new_ids, plan.creates, strict=True):
            for name in RELATED_FIELDS:
                related[name][course_id] = self._wanted_related(name, row, refs)
        self._write_related(related, replace=False)

        now = timezone.now()
        groups: dict[tuple[str, ...], list[Course]] = {}
        changed_related: dict[str, dict[int, set[Any]]] = {name: {} for name in RELATED_FIELDS}
        for course_id, simple, related_changes in plan.updates:
            if simple:
                course = Course(pk=course_id, updated_at=now, **simple)
                groups.setdefault(tuple(sorted(simple)), []).append(course)
            for name, wanted in related_changes.items():
                changed_related[name][course_id] = wanted
        for names, group in groups.items():
            Course.objects.bulk_update(group, [*names, "updated_at"], batch_size=BATCH)
        self._write_related(changed_related, replace=True)
        digest = self.digests.digest_of_row
        self._remember(
            [
                (course_id, digest(row))
                for course_id, row in zip(new_ids, plan.creates, strict=True)
                if row.operation == UPSERT
            ],
            [(course_id, digest(row)) for course_id, row in plan.kept],
        )

    def _remember(self, created: list[tuple[int, str]], existing: list[tuple[int, str]]) -> None:
        """Keep (course id, digest) of upserted courses: the same line can go unread next time."""
        for ids in chunked([course_id for course_id, _ in existing]):
            LoadedCourse.objects.filter(course_id__in=ids).delete()
        self._inserts()["digests"].insert(created + existing)

    def _inserts(self) -> dict[str, TableInsert]:
        """The insert of each table a course load writes, made once per apply."""
        if self._table_inserts is None:
            self._table_inserts = {
                "courses": TableInsert(Course, _COURSE_COLUMNS),
                "terms": TableInsert(Course.terms.through, ["course_id", "term_id"]),
                "instructors": TableInsert(Course.instructors.through, ["course_id", "user_id"]),
                "searchable_ids": TableInsert(
                    SearchableId, ["institution_id", "course_id", "value"]
                ),
                "campuses": TableInsert(CourseCampus, ["course_id", "campus", "participants"]),
                "digests": TableInsert(LoadedCourse, ["course_id", "digest"]),
            }
        return self._table_inserts

    def _write_related(self, related: dict[str, dict[int, set[Any]]], *, replace: bool) -> None:
        institution_id = self.institution.pk
        models = {
            "terms": Course.terms.through,
            "instructors": Course.instructors.through,
            "searchable_ids": SearchableId,
            "campuses": CourseCampus,
        }
        for name, wanted in related.items():
            if not wanted:
                continue
            if replace:
                for ids in chunked(wanted):
                    models[name].objects.filter(course_id__in=ids).delete()
            if name == "searchable_ids":
                rows = [(institution_id, c, v) for c, vs in wanted.items() for v in sorted(vs)]
            elif name == "campuses":
                rows = [(c, *v) for c, vs in wanted.items() for v in sorted(vs, key=str)]
            else:
                rows = [(c, v) for c, vs in wanted.items() for v in sorted(vs)]
            self._inserts()[name].insert(rows)

    # Rollovers and named lists -------------------------------------------------------


_spooled = attrgetter(*(f.name for f in fields(CourseRow)))


@dataclass
class _Plan:
    creates: list[CourseRow] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], dict[str, set[Any]]]] = field(default_factory=list)
    # (course id, row) of existing courses a plain row updates or leaves unchanged.
    kept: list[tuple[int, CourseRow]] = field(default_factory=list)


def _key_problem(row: CourseRow, reason: str) -> Problem:
    return Problem(
        row.line,
        "COURSE_CODE",
        row.code,
        f"COURSE_CODE/SECTION_ID {describe_key(row.key)} {reason}",
    )
