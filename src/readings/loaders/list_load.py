"""Check a reading-list file against the database, then apply it in one transaction.

The same two passes as course files (see course_load): a check that counts
what applying would do, then an apply of the rows that passed, in bulk,
inside one transaction.

Loading is additive and idempotent. A list whose code is new is created with
its sections and citations. A list whose code exists with the same name is
the same list: its sections are matched by name, its citations by
citation_original_system_id or else by position in the section, and only
what is missing is added, so loading a file again changes nothing and
never overwrites what instructors edited since. A code that exists under
another name, or that an earlier list of the file already used, is a
collision: that list's rows are skipped and reported.

A list written whole by a load is remembered with a digest of its rows
(``LoadedList``). Loading the same rows again while the list is as that load
left it (same version) skips the list without cleaning its citations again,
which is most of the time a check takes; it counts as unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import F, Q

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.courses.models import SearchableId
from readings.institutions.models import Institution
from readings.lists.models import (
    ListCourse,
    ListMember,
    MemberRole,
    ReadingList,
    Section,
    Tag,
)
from readings.loaders import list_rows
from readings.loaders.inserts import TableInsert
from readings.loaders.list_rows import CITATION_FIELDS, ListFile, ListGroup, SectionGroup
from readings.loaders.models import LoadedList
from readings.loaders.problems import Problem, Report, cell_problem
from readings.loaders.runs import (
    HashingStream,
    LoadOptions,
    Progress,
    StrictReport,
    apply_transaction,
    pause_for_tests,
)
from readings.loaders.selectors import chunked, courses_by_key
from readings.loaders.spool import Spool
from readings.loaders.values import AUTO

BATCH_ROWS = 2000
_LIST_COLUMNS = (
    "institution_id", "code", "name", "description", "subject", "status",
    "publication_status", "visibility",
)  # fmt: skip
_SECTION_COLUMNS = (
    "reading_list_id", "name", "description", "position", "start_date", "end_date"
)  # fmt: skip


@dataclass
class _Existing:
    """A list of the database that a group of the file is merged into."""

    id: int
    sections: list[dict[str, Any]]  # id, name, position, citations (count), in position order
    original_ids: set[str]
    course_ids: set[int]
    member_ids: set[int]


@dataclass
class _SectionPlan:
    group: SectionGroup
    section_id: int | None  # None: a new section
    position: int
    citation_start: int  # where new citations go
    new_citations: list[list_rows.CitationRow] = field(default_factory=list)


@dataclass
class _ListPlan:
    group: ListGroup
    existing: _Existing | None
    course_id: int | None
    owner_ids: list[int]
    sections: list[_SectionPlan] = field(default_factory=list)


class ListLoader:
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
        self.size = path.stat().st_size
        self.sha256 = ""
        self.date_format = options.date_format or AUTO
        self.applied = False
        self.tags: dict[str, int] = {}
        for tag_id, code, name in Tag.objects.filter(institution=institution).values_list(
            "id", "code", "name"
        ):
            self.tags.setdefault(code, tag_id)
            self.tags.setdefault(name, tag_id)
        self.warned_owners: set[str] = set()
        # First lines of the lists the check skipped (collisions, unknown courses or tags).
        self.skipped_lists: set[int] = set()
        self.spool = Spool()
        self.total_rows = 0
        # Lists the check planned that the apply will remember the rows of (see LoadedList).
        self.to_remember = 0
        self._table_inserts: dict[str, TableInsert] | None = None

    def check(self) -> None:
        if self.date_format == AUTO:
            with self.path.open("rb") as stream:
                self.date_format, warning = list_rows.sniff_date_format(stream)
            if warning:
                self.report.warning(Problem(0, "", "", warning))
        self.report.profile["date_format"] = self.date_format
        self.report.counts = self._run_pass(write=False, report=self.report)

    @property
    def may_apply(self) -> bool:
        if self.options.dry_run or self.report.fatal:
            return False
        return self.options.apply_valid or not self.report.has_errors

    def apply(self) -> None:
        changes = ("created", "updated", "sections_created", "citations_created")
        if not any(self.report.counts[name] for name in changes) and not self.to_remember:
            # The check planned every list against the database: a file that adds
            # nothing (loaded again, say) is done.
            self.applied = True
            return
        with apply_transaction():
            counts = self._run_pass(write=True, report=StrictReport(kind="lists"))
        self.report.counts = counts
        self.applied = True

    def close(self) -> None:
        self.spool.close()

    # One pass ---------------------------------------------------------------------------

    def _run_pass(self, *, write: bool, report: Report) -> Counter:
        counts: Counter = Counter(
            {"sections_created": 0, "citations_created": 0, "citations_unchanged": 0}
        )
        if write:
            skip = self.report.invalid_lines
            total = self.spool.batches
            for done, batch in enumerate(self.spool, start=1):
                for group in batch:
                    _drop_invalid(group, skip, self.skipped_lists)
                self._write(self._plan(batch, report, counts, lock=True))
                pause_for_tests()
                if self.progress:
                    self.progress("applying", self.size * done // total, self.size)
            counts["rows"] = self.total_rows
        else:
            counts["rows"] = self._check_file(report, counts)
        done = counts["citations_created"] + counts["citations_unchanged"] + counts["empty_rows"]
        counts["skipped"] = counts["rows"] - done
        del counts["empty_rows"]
        return counts

    def _check_file(self, report: Report, counts: Counter) -> int:
        """Read, validate and plan every list, spooling the groups; the number of rows."""
        with self.path.open("rb") as raw:
            stream = HashingStream(raw)
            groups = ListFile(stream, report=report, date_format=self.date_format)
            batch: list[ListGroup] = []
            size = 0
            for group in groups:
                batch.append(group)
                size += len(group.lines)
                if size >= BATCH_ROWS:
                    self._check_batch(batch, groups, report, counts, stream)
                    batch, size = [], 0
            self._check_batch(batch, groups, report, counts, stream)
            self.sha256 = stream.hexdigest()
        self.total_rows = groups.rows
        self.report.profile.update(
            {
                "delimiter": "comma" if groups.reader.delimiter == "," else "tab",
                "lists_in_file": len(groups.codes_seen),
                "columns_not_kept": sorted(groups.not_kept),
            }
        )
        return groups.rows

    def _check_batch(self, batch, groups, report, counts, stream) -> None:
        if not batch:
            return
        self._recognise(batch)
        for group in batch:
            if not group.unchanged:
                groups.finish(group)
        self.spool.write(batch)
        plans = self._plan(batch, report, counts, lock=False)
        self.to_remember += sum(1 for plan in plans if self._rememberable(plan, report))
        if self.progress:
            self.progress("checking", stream.bytes_read, self.size)

    # Planning -------------------------------------------------------------------------------

    def _plan(
        self, batch: list[ListGroup], report: Report, counts: Counter, *, lock: bool
    ) -> list[_ListPlan]:
        for group in batch:
            if group.unchanged:
                counts["unchanged"] += 1
                counts["citations_unchanged"] += len(group.lines) - group.empty_rows
                counts["empty_rows"] += group.empty_rows
        groups = [g for g in batch if g.ok and not g.unchanged]
        existing_lists = self._existing_lists({g.code for g in groups}, lock=lock)
        courses = self._courses(groups)
        owners = self._owners({o for g in groups for o in g.owners})
        plans = []
        for group in groups:
            existing = existing_lists.get(group.code)
            if existing is not None and existing[0] != group.name:
                self._skip(
                    group,
                    report,
                    cell_problem(
                        group.line,
                        "reading_list_code",
                        group.code,
                        f"already belongs to the list '{existing[0]}'; a list code names one "
                        f"list, so the rows of this list ({_lines(group)}) are skipped.",
                    ),
                )
                continue
            course_id = self._course_for(group, courses, report)
            if course_id is False or not self._tags_known(group, report):
                continue
            for owner in group.owners:
                if owner not in owners and owner not in self.warned_owners:
                    self.warned_owners.add(owner)
                    report.warning(
                        cell_problem(
                            group.line,
                            "owner_user_name",
                            owner,
                            "matches no user (by primary id or user name); the list is loaded "
                            "without this owner.",
                        )
                    )
            plan = _ListPlan(
                group=group,
                existing=existing[1] if existing else None,
                course_id=course_id or None,
                owner_ids=[owners[o] for o in group.owners if o in owners],
            )
            self._plan_sections(plan, counts)
            plans.append(plan)
        return plans

    def _plan_sections(self, plan: _ListPlan, counts: Counter) -> None:
        existing = plan.existing
        available = list(existing.sections) if existing else []
        next_position = len(available)
        changed = existing is None
        for section in plan.group.sections:
            match = next((s for s in available if s["name"] == section.name), None)
            if match is not None:
                available.remove(match)
                section_plan = _SectionPlan(section, match["id"], match["position"], match["count"])
            else:
                section_plan = _SectionPlan(section, None, next_position, 0)
                next_position += 1
                counts["sections_created"] += 1
                changed = True
            for index, citation in enumerate(section.citations):
                original = citation.fields.get("original_system_id")
                if existing is not None and original and original in existing.original_ids:
                    present = True
                else:
                    present = not original and index < section_plan.citation_start
                if present:
                    counts["citations_unchanged"] += 1
                else:
                    section_plan.new_citations.append(citation)
                    counts["citations_created"] += 1
                    changed = True
            plan.sections.append(section_plan)
        counts["empty_rows"] += plan.group.empty_rows
        if existing is not None:
            new_links = plan.course_id and plan.course_id not in existing.course_ids
            new_owners = set(plan.owner_ids) - existing.member_ids
            changed = changed or bool(new_links) or bool(new_owners)
        counts["created" if existing is None else "updated" if changed else "unchanged"] += 1

    def _course_for(self, group: ListGroup, courses: dict, report: Report) -> int | bool | None:
        """The course to link (None: no course named); False after reporting a problem."""
        code, section = group.course_key
        if not code and not group.searchable_ids:
            return None
        if code and (code, section) in courses["by_key"]:
            return courses["by_key"][(code, section)]
        for value in group.searchable_ids:
            found = courses["by_id"].get(value, set())
            if len(found) == 1:
                return next(iter(found))
        where = f"{code} section {section}" if section else code
        ids = ", ".join(group.searchable_ids)
        self._skip(
            group,
            report,
            Problem(
                group.line,
                "coursecode",
                code,
                f"coursecode/section_id {where or '(empty)'}"
                + (f" and searchable ids {ids}" if ids else "")
                + " match no course; load the courses first. The rows of this list "
                f"({_lines(group)}) are skipped.",
            ),
        )
        return False

    def _tags_known(self, group: ListGroup, report: Report) -> bool:
        ok = True
        known = ", ".join(sorted(t for t in self.tags if t.isupper())[:12])
        for section in group.sections:
            for tag in section.tags:
                if tag not in self.tags:
                    ok = False
                    report.error(
                        cell_problem(
                            section.line,
                            "section_tags",
                            tag,
                            f"is not a tag here (known: {known}).",
                        )
                    )
            for citation in list(section.citations):
                unknown = [t for t in citation.tags if t not in self.tags]
                for tag in unknown:
                    report.error(
                        cell_problem(
                            citation.line,
                            "citation_tags",
                            tag,
                            f"is not a tag here (known: {known}).",
                        )
                    )
                if unknown:
                    section.citations.remove(citation)
        if not ok:
            report.invalid_lines.update(group.lines)
            self.skipped_lists.add(group.line)
        return ok

    def _skip(self, group: ListGroup, report: Report, problem: Problem) -> None:
        report.error(problem)
        report.invalid_lines.update(group.lines)
        self.skipped_lists.add(group.line)

    # Lookups ----------------------------------------------------------------------------------

    def _existing_lists(self, codes: set[str], *, lock: bool) -> dict[str, tuple[str, _Existing]]:
        found: dict[str, tuple[str, _Existing]] = {}
        for chunk in chunked(sorted(codes)):
            lists = ReadingList.objects.filter(institution=self.institution, code__in=chunk)
            if lock:
                # As lists.services does for an edit: nobody changes these lists meanwhile.
                lists = lists.select_for_update().order_by("pk")
            for list_id, code, name in lists.values_list("id", "code", "name"):
                found[code] = (name, _Existing(list_id, [], set(), set(), set()))
        by_id = {e.id: e for _, e in found.values()}
        if not by_id:
            return found
        for chunk in chunked(by_id):
            sections = (
                Section.objects.filter(reading_list_id__in=chunk)
                .order_by("reading_list_id", "position")
                .values("id", "reading_list_id", "name", "position")
            )
            counts = Counter(
                Citation.objects.filter(reading_list_id__in=chunk).values_list(
                    "section_id", flat=True
                )
            )
            for section in sections:
                section["count"] = counts.get(section["id"], 0)
                by_id[section["reading_list_id"]].sections.append(section)
            for list_id, original in (
                Citation.objects.filter(reading_list_id__in=chunk)
                .exclude(original_system_id="")
                .values_list("reading_list_id", "original_system_id")
            ):
                by_id[list_id].original_ids.add(original)
            for list_id, course_id in ListCourse.objects.filter(
                reading_list_id__in=chunk
            ).values_list("reading_list_id", "course_id"):
                by_id[list_id].course_ids.add(course_id)
            for list_id, user_id in ListMember.objects.filter(
                reading_list_id__in=chunk
            ).values_list("reading_list_id", "user_id"):
                by_id[list_id].member_ids.add(user_id)
        return found

    def _courses(self, groups: list[ListGroup]) -> dict[str, dict]:
        keys = {g.course_key for g in groups if g.course_key[0]}
        by_key = {
            key: row["id"]
            for key, row in courses_by_key(institution_id=self.institution.pk, keys=keys).items()
        }
        wanted = {v for g in groups if g.course_key not in by_key for v in g.searchable_ids}
        by_id: dict[str, set[int]] = {}
        for chunk in chunked(sorted(wanted)):
            for value, course_id in SearchableId.objects.filter(
                institution=self.institution, value__in=chunk
            ).values_list("value", "course_id"):
                by_id.setdefault(value, set()).add(course_id)
        return {"by_key": by_key, "by_id": by_id}

    def _owners(self, names: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunked(sorted(names)):
            users = User.objects.filter(institution=self.institution).filter(
                Q(primary_id__in=chunk) | Q(username__in=chunk)
            )
            for user_id, primary_id, username in users.values_list("id", "primary_id", "username"):
                for name in (primary_id, username):
                    if name in chunk:
                        found.setdefault(name, user_id)
        return found

    # Writing ---------------------------------------------------------------------------------

    def _write(self, plans: list[_ListPlan]) -> None:
        inserts = self._inserts()
        new_plans = [plan for plan in plans if plan.existing is None]
        new_ids = inserts["lists"].insert_returning_ids(
            [
                (
                    self.institution.pk,
                    plan.group.code,
                    plan.group.name,
                    plan.group.description,
                    plan.group.subject,
                    plan.group.status,
                    plan.group.publication_status,
                    plan.group.visibility,
                )
                for plan in new_plans
            ]
        )
        list_ids = {id(plan): list_id for plan, list_id in zip(new_plans, new_ids, strict=True)}
        links, members, touched = [], [], set()
        for plan in plans:
            list_id = list_ids.get(id(plan)) or plan.existing.id
            known_courses = plan.existing.course_ids if plan.existing else set()
            known_members = plan.existing.member_ids if plan.existing else set()
            if plan.course_id and plan.course_id not in known_courses:
                links.append((list_id, plan.course_id))
                touched.add(list_id)
            for user_id in dict.fromkeys(plan.owner_ids):
                if user_id not in known_members:
                    members.append((list_id, user_id, MemberRole.OWNER))
                    touched.add(list_id)
            list_ids[id(plan)] = list_id
        inserts["links"].insert(links)
        inserts["members"].insert(members)

        new_sections = [
            (plan, section_plan)
            for plan in plans
            for section_plan in plan.sections
            if section_plan.section_id is None
        ]
        section_ids = inserts["sections"].insert_returning_ids(
            [
                (
                    list_ids[id(plan)],
                    section_plan.group.name,
                    section_plan.group.description,
                    section_plan.position,
                    section_plan.group.start_date,
                    section_plan.group.end_date,
                )
                for plan, section_plan in new_sections
            ]
        )
        for (_, section_plan), section_id in zip(new_sections, section_ids, strict=True):
            section_plan.section_id = section_id
        inserts["section_tags"].insert(
            (section_plan.section_id, self.tags[tag])
            for _, section_plan in new_sections
            for tag in section_plan.group.tags
        )
        self._write_citations(plans, list_ids, touched)
        # Edits made since someone opened an existing list must not pass unnoticed.
        for chunk in chunked(sorted(touched - set(new_ids))):
            ReadingList.objects.filter(pk__in=chunk).update(version=F("version") + 1)
        self._remember(plans, list_ids)

    def _write_citations(self, plans: list[_ListPlan], list_ids: dict, touched: set) -> None:
        plain, tagged = [], []
        for plan in plans:
            list_id = list_ids[id(plan)]
            for section_plan in plan.sections:
                for offset, row in enumerate(section_plan.new_citations):
                    values = (
                        list_id,
                        section_plan.section_id,
                        section_plan.citation_start + offset,
                        *(row.fields[name] for name in CITATION_FIELDS),
                    )
                    (tagged if row.tags else plain).append((values, row.tags))
                if section_plan.new_citations and plan.existing is not None:
                    touched.add(list_id)
        inserts = self._inserts()
        inserts["citations"].insert(values for values, _ in plain)
        # Only citations with tags need their new ids back.
        ids = inserts["citations"].insert_returning_ids([values for values, _ in tagged])
        inserts["citation_tags"].insert(
            (citation_id, self.tags[tag])
            for citation_id, (_, tags) in zip(ids, tagged, strict=True)
            for tag in tags
        )

    # Lists loaded before from the same rows -----------------------------------------------

    def _recognise(self, batch: list[ListGroup]) -> None:
        """Mark the lists the last load wrote from these very rows and nobody changed since."""
        wanted = {g.code: g for g in batch if g.ok}
        for chunk in chunked(sorted(wanted)):
            remembered = LoadedList.objects.filter(
                reading_list__institution=self.institution, reading_list__code__in=chunk
            ).values_list(
                "reading_list__code",
                "reading_list_id",
                "digest",
                "version",
                "reading_list__version",
                "empty_rows",
            )
            same = {}
            for code, list_id, digest, version, current_version, empty_rows in remembered:
                group = wanted[code]
                if digest == group.digest and version == current_version:
                    same[list_id] = (group, empty_rows)
            # A course deleted since takes its link along without touching the list.
            linked: dict[int, set[tuple[str, str]]] = {}
            for list_id, code, section in ListCourse.objects.filter(
                reading_list_id__in=list(same)
            ).values_list("reading_list_id", "course__code", "course__section"):
                linked.setdefault(list_id, set()).add((code, section))
            for list_id, (group, empty_rows) in same.items():
                if not _still_linked(group, linked.get(list_id, set())):
                    continue
                group.unchanged = True
                group.empty_rows = empty_rows
                group.sections = []
                group.pending = []

    def _rememberable(self, plan: _ListPlan, report: Report) -> bool:
        """Whether every row of the list went in as it is (then a re-load may skip it)."""
        group = plan.group
        if len(plan.owner_ids) != len(group.owners):
            return False  # an owner may exist by the next load
        return not any(line in report.invalid_lines for line in group.lines)

    def _remember(self, plans: list[_ListPlan], list_ids: dict[int, int]) -> None:
        chosen = {
            list_ids[id(plan)]: plan.group
            for plan in plans
            if self._rememberable(plan, self.report)
        }
        if not chosen:
            return
        versions = {}
        for chunk in chunked(sorted(chosen)):
            LoadedList.objects.filter(reading_list_id__in=chunk).delete()
            versions.update(ReadingList.objects.filter(pk__in=chunk).values_list("id", "version"))
        self._inserts()["remembered"].insert(
            (list_id, group.digest, versions[list_id], group.empty_rows)
            for list_id, group in chosen.items()
        )

    def _inserts(self) -> dict[str, TableInsert]:
        """The insert of each table a list load writes, made once per apply."""
        if self._table_inserts is None:
            self._table_inserts = {
                "lists": TableInsert(ReadingList, _LIST_COLUMNS),
                "links": TableInsert(ListCourse, ["reading_list_id", "course_id"]),
                "members": TableInsert(ListMember, ["reading_list_id", "user_id", "role"]),
                "sections": TableInsert(Section, _SECTION_COLUMNS),
                "section_tags": TableInsert(Section.tags.through, ["section_id", "tag_id"]),
                "citations": TableInsert(
                    Citation, ["reading_list_id", "section_id", "position", *CITATION_FIELDS]
                ),
                "citation_tags": TableInsert(Citation.tags.through, ["citation_id", "tag_id"]),
                "remembered": TableInsert(
                    LoadedList, ["reading_list_id", "digest", "version", "empty_rows"]
                ),
            }
        return self._table_inserts


def _drop_invalid(group: ListGroup, invalid: set[int], skipped_lists: set[int]) -> None:
    """While applying, leave out what the check found wrong."""
    if group.line in skipped_lists:
        group.ok = False
        return
    for section in group.sections:
        section.citations = [c for c in section.citations if c.line not in invalid]


def _still_linked(group: ListGroup, courses: set[tuple[str, str]]) -> bool:
    """Whether the list is still linked to the course its rows name (when they name one)."""
    if group.course_key[0]:
        return group.course_key in courses
    return bool(courses) or not group.searchable_ids


def _lines(group: ListGroup) -> str:
    if group.last_line == group.line:
        return f"line {group.line}"
    return f"lines {group.line}-{group.last_line}"
