"""Build the demo's reading lists, sections and citations through the services."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterator

from readings.accounts.models import User
from readings.citations.models import CitationKind, CitationStatus
from readings.citations.services import citation_create
from readings.courses.models import Course
from readings.demo import syllabi
from readings.demo.catalogue import Topic, Work
from readings.institutions.models import Institution
from readings.lists.models import MemberRole, ReadingList, Tag
from readings.lists.services import list_create, member_set, section_create

ESSENTIAL, RECOMMENDED, OPTIONAL = "ESSENTIAL", "RECOMMENDED", "OPTIONAL"

# Where the items of a list in processing stand, in turn: half are done, and
# every other state occurs in each such list.
_PROCESSING_CYCLE = (
    CitationStatus.COMPLETE,
    CitationStatus.IN_PROCESS,
    CitationStatus.COMPLETE,
    CitationStatus.READY_FOR_PROCESSING,
    CitationStatus.COMPLETE,
    CitationStatus.DECLINED,
    CitationStatus.COMPLETE,
    CitationStatus.READY_FOR_PROCESSING,
    CitationStatus.COMPLETE,
    CitationStatus.IN_PROCESS,
    CitationStatus.COMPLETE,
    CitationStatus.INACTIVE,
)
_LIBRARY_NOTES = {
    CitationStatus.IN_PROCESS: "Ordering two more print copies; expected within two weeks.",
    CitationStatus.DECLINED: (
        "No e-book licence is available for this edition; could you choose another?"
    ),
    CitationStatus.INACTIVE: "Withdrawn at the instructor's request.",
}


def build_lists(
    *,
    institution: Institution,
    courses: dict[tuple[str, str], Course],
    users: dict[str, User],
    today: datetime.date,
    rng: random.Random,
    say: Callable[[str], None],
) -> None:
    tags = {tag.code: tag for tag in Tag.objects.filter(institution=institution)}
    total = 0
    for spec in syllabi.LISTS:
        reading_list = list_create(
            institution=institution,
            name=spec.name,
            acting_user=users[spec.owner],
            code=spec.code,
            courses=[courses[key] for key in spec.courses],
            description=spec.description,
            subject=spec.subject,
            visibility=spec.visibility,
            publication_status=spec.publication,
            status=spec.status,
            due_back_date=(
                today + datetime.timedelta(days=14) if spec.items == syllabi.PROCESSING else None
            ),
            first_section=None,
        )
        for username in spec.collaborators:
            member_set(reading_list=reading_list, user=users[username], role=MemberRole.EDIT)
        statuses = _statuses(spec.items)
        count = sum(
            _section(reading_list, index, topic, statuses, tags, today, rng)
            for index, topic in enumerate(spec.topics)
        )
        total += count
        say(
            f"  {spec.code}: {count} items in {len(spec.topics)} sections "
            f"({reading_list.get_publication_status_display().lower()}, "
            f"{reading_list.get_visibility_display().lower()})"
        )
    say(f"Reading lists: {len(syllabi.LISTS)}, with {total} citations")


def _section(
    reading_list: ReadingList,
    index: int,
    topic: Topic,
    statuses: Iterator[str],
    tags: dict[str, Tag],
    today: datetime.date,
    rng: random.Random,
) -> int:
    start, end = _window(topic.window, today)
    section = section_create(
        reading_list=reading_list,
        name=topic.name,
        description=topic.description,
        start_date=start,
        end_date=end,
    )
    essential_given = False
    for work in topic.works:
        tag = _tag(work, essential_given, rng)
        essential_given = essential_given or tag == ESSENTIAL
        fields = {**work, **_workflow(work, statuses)}
        if tag == ESSENTIAL and rng.random() < 0.6:
            # Week by week: what is essential for week N is read by then.
            fields["due_date"] = today + datetime.timedelta(days=7 * (index - 1))
        citation_create(section=section, fields=fields, tags=[tags[tag]] if tag else [])
    return len(topic.works)


def _window(window: str, today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    if window == "closed":
        return today - datetime.timedelta(days=35), today - datetime.timedelta(days=3)
    if window == "future":
        return today + datetime.timedelta(days=14), None
    return None, None


def _tag(work: Work, essential_given: bool, rng: random.Random) -> str | None:
    if work["secondary_type"] == CitationKind.NOTE:
        return None
    if not essential_given or work.get("public_note"):
        # Items the instructor wrote a note for are the ones they insist on.
        return ESSENTIAL
    return rng.choices((ESSENTIAL, RECOMMENDED, OPTIONAL), weights=(2, 5, 3))[0]


def _statuses(items: str) -> Iterator[str]:
    if items == syllabi.PROCESSING:
        return itertools.cycle(_PROCESSING_CYCLE)
    done = CitationStatus.COMPLETE if items == syllabi.DONE else CitationStatus.BEING_PREPARED
    return itertools.repeat(done)


def _workflow(work: Work, statuses: Iterator[str]) -> dict[str, str]:
    if work["secondary_type"] == CitationKind.NOTE:
        # A note is the instructor's own text: nothing for the library to do.
        return {"status": CitationStatus.COMPLETE}
    status = next(statuses)
    return {"status": status, "library_note": _LIBRARY_NOTES.get(status, "")}
