"""The access matrix: every URL, every kind of user, the designed answer.

Each row names a URL, how to build it from the campus, the method and the
answer each role should get: 200 for a page it may open, "done" for an action
it may take (anything but a refusal), 403 when it sees the thing but may not
change it, 404 when it may not know the thing exists, and the sign-in
redirect for the signed-out where signing in could help. Refused actions must
leave the database exactly as it was; allowed ones are rolled back after each
role so every role meets the same campus.

The implementation plan (readiness) and the file loads (loaders) have a
campus of their own, built only for their rows (the ``plans`` fixture).

A URL added to one of the namespaces below without a row here fails
``test_every_url_of_the_site_has_a_row_in_the_matrix``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from readings.accounts.models import Role, Session, User
from readings.citations import import_views, importing
from readings.citations.models import Citation, CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_enroll
from readings.discovery.marc import Record
from readings.discovery.models import CatalogueRecord
from readings.engagement.models import Comment, Discussion, PrivateNote
from readings.engagement.services import (
    comment_post,
    discussion_get_or_create,
    private_note_save,
)
from readings.institutions.models import Institution
from readings.institutions.services import processing_department_create
from readings.lists.models import ListInvitation, MemberRole, ReadingList, Section
from readings.lists.services import invitation_create, list_set_syllabus, member_set
from readings.loaders.course_rows import COLUMNS
from readings.loaders.models import Load, LoadStatus
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load
from readings.readiness.models import LogEntry, Phase, Plan, Task, TeamMember, TeamRole
from readings.readiness.services import (
    institution_today,
    log_entry_create,
    plan_create_or_redate,
    task_create,
    team_member_add,
)

NAMESPACES = (
    "lists",
    "editor",
    "imports",
    "exports",
    "engagement",
    "discovery",
    "courses",
    "readiness",
    "readiness_checks",
    "loaders",
)
# Their rows need the plans and loads of the ``plans`` fixture.
PLAN_NAMESPACES = ("readiness", "readiness_checks", "loaders")

ROLES = (
    "anonymous",
    "student",  # enrolled in HIST101
    "other_student",  # enrolled in CHEM200 only
    "instructor",  # teaches HIST101
    "other_instructor",  # teaches CHEM200
    "editor",  # "can edit" collaborator on the published list
    "manager",  # "can manage" collaborator on the published list
    "librarian",
    "administrator",
    "outsider",  # a user of another institution
    "outside_admin",  # an administrator of another institution
)

OK = "200"
DONE = "done"  # an allowed action: any answer but a refusal (a form error is fine)
SIGN_IN = "sign-in"
FORBIDDEN = "403"
HIDDEN = "404"
REFUSALS = {SIGN_IN, FORBIDDEN, HIDDEN}


def answers(
    *,
    anonymous: str,
    student: str,
    other_student: str,
    instructor: str,
    other_instructor: str,
    editor: str,
    manager: str,
    librarian: str,
    administrator: str,
    outsider: str,
    outside_admin: str,
) -> dict[str, str]:
    """One answer per role, all named (keyword-only so none can be forgotten)."""
    return dict(locals())


def replace(pattern: dict[str, str], old: str, new: str) -> dict[str, str]:
    return {role: new if answer == old else answer for role, answer in pattern.items()}


def action(pattern: dict[str, str]) -> dict[str, str]:
    """The same access as a page, for a POST: who may open it may do it."""
    return replace(pattern, OK, DONE)


# The published list is visible to the course (HIST101) only.
READ = answers(
    anonymous=SIGN_IN,
    student=OK,
    other_student=HIDDEN,
    instructor=OK,
    other_instructor=HIDDEN,
    editor=OK,
    manager=OK,
    librarian=OK,
    administrator=OK,
    outsider=HIDDEN,
    outside_admin=HIDDEN,
)
EDIT = answers(
    anonymous=SIGN_IN,
    student=FORBIDDEN,
    other_student=HIDDEN,
    instructor=OK,
    other_instructor=HIDDEN,
    editor=OK,
    manager=OK,
    librarian=OK,
    administrator=OK,
    outsider=HIDDEN,
    outside_admin=HIDDEN,
)
# Instructors of a linked course and librarians edit; only owners, "can manage"
# collaborators and administrators manage.
MANAGE = answers(
    anonymous=SIGN_IN,
    student=FORBIDDEN,
    other_student=HIDDEN,
    instructor=FORBIDDEN,
    other_instructor=HIDDEN,
    editor=FORBIDDEN,
    manager=OK,
    librarian=FORBIDDEN,
    administrator=OK,
    outsider=HIDDEN,
    outside_admin=HIDDEN,
)
SIGNED_IN = answers(
    anonymous=SIGN_IN,
    student=OK,
    other_student=OK,
    instructor=OK,
    other_instructor=OK,
    editor=OK,
    manager=OK,
    librarian=OK,
    administrator=OK,
    outsider=OK,
    outside_admin=OK,
)
INSTITUTION = {**SIGNED_IN, "outsider": HIDDEN, "outside_admin": HIDDEN}
PUBLIC = {role: OK for role in ROLES}
INVITEE = {**replace(INSTITUTION, OK, FORBIDDEN), "other_student": OK}
# Engagement actions are not behind sign-in: a list the signed-out cannot see is not found.
TAKE_PART = action({**READ, "anonymous": HIDDEN})
MODERATE = action({**EDIT, "anonymous": HIDDEN})
# A draft is seen by its editors only: the collaborators work on the published list.
DRAFT = {**EDIT, "student": HIDDEN, "editor": HIDDEN, "manager": HIDDEN}
# Items hidden from readers (inactive, in a section not open yet) exist for editors only.
HIDDEN_ITEM = {**EDIT, "student": HIDDEN}
# The open list: anyone sees it, only its own editors change it, no one else takes part.
OPEN_EDIT = answers(
    anonymous=SIGN_IN,
    student=FORBIDDEN,
    other_student=FORBIDDEN,
    instructor=OK,
    other_instructor=FORBIDDEN,
    editor=FORBIDDEN,
    manager=FORBIDDEN,
    librarian=OK,
    administrator=OK,
    outsider=FORBIDDEN,
    outside_admin=FORBIDDEN,
)
OPEN_TAKE_PART = {**action(SIGNED_IN), "outsider": FORBIDDEN, "outside_admin": FORBIDDEN}
OPEN_PRIVATE_PAGE = {**SIGNED_IN, "outsider": FORBIDDEN, "outside_admin": FORBIDDEN}
# Another institution's list, even one open to the world, is no target for their catalogue.
OPEN_ADD = action({**OPEN_EDIT, "outsider": HIDDEN, "outside_admin": HIDDEN})
CREATE_LISTS = answers(
    anonymous=SIGN_IN,
    student=FORBIDDEN,
    other_student=FORBIDDEN,
    instructor=OK,
    other_instructor=OK,
    editor=FORBIDDEN,
    manager=FORBIDDEN,
    librarian=OK,
    administrator=OK,
    outsider=FORBIDDEN,
    outside_admin=OK,  # lists of their own institution
)
CREATE_FOR_COURSE = {
    **CREATE_LISTS,
    "other_instructor": FORBIDDEN,
    "outsider": HIDDEN,
    "outside_admin": HIDDEN,
}
# Another list's object named under this list's URL: not found, for everyone.
EDIT_FOREIGN_ID = replace(EDIT, OK, HIDDEN)
MANAGE_FOREIGN_ID = replace(MANAGE, OK, HIDDEN)
READ_FOREIGN_ID = replace(READ, OK, HIDDEN)
# Moving or copying into the draft: only those who edit the draft too.
INTO_DRAFT = action({**EDIT, "editor": HIDDEN, "manager": HIDDEN})

# The implementation plan. Its team (the ``plans`` fixture): the "can edit"
# collaborator is the sponsor, the "can manage" one the project manager, the
# instructor the instructors' representative. Administrators and the team see
# the plan, administrators, sponsor and project manager change it, no one else
# may know it exists (a librarian off the team included). The pages without an
# id in their URL show the visitor's own institution's plan: the other
# institution's administrator opens theirs.
PLAN = answers(
    anonymous=SIGN_IN,
    student=HIDDEN,
    other_student=HIDDEN,
    instructor=OK,
    other_instructor=HIDDEN,
    editor=OK,
    manager=OK,
    librarian=HIDDEN,
    administrator=OK,
    outsider=HIDDEN,
    outside_admin=OK,
)
PLAN_MANAGE = {**PLAN, "instructor": FORBIDDEN}
# A task, team member or log entry of this institution's plan, named by id.
PLAN_ITEM = {**PLAN, "outside_admin": HIDDEN}
PLAN_ITEM_MANAGE = {**PLAN_MANAGE, "outside_admin": HIDDEN}
# The same of the other institution's plan: theirs alone.
FOREIGN_PLAN_ITEM = {**replace(PLAN_ITEM, OK, HIDDEN), "outside_admin": OK}
# Vouching for the course data takes library staff who see the plan.
CONFIRM_COURSES = action(
    {**PLAN_ITEM, "instructor": FORBIDDEN, "editor": FORBIDDEN, "manager": FORBIDDEN}
)
# File loads: the institution's library staff (librarians and administrators) only.
LOADS = answers(
    anonymous=SIGN_IN,
    student=HIDDEN,
    other_student=HIDDEN,
    instructor=HIDDEN,
    other_instructor=HIDDEN,
    editor=HIDDEN,
    manager=HIDDEN,
    librarian=OK,
    administrator=OK,
    outsider=HIDDEN,
    outside_admin=OK,  # the loads of their own institution
)
A_LOAD = {**LOADS, "outside_admin": HIDDEN}
FOREIGN_LOAD = {**replace(A_LOAD, OK, HIDDEN), "outside_admin": OK}


# ---------------------------------------------------------------------------
# The campus


@dataclass
class Plans:
    """This institution's plan and loads, and the other institution's, named by id in URLs."""

    plan: Plan
    instructors_task: Task  # the instructor's own, by their team role
    it_task: Task  # no one's of the matrix
    member: TeamMember
    entry: LogEntry
    load: Load  # the latest applied course load
    foreign_task: Task
    foreign_member: TeamMember
    foreign_entry: LogEntry
    foreign_load: Load


@dataclass
class World:
    users: dict[str, User]
    published: ReadingList
    draft: ReadingList
    open_list: ReadingList
    course_id: int
    week1: Section
    later: Section
    draft_section: Section
    visible: Citation
    inactive: Citation
    not_yet_open: Citation
    draft_citation: Citation
    open_citation: Citation
    list_discussion: Discussion
    student_comment: Comment
    instructor_comment: Comment
    invitation: ListInvitation
    draft_invitation: ListInvitation
    record_id: str
    preview: importing.Preview
    draft_preview: importing.Preview
    plans: Plans | None = None  # set by the ``plans`` fixture, for the rows that need it

    def version(self, reading_list: ReadingList | None = None) -> int:
        pk = (reading_list or self.published).pk
        return ReadingList.objects.values_list("version", flat=True).get(pk=pk)


RIS = b"TY  - BOOK\nTI  - Imported reading\nAU  - Writer, Ann\nPY  - 2001\nER  - \n"


@pytest.fixture
def world(campus, make_user, other_institution, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    users = {
        "student": campus.users["student"],
        "other_student": campus.users["other_student"],
        "instructor": campus.users["instructor"],
        "other_instructor": campus.users["other_instructor"],
        "editor": campus.users["collaborator"],
        "manager": make_user("man"),
        "librarian": campus.users["librarian"],
        "administrator": campus.users["administrator"],
        "outsider": campus.users["outsider"],
        "outside_admin": make_user("oadm", roles=[Role.ADMINISTRATOR], inst=other_institution),
    }
    published, draft = campus.published, campus.draft
    member_set(reading_list=published, user=users["manager"], role=MemberRole.MANAGE)
    list_set_syllabus(
        list_id=published.pk, upload=SimpleUploadedFile("syllabus.txt", b"Week 1: the age.")
    )
    week1, later = published.sections.order_by("position")
    draft_section = draft.sections.get()
    discussion = discussion_get_or_create(reading_list=published)
    student_comment = comment_post(user=users["student"], discussion=discussion, body="Why 1914?")
    instructor_comment = comment_post(
        user=users["instructor"], discussion=discussion, body="See chapter 2."
    )
    discussion_get_or_create(citation=campus.visible)
    private_note_save(user=users["student"], citation=campus.visible, text="My own thought")

    def invite(reading_list: ReadingList, email: str) -> ListInvitation:
        return invitation_create(
            reading_list=reading_list,
            email=email,
            role=MemberRole.EDIT,
            invited_by=users["administrator"],
            accept_url_for=lambda token: f"https://readings.example/{token}",
        )

    record = Record(record_id="rec-middlemarch", title="Middlemarch", publication_date="1871")
    CatalogueRecord.objects.create(
        institution=published.institution,
        record_id=record.record_id,
        title=record.title,
        year=1871,
        data=record.as_dict(),
    )

    def preview_for(reading_list: ReadingList, section: Section) -> importing.Preview:
        upload = importing.Upload("readings.ris", RIS)
        return importing.parse_uploads([upload], list_id=reading_list.pk, section_id=section.pk)

    return World(
        users=users,
        published=published,
        draft=draft,
        open_list=campus.open_list,
        course_id=campus.course.pk,
        week1=week1,
        later=later,
        draft_section=draft_section,
        visible=campus.visible,
        inactive=campus.inactive,
        not_yet_open=later.citations.get(),
        draft_citation=draft_section.citations.get(),
        open_citation=campus.open_list.sections.get().citations.get(),
        list_discussion=discussion,
        student_comment=student_comment,
        instructor_comment=instructor_comment,
        # Sent to a classmate's address: only that person may take it up.
        invitation=invite(published, users["other_student"].email.upper()),
        draft_invitation=invite(draft, "draft-guest@example.edu"),
        record_id=record.record_id,
        preview=preview_for(published, week1),
        draft_preview=preview_for(draft, draft_section),
    )


def course_file(path: Path, code: str) -> Path:
    """A one-course course-loader file."""
    cells = {
        "COURSE_CODE": code,
        "SECTION_ID": "1",
        "COURSE_TITLE": f"Course {code}",
        "PROC_DEPT": "LIB",
        "START_DATE": "2030-09-01",
        "END_DATE": "2030-12-15",
    }
    row = "\t".join(cells.get(column, "") for column in COLUMNS)
    path.write_text("\t".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    return path


@pytest.fixture
def plans(world, make_user, other_institution, tmp_path) -> Plans:
    users = world.users
    institution = world.published.institution

    def plan_of(inst: Institution) -> Plan:
        go_live = institution_today(inst) + datetime.timedelta(weeks=12)
        return plan_create_or_redate(institution=inst, go_live_date=go_live, by=None).plan

    def task_of(plan: Plan, title: str, role: str) -> Task:
        return task_create(
            plan=plan, by=None, title=title, phase=Phase.BUILD, responsible_role=role
        )

    def entry_of(plan: Plan) -> LogEntry:
        return log_entry_create(plan=plan, by=None, kind="risk", title="Staff away in August")

    def load_of(inst: Institution, code: str, *, dry_run: bool) -> Load:
        processing_department_create(institution=inst, code="LIB", name="Library")
        path = course_file(tmp_path / f"courses-{code}.tsv", code)
        return courses_load(institution=inst, path=path, options=LoadOptions(dry_run=dry_run))

    plan = plan_of(institution)
    team = {"editor": TeamRole.SPONSOR, "manager": TeamRole.PROJECT_MANAGER}
    for who, role in team.items():
        team_member_add(plan=plan, user=users[who], role=role, by=None)
    member = team_member_add(plan=plan, user=users["instructor"], role=TeamRole.INSTRUCTOR, by=None)
    foreign_plan = plan_of(other_institution)
    foreign_sponsor = make_user("osponsor", inst=other_institution)
    load = load_of(institution, "LOAD101", dry_run=False)
    assert load.status == LoadStatus.APPLIED, load.report
    world.plans = Plans(
        plan=plan,
        instructors_task=task_of(plan, "Tell colleagues about Readings", TeamRole.INSTRUCTOR),
        it_task=task_of(plan, "Set up single sign-on", TeamRole.IT),
        member=member,
        entry=entry_of(plan),
        load=load,
        foreign_task=task_of(foreign_plan, "Their own task", TeamRole.INSTRUCTOR),
        foreign_member=team_member_add(
            plan=foreign_plan, user=foreign_sponsor, role=TeamRole.SPONSOR, by=None
        ),
        foreign_entry=entry_of(foreign_plan),
        foreign_load=load_of(other_institution, "THEIRS1", dry_run=True),
    )
    return world.plans


def with_imports_in_session(client, w: World, what: str) -> None:
    """Every role holds the import previews (or results), so only access can stop them."""
    session = client.session
    for preview in (w.preview, w.draft_preview):
        if what == "previews":
            importing.stash_preview(session, preview)
        else:
            results = session.setdefault(import_views._RESULTS_KEY, {})
            results[preview.token] = {
                "list_id": preview.list_id,
                "section": "Readings",
                "imported": 1,
                "broken": [],
                "left_out": 0,
            }
    session.save()


# ---------------------------------------------------------------------------
# The rows


@dataclass(frozen=True)
class Row:
    name: str  # "namespace:url_name"
    method: str
    expect: dict[str, str]
    args: Callable[[World], list] = lambda w: []
    query: Callable[[World], dict] = lambda w: {}
    data: Callable[[World], dict] = lambda w: {}
    variant: str = ""
    imports: str = ""  # "previews" or "results" put in each role's session

    @property
    def id(self) -> str:
        return f"{self.name} {self.method}" + (f" {self.variant}" if self.variant else "")


def on_list(w: World) -> list:
    return [w.published.pk]


def versioned(**extra: Any) -> Callable[[World], dict]:
    def data(w: World) -> dict:
        values = {k: v(w) if callable(v) else v for k, v in extra.items()}
        return {"version": w.version(), **values}

    return data


def in_weeks(w: World, weeks: int) -> str:
    today = institution_today(w.published.institution)
    return (today + datetime.timedelta(weeks=weeks)).isoformat()


def task_fields(role: str) -> dict:
    """A whole task form; a team member's form reads only the status and the notes."""
    return {
        "title": "Renamed task",
        "phase": Phase.BUILD,
        "side": "institution",
        "responsible_role": role,
        "status": "in_progress",
        "notes": "Under way",
    }


