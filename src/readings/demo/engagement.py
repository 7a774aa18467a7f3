"""What students have already done with the demo's lists: done marks, likes, notes, talk.

A newcomer opening the demo as a student or instructor sees a list in use, not an
empty one: some items ticked off, a few likes, a private note and a short discussion.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from readings.accounts.models import Role, User
from readings.citations.access import access_citation_by_id
from readings.citations.models import Citation
from readings.core.exceptions import ApplicationError
from readings.engagement import services
from readings.lists.models import PublicationStatus, ReadingList

COMMENTS = (
    "Is the second chapter enough for the seminar, or should we read the whole book?",
    "The library copy is on loan; the e-book link works from home though.",
    "This one was really helpful for the essay question on sources.",
)


def build_engagement(
    *, users: dict[str, User], rng: random.Random, say: Callable[[str], None]
) -> None:
    students = [u for name, u in sorted(users.items()) if _is_student(u)][:8]
    marks = 0
    for student in students:
        for citation in _readable_citations(student)[:6]:
            if rng.random() < 0.5:
                services.citation_mark_done(user=student, citation=citation, done=True)
                marks += 1
            if rng.random() < 0.3:
                services.citation_like(user=student, citation=citation, liked=True)
    _first_student_notes(users.get("student"))
    _a_discussion(students)
    say(f"Engagement: {marks} items marked done, likes, a private note and a discussion")


def _is_student(user: User) -> bool:
    return user.role_set == {Role.STUDENT}


def _readable_citations(user: User) -> list[Citation]:
    candidates = (
        Citation.objects.filter(
            reading_list__publication_status=PublicationStatus.PUBLISHED,
            reading_list__courses__enrollments__user=user,
        )
        .order_by("reading_list_id", "section__position", "position")
        .distinct()[:40]
    )
    readable = []
    for citation in candidates:
        try:
            access_citation_by_id(user, citation.pk)
        except ApplicationError:
            continue
        readable.append(citation)
    return readable


def _first_student_notes(student: User | None) -> None:
    if student is None:
        return
    citations = _readable_citations(student)
    if citations:
        services.private_note_save(
            user=student,
            citation=citations[0],
            text="Start here: read the introduction before the seminar.",
        )


def _a_discussion(students: list[User]) -> None:
    if len(students) < 2:
        return
    citations = _readable_citations(students[0])
    if not citations:
        return
    reading_list: ReadingList = citations[0].reading_list
    discussion = services.discussion_get_or_create(reading_list=reading_list)
    for student, body in zip(students, COMMENTS, strict=False):
        services.comment_post(user=student, discussion=discussion, body=body)
