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
from readings.loaders.list_rows import ListFile, ListGroup, SectionGroup
from readings.loaders.problems import Problem, Report, cell_problem
from readings.loaders.runs import (
    HashingStream,
    LoadOptions,
    Progress,
    StrictReport,
    apply_transaction,
    check_unchanged,
    pause_for_tests,
)
from readings.loaders.selectors import chunked, courses_by_key
from readings.loaders.values import AUTO

BATCH_ROWS = 2000
WRITE_BATCH = 1000


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
        with apply_transaction():
            counts = self._run_pass(write=True, report=StrictReport(kind="lists"))
        self.report.counts = counts
        self.applied = True

    # One pass ---------------------------------------------------------------------------

    def _run_pass(self, *, write: bool, report: Report) -> Counter:
        counts: Counter = Counter(
            {"sections_created": 0, "citations_created": 0, "citations_unchanged": 0}
        )
        skip = self.report.invalid_lines
        with self.path.open("rb") as raw:
            stream = HashingStream(raw)
            groups = ListFile(
                stream,
                report=report if not write else Report(kind="lists"),
                date_format=self.date_format,
            )
            batch: list[ListGroup] = []
            size = 0
            for group in groups:
                if write:
                    _drop_invalid(group, skip, self.skipped_lists)
                batch.append(group)
                size += len(group.lines)
                if size >= BATCH_ROWS:
                    self._batch(batch, report, counts, write, stream)
                    batch, size = [], 0
            self._batch(batch, report, counts, write, stream)
            if write:
                check_unchanged(stream, self.sha256)
            else:
                self.sha256 = stream.hexdigest()
            counts["rows"] = groups.rows
        if not write:
            self.report.profile.update(
                {
                    "delimiter": "comma" if groups.reader.delimiter == "," else "tab",
                    "lists_in_file": len(groups.codes_seen),
                    "columns_not_kept": sorted(groups.not_kept),
                }
            )
        done = counts["citations_created"] + counts["citations_unchanged"] + counts["empty_rows"]
        counts["skipped"] = counts["rows"] - done
        del counts["empty_rows"]
        return counts

    def _batch(self, batch, report, counts, write, stream) -> None:
        if not batch:
            return
        plans = self._plan(batch, report, counts, lock=write)
        if write:
            self._write(plans)
            pause_for_tests()
        if self.progress:
            self.progress("applying" if write else "checking", stream.bytes_read, self.size)

    # Planning -------------------------------------------------------------------------------

    def _plan(
        self, batch: list[ListGroup], report: Report, counts: Counter, *, lock: bool
    ) -> list[_ListPlan]:
        groups = [g for g in batch if g.ok]
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
        new_lists = [
            (
                plan,
                ReadingList(
                    institution_id=self.institution.pk,
                    code=plan.group.code,
                    name=plan.group.name,
                    description=plan.group.description,
                    subject=plan.group.subject,
                    status=plan.group.status,
                    publication_status=plan.group.publication_status,
                    visibility=plan.group.visibility,
                ),
            )
            for plan in plans
            if plan.existing is None
        ]
        ReadingList.objects.bulk_create([rl for _, rl in new_lists], batch_size=WRITE_BATCH)
        list_ids = {id(plan): rl.pk for plan, rl in new_lists}
        links, members, touched = [], [], set()
        for plan in plans:
            list_id = list_ids.get(id(plan)) or plan.existing.id
            known_courses = plan.existing.course_ids if plan.existing else set()
            known_members = plan.existing.member_ids if plan.existing else set()
            if plan.course_id and plan.course_id not in known_courses:
                links.append(ListCourse(reading_list_id=list_id, course_id=plan.course_id))
                touched.add(list_id)
            for user_id in dict.fromkeys(plan.owner_ids):
                if user_id not in known_members:
                    members.append(
                        ListMember(reading_list_id=list_id, user_id=user_id, role=MemberRole.OWNER)
                    )
                    touched.add(list_id)
            list_ids[id(plan)] = list_id
        ListCourse.objects.bulk_create(links, batch_size=WRITE_BATCH)
        ListMember.objects.bulk_create(members, batch_size=WRITE_BATCH)

        new_sections = []
        for plan in plans:
            for section_plan in plan.sections:
                if section_plan.section_id is None:
                    group = section_plan.group
                    section = Section(
                        reading_list_id=list_ids[id(plan)],
                        name=group.name,
                        description=group.description,
                        position=section_plan.position,
                        start_date=group.start_date,
                        end_date=group.end_date,
                    )
                    new_sections.append((section_plan, section))
        Section.objects.bulk_create([s for _, s in new_sections], batch_size=WRITE_BATCH)
        section_tags = Section.tags.through
        section_tags.objects.bulk_create(
            [
                section_tags(section_id=section.pk, tag_id=self.tags[tag])
                for section_plan, section in new_sections
                for tag in section_plan.group.tags
            ],
            batch_size=WRITE_BATCH,
        )
        for section_plan, section in new_sections:
            section_plan.section_id = section.pk

        citations = []
        for plan in plans:
            for section_plan in plan.sections:
                for offset, row in enumerate(section_plan.new_citations):
                    citations.append(
                        (
                            row,
                            Citation(
                                reading_list_id=list_ids[id(plan)],
                                section_id=section_plan.section_id,
                                position=section_plan.citation_start + offset,
                                **row.fields,
                            ),
                        )
                    )
                if section_plan.new_citations and plan.existing is not None:
                    touched.add(list_ids[id(plan)])
        for chunk in chunked(citations, WRITE_BATCH):
            Citation.objects.bulk_create([c for _, c in chunk])
            through = Citation.tags.through
            through.objects.bulk_create(
                [
                    through(citation_id=citation.pk, tag_id=self.tags[tag])
                    for row, citation in chunk
                    for tag in row.tags
                ]
            )
        # Edits made since someone opened an existing list must not pass unnoticed.
        for chunk in chunked(sorted(touched - {rl.pk for _, rl in new_lists})):
            ReadingList.objects.filter(pk__in=chunk).update(version=F("version") + 1)


def _drop_invalid(group: ListGroup, invalid: set[int], skipped_lists: set[int]) -> None:
    """While applying, leave out what the check found wrong."""
    if group.line in skipped_lists:
        group.ok = False
        return
    for section in group.sections:
        section.citations = [c for c in section.citations if c.line not in invalid]


def _lines(group: ListGroup) -> str:
    if group.last_line == group.line:
        return f"line {group.line}"
    return f"lines {group.line}-{group.last_line}"