def log_fields() -> dict:
    return {
        "kind": "issue",
        "title": "Proxy down",
        "likelihood": "low",
        "impact": "high",
        "status": "open",
    }


def upload_fields() -> dict:
    """A fresh upload for each role (a file is read once)."""
    file = SimpleUploadedFile("courses.tsv", ("\t".join(COLUMNS) + "\n").encode())
    return {"kind": "courses", "mode": "dry_run", "file": file}


ROWS = [
    # -- courses -------------------------------------------------------------
    Row("courses:home", "GET", SIGNED_IN),
    Row("courses:search", "GET", SIGNED_IN, query=lambda w: {"q": "HIST"}),
    Row("courses:detail", "GET", INSTITUTION, args=lambda w: [w.course_id]),
    # -- lists: reading and running ------------------------------------------
    Row("lists:detail", "GET", READ, args=on_list),
    Row("lists:detail", "GET", DRAFT, args=lambda w: [w.draft.pk], variant="draft"),
    Row("lists:detail", "GET", PUBLIC, args=lambda w: [w.open_list.pk], variant="open"),
    Row("lists:new", "GET", CREATE_LISTS),
    Row("lists:new", "POST", action(CREATE_LISTS)),
    Row(
        "lists:new",
        "GET",
        CREATE_FOR_COURSE,
        query=lambda w: {"course": w.course_id},
        variant="for HIST101",
    ),
    Row("lists:settings", "GET", EDIT, args=on_list),
    Row("lists:settings", "POST", action(EDIT), args=on_list, data=versioned(name="Renamed")),
    Row("lists:settings", "GET", DRAFT, args=lambda w: [w.draft.pk], variant="draft"),
    Row("lists:syllabus", "GET", READ, args=on_list),
    Row(
        "lists:publication",
        "POST",
        action(MANAGE),
        args=on_list,
        data=versioned(publication_status="DRAFT"),
    ),
    Row("lists:send_to_library", "POST", action(EDIT), args=on_list, data=versioned()),
    # Marking a list reviewed is go-live evidence: those who edit it vouch for it.
    Row("lists:review", "POST", action(EDIT), args=on_list, data=versioned()),
    Row(
        "lists:review",
        "POST",
        action(DRAFT),
        args=lambda w: [w.draft.pk],
        data=lambda w: {"version": w.version(w.draft)},
        variant="draft",
    ),
    Row("lists:delete", "GET", MANAGE, args=on_list),
    Row("lists:delete", "POST", action(MANAGE), args=on_list, data=versioned()),
    # -- lists: collaborators and invitations ---------------------------------
    Row("lists:collaborators", "GET", EDIT, args=on_list),
    Row("lists:collaborator_search", "GET", MANAGE, args=on_list, query=lambda w: {"q": "s"}),
    Row(
        "lists:collaborator_add",
        "POST",
        action(MANAGE),
        args=on_list,
        data=lambda w: {"user": w.users["student"].pk, "role": MemberRole.EDIT},
    ),
    Row(
        "lists:collaborator_role",
        "POST",
        action(MANAGE),
        args=lambda w: [w.published.pk, w.users["editor"].pk],
        data=lambda w: {"role": MemberRole.MANAGE},
    ),
    Row(
        "lists:collaborator_role",
        "POST",
        MANAGE_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.users["student"].pk],
        data=lambda w: {"role": MemberRole.MANAGE},
        variant="of someone not on the list",
    ),
    Row(
        "lists:collaborator_remove",
        "POST",
        action(MANAGE),
        args=lambda w: [w.published.pk, w.users["editor"].pk],
    ),
    Row(
        "lists:invitation_new",
        "POST",
        action(MANAGE),
        args=on_list,
        data=lambda w: {"email": "new@example.edu", "role": MemberRole.EDIT},
    ),
    Row(
        "lists:invitation_withdraw",
        "POST",
        action(MANAGE),
        args=lambda w: [w.published.pk, w.invitation.pk],
    ),
    # The emailed link is for its addressee: anyone else of the institution is refused.
    Row("lists:invitation", "GET", INVITEE, args=lambda w: [w.invitation.token]),
    Row("lists:invitation", "POST", action(INVITEE), args=lambda w: [w.invitation.token]),
    # -- editor ----------------------------------------------------------------
    Row("editor:edit", "GET", EDIT, args=on_list),
    Row("editor:edit", "GET", DRAFT, args=lambda w: [w.draft.pk], variant="draft"),
    Row("editor:edit", "GET", OPEN_EDIT, args=lambda w: [w.open_list.pk], variant="open"),
    Row(
        "editor:section_add",
        "POST",
        action(OPEN_EDIT),
        args=lambda w: [w.open_list.pk],
        data=lambda w: {"version": w.version(w.open_list), "new-name": "Week two"},
        variant="open",
    ),
    Row(
        "editor:section_add",
        "POST",
        action(EDIT),
        args=on_list,
        data=versioned(**{"new-name": "Week two"}),
    ),
    Row("editor:section", "GET", EDIT, args=lambda w: [w.published.pk, w.week1.pk]),
    Row(
        "editor:section",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.week1.pk],
        data=versioned(name="Week one"),
    ),
    Row(
        "editor:section",
        "GET",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_section.pk],
        variant="of the draft",
    ),
    Row(
        "editor:section_move",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.week1.pk],
        data=versioned(direction="down"),
    ),
    Row(
        "editor:section_delete",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.week1.pk],
        data=versioned(confirm="yes"),
    ),
    Row(
        "editor:section_delete",
        "POST",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_section.pk],
        data=versioned(confirm="yes"),
        variant="of the draft",
    ),
    Row("editor:add", "GET", EDIT, args=on_list, query=lambda w: {"section": w.week1.pk}),
    Row(
        "editor:add",
        "POST",
        action(EDIT),
        args=on_list,
        data=versioned(section=lambda w: w.week1.pk, title="Added", secondary_type="BK"),
    ),
    Row(
        "editor:add",
        "GET",
        EDIT_FOREIGN_ID,
        args=on_list,
        query=lambda w: {"section": w.draft_section.pk},
        variant="into the draft's section",
    ),
    Row(
        "editor:bulk",
        "POST",
        action(EDIT),
        args=on_list,
        data=versioned(citation=lambda w: w.visible.pk, action="delete", confirm="yes"),
    ),
    Row("editor:citation", "GET", EDIT, args=lambda w: [w.published.pk, w.visible.pk]),
    Row(
        "editor:citation",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.visible.pk],
        data=versioned(title="Retitled", secondary_type="BK"),
    ),
    Row(
        "editor:citation",
        "GET",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_citation.pk],
        variant="of the draft",
    ),
    Row(
        "editor:move",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.visible.pk],
        data=versioned(direction="down"),
    ),
    Row(
        "editor:move",
        "POST",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_citation.pk],
        data=versioned(direction="down"),
        variant="of the draft",
    ),
    Row(
        "editor:move",
        "POST",
        INTO_DRAFT,
        args=lambda w: [w.published.pk, w.visible.pk],
        data=versioned(section=lambda w: w.draft_section.pk, position="end"),
        variant="into the draft",
    ),
    Row(
        "editor:delete",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.visible.pk],
        data=versioned(confirm="yes"),
    ),
    Row(
        "editor:delete",
        "POST",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_citation.pk],
        data=versioned(confirm="yes"),
        variant="of the draft",
    ),
    Row(
        "editor:duplicate",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.visible.pk],
        data=versioned(),
    ),
    Row(
        "editor:copy",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.visible.pk],
        data=lambda w: {"section": w.later.pk},
    ),
    Row(
        "editor:copy",
        "POST",
        INTO_DRAFT,
        args=lambda w: [w.published.pk, w.visible.pk],
        data=lambda w: {"section": w.draft_section.pk},
        variant="into the draft",
    ),
    # -- imports ---------------------------------------------------------------
    Row("imports:identify", "POST", action(EDIT), args=on_list, data=lambda w: {"identifier": ""}),
    Row("imports:upload", "GET", EDIT, args=on_list),
    Row("imports:upload", "POST", action(EDIT), args=on_list),
    Row("imports:upload", "GET", OPEN_EDIT, args=lambda w: [w.open_list.pk], variant="open"),
    Row(
        "imports:preview",
        "GET",
        EDIT,
        args=lambda w: [w.published.pk, w.preview.token],
        imports="previews",
    ),
    Row(
        "imports:preview",
        "POST",
        action(EDIT),
        args=lambda w: [w.published.pk, w.preview.token],
        data=lambda w: {"section": w.week1.pk, "entry": [0]},
        imports="previews",
    ),
    Row(
        "imports:preview",
        "POST",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_preview.token],
        data=lambda w: {"section": w.week1.pk, "entry": [0]},
        imports="previews",
        variant="of the draft",
    ),
    Row(
        "imports:done",
        "GET",
        EDIT,
        args=lambda w: [w.published.pk, w.preview.token],
        imports="results",
    ),
    Row(
        "imports:done",
        "GET",
        EDIT_FOREIGN_ID,
        args=lambda w: [w.published.pk, w.draft_preview.token],
        imports="results",
        variant="of the draft",
    ),
    # -- exports ---------------------------------------------------------------
    Row("exports:export", "GET", READ, args=on_list),
    Row("exports:export", "GET", DRAFT, args=lambda w: [w.draft.pk], variant="draft"),
    Row("exports:export", "GET", PUBLIC, args=lambda w: [w.open_list.pk], variant="open"),
    Row(
        "exports:export",
        "GET",
        READ_FOREIGN_ID,
        args=on_list,
        query=lambda w: {"ids": w.draft_citation.pk},
        variant="of the draft's item",
    ),
    Row(
        "exports:export",
        "GET",
        HIDDEN_ITEM,
        args=on_list,
        query=lambda w: {"ids": w.inactive.pk},
        variant="of an inactive item",
    ),
    Row("exports:download", "GET", READ, args=lambda w: [w.published.pk, "ris"]),
    Row(
        "exports:download",
        "GET",
        DRAFT,
        args=lambda w: [w.draft.pk, "csv"],
        variant="draft",
    ),
    # -- engagement ------------------------------------------------------------
    # A JSON endpoint for the page's script: no sign-in page, just not found.
    Row("engagement:list_state", "GET", {**READ, "anonymous": HIDDEN}, args=on_list),
    Row("engagement:list_state", "GET", PUBLIC, args=lambda w: [w.open_list.pk], variant="open"),
    Row(
        "engagement:list_discussion",
        "GET",
        PUBLIC,
        args=lambda w: [w.open_list.pk],
        variant="open",
    ),
    Row(
        "engagement:list_discussion",
        "POST",
        OPEN_TAKE_PART,
        args=lambda w: [w.open_list.pk],
        data=lambda w: {"body": "From afar"},
        variant="open",
    ),
    Row(
        "engagement:note",
        "GET",
        OPEN_PRIVATE_PAGE,
        args=lambda w: [w.open_citation.pk],
        variant="open list",
    ),
    Row("engagement:list_discussion", "GET", READ, args=on_list),
    Row(
        "engagement:list_discussion",
        "POST",
        TAKE_PART,
        args=on_list,
        data=lambda w: {"body": "A question"},
    ),
    Row(
        "engagement:list_discussion",
        "GET",
        DRAFT,
        args=lambda w: [w.draft.pk],
        variant="draft",
    ),
    Row("engagement:done", "POST", TAKE_PART, args=lambda w: [w.visible.pk]),
    Row(
        "engagement:done",
        "POST",
        action(HIDDEN_ITEM) | {"anonymous": HIDDEN},
        args=lambda w: [w.inactive.pk],
        variant="inactive item",
    ),
    Row(
        "engagement:done",
        "POST",
        OPEN_TAKE_PART,
        args=lambda w: [w.open_citation.pk],
        variant="open list",
    ),
    Row("engagement:like", "POST", TAKE_PART, args=lambda w: [w.visible.pk]),
    Row("engagement:note", "GET", READ, args=lambda w: [w.visible.pk]),
    Row(
        "engagement:note",
        "POST",
        TAKE_PART,
        args=lambda w: [w.visible.pk],
        data=lambda w: {"text": "Mine"},
    ),
    Row(
        "engagement:note",
        "GET",
        HIDDEN_ITEM,
        args=lambda w: [w.inactive.pk],
        variant="inactive item",
    ),
    Row(
        "engagement:note",
        "GET",
        HIDDEN_ITEM,
        args=lambda w: [w.not_yet_open.pk],
        variant="item of a section not open yet",
    ),
    Row(
        "engagement:note",
        "GET",
        DRAFT,
        args=lambda w: [w.draft_citation.pk],
        variant="draft item",
    ),
    Row("engagement:citation_discussion", "GET", READ, args=lambda w: [w.visible.pk]),
    Row(
        "engagement:citation_discussion",
        "POST",
        TAKE_PART,
        args=lambda w: [w.visible.pk],
        data=lambda w: {"body": "On this book"},
    ),
    Row(
        "engagement:citation_discussion",
        "GET",
        HIDDEN_ITEM,
        args=lambda w: [w.inactive.pk],
        variant="inactive item",
    ),
    Row(
        "engagement:discussion_close",
        "POST",
        MODERATE,
        args=lambda w: [w.list_discussion.pk],
    ),
    Row("engagement:comment_hide", "POST", MODERATE, args=lambda w: [w.student_comment.pk]),
    # Its author may delete a comment; the list's editors may delete any.
    Row("engagement:comment_delete", "POST", TAKE_PART, args=lambda w: [w.student_comment.pk]),
    Row(
        "engagement:comment_delete",
        "POST",
        MODERATE,
        args=lambda w: [w.instructor_comment.pk],
        variant="of someone else",
    ),
    # -- discovery -------------------------------------------------------------
    Row("discovery:cited", "GET", PUBLIC, query=lambda w: {"isbn": "9780141439549"}),
    Row("discovery:cited-json", "GET", PUBLIC, query=lambda w: {"isbn": "9780141439549"}),
    # Everyone signed in searches their own institution's catalogue.
    Row("discovery:search", "GET", SIGNED_IN, query=lambda w: {"q": "Middlemarch"}),
    Row(
        "discovery:search",
        "GET",
        EDIT,
        query=lambda w: {"q": "Middlemarch", "list": w.published.pk},
        variant="for a list",
    ),
    Row(
        "discovery:search",
        "GET",
        EDIT_FOREIGN_ID,
        query=lambda w: {"list": w.published.pk, "section": w.draft_section.pk},
        variant="for the draft's section",
    ),
    Row(
        "discovery:add",
        "POST",
        action(EDIT),
        args=on_list,
        data=versioned(record_id=lambda w: w.record_id, section=lambda w: w.week1.pk),
    ),
    Row(
        "discovery:add",
        "POST",
        OPEN_ADD,
        args=lambda w: [w.open_list.pk],
        data=lambda w: {"record_id": w.record_id, "version": w.version(w.open_list)},
        variant="open",
    ),
    Row(
        "discovery:add",
        "POST",
        EDIT_FOREIGN_ID,
        args=on_list,
        data=versioned(record_id=lambda w: w.record_id, section=lambda w: w.draft_section.pk),
        variant="into the draft's section",
    ),
    # -- readiness: the implementation plan -------------------------------------
    Row("readiness:dashboard", "GET", PLAN),
    Row(
        "readiness:go_live",
        "POST",
        action(PLAN_MANAGE),
        data=lambda w: {"go_live_date": in_weeks(w, 20)},
    ),
    Row("readiness:ics", "GET", PLAN),
    Row("readiness:csv", "GET", PLAN),
    Row("readiness:my_tasks", "GET", PLAN),
    Row("readiness:task_add", "GET", PLAN_MANAGE),
    Row("readiness:task_add", "POST", action(PLAN_MANAGE), data=lambda w: task_fields(TeamRole.IT)),
    # Each team member reports on the tasks of their own role.
    Row("readiness:task_edit", "GET", PLAN_ITEM, args=lambda w: [w.plans.instructors_task.pk]),
    Row(
        "readiness:task_edit",
        "POST",
        action(PLAN_ITEM),
        args=lambda w: [w.plans.instructors_task.pk],
        data=lambda w: task_fields(TeamRole.INSTRUCTOR),
    ),
    Row(
        "readiness:task_edit",
        "GET",
        PLAN_ITEM,
        args=lambda w: [w.plans.it_task.pk],
        variant="of another role",
    ),
    Row(
        "readiness:task_edit",
        "POST",
        action(PLAN_ITEM_MANAGE),
        args=lambda w: [w.plans.it_task.pk],
        data=lambda w: task_fields(TeamRole.IT),
        variant="of another role",
    ),
    Row(
        "readiness:task_edit",
        "GET",
        FOREIGN_PLAN_ITEM,
        args=lambda w: [w.plans.foreign_task.pk],
        variant="of another institution",
    ),
    Row(
        "readiness:task_edit",
        "POST",
        action(FOREIGN_PLAN_ITEM),
        args=lambda w: [w.plans.foreign_task.pk],
        data=lambda w: task_fields(TeamRole.INSTRUCTOR),
        variant="of another institution",
    ),
    Row(
        "readiness:task_status",
        "POST",
        action(PLAN_ITEM),
        args=lambda w: [w.plans.instructors_task.pk],
        data=lambda w: {"status": "in_progress"},
    ),
    Row(
        "readiness:task_status",
        "POST",
        action(PLAN_ITEM_MANAGE),
        args=lambda w: [w.plans.it_task.pk],
        data=lambda w: {"status": "in_progress"},
        variant="of another role",
    ),
    Row(
        "readiness:task_status",
        "POST",
        action(FOREIGN_PLAN_ITEM),
        args=lambda w: [w.plans.foreign_task.pk],
        data=lambda w: {"status": "in_progress"},
        variant="of another institution",
    ),
    Row("readiness:team", "GET", PLAN),
    Row(
        "readiness:team",
        "POST",
        action(PLAN_MANAGE),
        data=lambda w: {"user": w.users["librarian"].pk, "role": TeamRole.LIBRARY},
    ),
    Row(
        "readiness:team_remove",
        "POST",
        action(PLAN_ITEM_MANAGE),
        args=lambda w: [w.plans.member.pk],
    ),
    Row(
        "readiness:team_remove",
        "POST",
        action(FOREIGN_PLAN_ITEM),
        args=lambda w: [w.plans.foreign_member.pk],
        variant="of another institution",
    ),
    Row("readiness:log", "GET", PLAN),
    Row("readiness:log", "POST", action(PLAN_MANAGE), data=lambda w: log_fields()),
    Row("readiness:log_edit", "GET", PLAN_ITEM, args=lambda w: [w.plans.entry.pk]),
    Row(
        "readiness:log_edit",
        "POST",
        action(PLAN_ITEM_MANAGE),
        args=lambda w: [w.plans.entry.pk],
        data=lambda w: log_fields(),
    ),
    Row(
        "readiness:log_edit",
        "GET",
        FOREIGN_PLAN_ITEM,
        args=lambda w: [w.plans.foreign_entry.pk],
        variant="of another institution",
    ),
    Row(
        "readiness:log_delete", "POST", action(PLAN_ITEM_MANAGE), args=lambda w: [w.plans.entry.pk]
    ),
    Row(
        "readiness:log_delete",
        "POST",
        action(FOREIGN_PLAN_ITEM),
        args=lambda w: [w.plans.foreign_entry.pk],
        variant="of another institution",
    ),
    # -- readiness: the checks (same access as the dashboard) --------------------
    Row("readiness_checks:run", "POST", action(PLAN)),
    Row(
        "readiness_checks:test_search",
        "POST",
        action(PLAN),
        data=lambda w: {"q": "Middlemarch"},
    ),
    Row(
        "readiness_checks:confirm_courses",
        "POST",
        CONFIRM_COURSES,
        data=lambda w: {"load": w.plans.load.pk, "note": "Report read"},
    ),
    Row(
        "readiness_checks:confirm_courses",
        "POST",
        {**CONFIRM_COURSES, "administrator": HIDDEN, "outside_admin": DONE},
        data=lambda w: {"load": w.plans.foreign_load.pk},
        variant="of another institution's load",
    ),
    Row("readiness_checks:report_pdf", "GET", PLAN),
    # -- loaders ---------------------------------------------------------------
    Row("loaders:history", "GET", LOADS),
    Row("loaders:new", "GET", LOADS),
    Row("loaders:new", "POST", action(LOADS), data=lambda w: upload_fields()),
    Row("loaders:detail", "GET", A_LOAD, args=lambda w: [w.plans.load.pk]),
    Row(
        "loaders:detail",
        "GET",
        FOREIGN_LOAD,
        args=lambda w: [w.plans.foreign_load.pk],
        variant="of another institution",
    ),
    Row("loaders:progress", "GET", A_LOAD, args=lambda w: [w.plans.load.pk]),
    Row(
        "loaders:progress",
        "GET",
        FOREIGN_LOAD,
        args=lambda w: [w.plans.foreign_load.pk],
        variant="of another institution",
    ),
    Row("loaders:report_csv", "GET", A_LOAD, args=lambda w: [w.plans.load.pk]),
    Row(
        "loaders:report_csv",
        "GET",
        FOREIGN_LOAD,
        args=lambda w: [w.plans.foreign_load.pk],
        variant="of another institution",
    ),
    Row("loaders:report_json", "GET", A_LOAD, args=lambda w: [w.plans.load.pk]),
    Row(
        "loaders:report_json",
        "GET",
        FOREIGN_LOAD,
        args=lambda w: [w.plans.foreign_load.pk],
        variant="of another institution",
    ),
]


# ---------------------------------------------------------------------------
# Running a row


def database_state() -> dict[str, list[tuple]]:
    """Every row of every Readings table (sign-ins aside), to prove nothing changed."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.app_config.name.startswith("readings.") or model is Session:
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        state[model._meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return state


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def outcome(response) -> str:
    login = reverse("accounts:login")
    if response.status_code == 302 and response["Location"].startswith(login):
        return SIGN_IN
    return str(response.status_code)


def matches(expected: str, got: str) -> bool:
    if expected == DONE:
        return got not in REFUSALS and got not in ("405", "500")
    return got == expected


def request(client, row: Row, w: World):
    url = reverse(row.name, args=row.args(w))
    if row.method == "GET":
        return client.get(url, row.query(w))
    return client.post(url, row.data(w))


def run_row(client, row: Row, w: World) -> list[str]:
    """Each role in turn; answers that differ from the design, and refused writes that wrote."""
    wrong = []
    before = database_state() if row.method == "POST" else None
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(w.users[role])
        if row.imports:
            with_imports_in_session(client, w, row.imports)
        expected = row.expect[role]
        savepoint = transaction.savepoint()
        try:
            response = request(client, row, w)
            if response.streaming:
                # Read to the end, so the file is closed the way the test client arranges.
                b"".join(response.streaming_content)
            got = outcome(response)
            if not matches(expected, got):
                wrong.append(f"{role}: expected {expected}, got {got}")
            refused = before is not None and got in REFUSALS
            if refused and (changes := changed_tables(before, database_state())):
                wrong.append(f"{role}: refused with {got} but changed {changes}")
        except Exception as exc:  # a crash is one more wrong answer, not the end of the row
            wrong.append(f"{role}: expected {expected}, raised {exc!r}")
        finally:
            transaction.savepoint_rollback(savepoint)
            cache.clear()
    return wrong


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_the_designed_answer(client, world, row, request):
    if row.name.partition(":")[0] in PLAN_NAMESPACES:
        request.getfixturevalue("plans")
    wrong = run_row(client, row, world)
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------
# The matrix covers the site


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= url_names(pattern, inner)
        elif namespace in NAMESPACES and pattern.name:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_url_of_the_site_has_a_row_in_the_matrix():
    assert sorted(url_names() - {row.name for row in ROWS}) == []


def test_every_row_of_the_matrix_names_a_url_of_the_site():
    assert sorted({row.name for row in ROWS} - url_names()) == []


def test_every_row_gives_an_answer_for_every_role():
    incomplete = [row.id for row in ROWS if set(row.expect) != set(ROLES)]
    assert incomplete == []


# ---------------------------------------------------------------------------
# Identifiers in URLs reach only their own list's data


@pytest.fixture
def as_admin(client, world):
    client.force_login(world.users["administrator"])
    return client


def test_a_bulk_delete_under_one_list_leaves_another_lists_citations_alone(as_admin, world):
    draft_version = world.version(world.draft)
    url = reverse("editor:bulk", args=[world.published.pk])
    as_admin.post(
        url,
        {
            "version": world.version(),
            "action": "delete",
            "confirm": "yes",
            "citation": [world.draft_citation.pk],
        },
    )
    assert Citation.objects.filter(pk=world.draft_citation.pk).exists()
    assert world.version(world.draft) == draft_version


def test_a_bulk_move_under_one_list_does_not_take_another_lists_citations(as_admin, world):
    url = reverse("editor:bulk", args=[world.published.pk])
    as_admin.post(
        url,
        {
            "version": world.version(),
            "action": "move",
            "section": world.week1.pk,
            "citation": [world.draft_citation.pk],
        },
    )
    assert Citation.objects.get(pk=world.draft_citation.pk).section_id == world.draft_section.pk


def test_withdrawing_under_one_list_leaves_another_lists_invitation_open(as_admin, world):
    url = reverse("lists:invitation_withdraw", args=[world.published.pk, world.draft_invitation.pk])
    as_admin.post(url)
    assert ListInvitation.objects.filter(pk=world.draft_invitation.pk).exists()


def test_an_export_of_one_list_never_carries_another_lists_items(as_admin, world):
    url = reverse("exports:download", args=[world.published.pk, "ris"])
    ids = f"{world.visible.pk},{world.draft_citation.pk}"
    response = as_admin.get(url, {"ids": ids})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The Age of Extremes" in body
    assert "Draft-only reading" not in body


def test_another_institutions_administrator_downloads_only_their_own_plan(client, world, plans):
    client.force_login(world.users["outside_admin"])
    theirs = client.get(reverse("readiness:csv")).content.decode()
    assert "Their own task" in theirs
    assert "Tell colleagues about Readings" not in theirs
    client.force_login(world.users["administrator"])
    ours = client.get(reverse("readiness:csv")).content.decode()
    assert "Tell colleagues about Readings" in ours
    assert "Their own task" not in ours


# ---------------------------------------------------------------------------
# Private notes stay private


def test_a_students_private_note_is_shown_to_no_one_else(client, world, make_user, campus):
    classmate = make_user("mate")
    course_enroll(course=campus.course, user=classmate)
    url = reverse("engagement:note", args=[world.visible.pk])
    for who in (classmate, world.users["instructor"], world.users["administrator"]):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200
        assert "My own thought" not in response.content.decode(), who.username
    state_url = reverse("engagement:list_state", args=[world.published.pk])
    client.force_login(world.users["instructor"])
    assert "My own thought" not in client.get(state_url).content.decode()
    assert PrivateNote.objects.filter(text="My own thought").count() == 1


def test_a_draft_stays_hidden_from_students_until_published(client, world):
    client.force_login(world.users["student"])
    assert client.get(reverse("lists:detail", args=[world.draft.pk])).status_code == 404
    home = client.get(reverse("courses:home")).content.decode()
    assert "Next year" not in home
    course = client.get(reverse("courses:detail", args=[world.course_id])).content.decode()
    assert "Next year" not in course
    assert "History readings" in course


def test_a_course_page_names_only_the_lists_its_visitor_may_open(client, world):
    url = reverse("courses:detail", args=[world.course_id])
    client.force_login(world.users["other_student"])
    page = client.get(url).content.decode()
    assert "History readings" not in page
    assert "Next year" not in page
    assert "Open syllabus" in page


# ---------------------------------------------------------------------------
# Editing a list is not managing it


def test_an_edit_collaborator_cannot_change_who_sees_the_list(client, world):
    client.force_login(world.users["editor"])
    response = client.post(
        reverse("lists:settings", args=[world.published.pk]),
        {
            "version": world.version(),
            "name": "History readings",
            "courses": [world.course_id],
            "visibility": "OPEN_TO_WORLD",
            "is_template": "on",
        },
    )
    assert response.status_code == 302
    saved = ReadingList.objects.get(pk=world.published.pk)
    assert (saved.visibility, saved.is_template) == ("COURSE", False)


def test_an_edit_collaborator_cannot_link_a_course_they_do_not_teach(client, world, campus):
    client.force_login(world.users["editor"])
    response = client.post(
        reverse("lists:settings", args=[world.published.pk]),
        {
            "version": world.version(),
            "name": "History readings",
            "courses": [world.course_id, campus.other_course.pk],
        },
    )
    assert response.status_code == 200  # the form again, with the error
    linked = ReadingList.objects.get(pk=world.published.pk).courses.values_list("pk", flat=True)
    assert list(linked) == [world.course_id]


def test_an_item_still_being_prepared_reaches_no_student_when_completion_is_required(client, world):
    institution = world.published.institution
    institution.require_library_completion = True
    institution.save(update_fields=["require_library_completion"])
    pending = citation_create(
        section=world.week1,
        fields={"title": "Awaiting the library", "status": CitationStatus.BEING_PREPARED},
    )
    urls = [
        reverse("engagement:note", args=[pending.pk]),
        reverse("engagement:citation_discussion", args=[pending.pk]),
        reverse("exports:export", args=[world.published.pk]) + f"?ids={pending.pk}",
    ]
    client.force_login(world.users["student"])
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    list_page = client.get(reverse("lists:detail", args=[world.published.pk])).content.decode()
    assert "Awaiting the library" not in list_page
    assert "The Age of Extremes" in list_page
    client.force_login(world.users["instructor"])
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
