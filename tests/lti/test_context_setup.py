"""An LMS course Readings does not know: its instructor picks a list or rolls last term's over."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from lti.platform import ROLE
from readings.citations.services import citation_create
from readings.core.exceptions import Conflict
from readings.courses.models import Course, Enrollment
from readings.courses.services import course_create
from readings.institutions.services import term_create
from readings.lists.models import (
    ListStatus,
    MemberRole,
    PublicationStatus,
    ReadingList,
    Visibility,
)
from readings.lists.services import (
    list_create,
    list_update,
    member_set,
    section_create,
    section_set_tags,
    tag_create,
)
from readings.lti.context_setup import context_course_create
from readings.lti.models import ContextLink

INSTRUCTOR = [ROLE + "Instructor"]
LEARNER = [ROLE + "Learner"]
# "HIST101" is shared by several sections below, so the rule matches none of them.
UNMATCHED = {"id": "lms-course-7", "label": "hist101", "title": "Modern History (this term)"}


def _launch(client, lms, person, *, roles=INSTRUCTOR, context=UNMATCHED) -> str:
    response = lms.launch(
        client,
        sub=f"sub-{person.username}",
        roles=roles,
        lis={"person_sourcedid": person.primary_id},
        context=context,
    )
    assert response.status_code == 302, response.content.decode()[:800]
    return response["Location"]


def _days(n: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=n)


@pytest.fixture
def teacher(make_user):
    return make_user("teach")


@pytest.fixture
def terms(institution):
    return {
        "older": term_create(
            institution=institution,
            code="OLDER",
            name="Two terms ago",
            start_date=_days(-400),
            end_date=_days(-300),
        ),
        "last": term_create(
            institution=institution,
            code="LAST",
            name="Last term",
            start_date=_days(-200),
            end_date=_days(-100),
        ),
        "next": term_create(
            institution=institution,
            code="NEXT",
            name="Next term",
            start_date=_days(100),
            end_date=_days(200),
        ),
    }


def _course(institution, terms, which: str, teacher, *, code="HIST101") -> Course:
    return course_create(
        institution=institution,
        code=code,
        section=which.upper(),
        title=f"Modern History ({which})",
        terms=[terms[which]],
        instructors=[teacher],
    )


def _list(institution, course, name: str, **fields) -> ReadingList:
    return list_create(institution=institution, name=name, courses=[course], **fields)


# Choosing an existing list -------------------------------------------------------------


def test_an_instructor_is_offered_their_own_lists_and_those_of_courses_they_teach(
    client, lms, institution, teacher, make_user, terms
):
    owned = list_create(institution=institution, name="My shared list", acting_user=teacher)
    taught_course = _course(institution, terms, "last", teacher, code="HIST555")
    taught = _list(institution, taught_course, "Taught list")
    collaborator = list_create(institution=institution, name="Co-edited list")
    member_set(reading_list=collaborator, user=teacher, role=MemberRole.EDIT)
    foreign = list_create(institution=institution, name="Not mine", acting_user=make_user("x"))

    page = client.get(_launch(client, lms, teacher)).content.decode()

    assert "Use one of your lists" in page
    for offered in (owned, taught, collaborator):
        assert f'name="list" value="{offered.pk}"' in page
    assert f'value="{foreign.pk}"' not in page


def test_picking_a_list_creates_the_course_links_the_list_and_remembers_the_lms_course(
    client, lms, institution, teacher
):
    other_course = course_create(institution=institution, code="HIST900", title="Elsewhere")
    chosen = list_create(
        institution=institution,
        name="Tried and tested",
        acting_user=teacher,
        courses=[other_course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    landing = _launch(client, lms, teacher, context={**UNMATCHED, "label": "NEW200"})

    response = client.post(landing, {"choice": "pick", "list": chosen.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/lists/{chosen.pk}/"
    course = Course.objects.get(code="NEW200")
    assert course.title == "Modern History (this term)"
    assert set(chosen.courses.all()) == {other_course, course}
    assert ContextLink.objects.get(context_id="lms-course-7").course == course
    assert Enrollment.objects.get(course=course, user=teacher).role == "instructor"
    # The next student from that LMS course lands on the chosen list.
    student = Client()
    again = lms.launch(student, sub="stu-1", context={**UNMATCHED, "label": "NEW200"})
    assert again["Location"] == f"/lists/{chosen.pk}/"


def test_picking_a_list_that_was_not_offered_is_refused(
    client, lms, institution, teacher, make_user
):
    foreign = list_create(institution=institution, name="Not yours", acting_user=make_user("x"))
    landing = _launch(client, lms, teacher)

    response = client.post(landing, {"choice": "pick", "list": foreign.pk})

    assert response.status_code == 404
    assert not foreign.courses.exists()
    assert not Course.objects.exists()
    assert ContextLink.objects.get().course is None


# Rolling over last term's list ---------------------------------------------------------


def test_rollover_offers_the_latest_earlier_term_s_list_never_a_later_one(
    client, lms, institution, teacher, terms
):
    _list(institution, _course(institution, terms, "older", teacher), "Two terms ago's list")
    last = _list(institution, _course(institution, terms, "last", teacher), "Last term's list")
    _list(institution, _course(institution, terms, "next", teacher), "Next term's list")

    page = client.get(_launch(client, lms, teacher)).content.decode()

    assert "Roll over last term" in page
    assert "From HIST101 (LAST) Modern History (last)" in page
    rollover = page.split("Roll over last term", 1)[1].split("</form>", 1)[0]
    assert f'value="{last.pk}"' in rollover
    assert "Two terms ago" not in rollover
    assert "Next term" not in rollover


def test_rollover_copies_sections_citations_tags_and_notes_as_a_fresh_draft(
    client, lms, institution, teacher, terms
):
    last_course = _course(institution, terms, "last", teacher)
    _course(institution, terms, "older", teacher)  # a second HIST101, so the rule matches none
    source = _list(
        institution,
        last_course,
        "Last term's list",
        first_section="Week 1",
        visibility=Visibility.INSTITUTION,
    )
    week1 = source.sections.get()
    week2 = section_create(reading_list=source, name="Week 2")
    essential = tag_create(institution=institution, code="SEMINAR", name="For the seminar")
    section_set_tags(section=week2, tags=[essential])
    citation_create(
        section=week1,
        fields={
            "title": "The Age of Extremes",
            "public_note": "Read chapter 1.",
            "instructor_note": "Ask about chapter 2.",
            "library_note": "Two copies on short loan.",
        },
        tags=[essential],
    )
    citation_create(section=week2, fields={"title": "Postwar"})
    list_update(
        list_id=source.pk,
        status=ListStatus.COMPLETE,
        publication_status=PublicationStatus.PUBLISHED,
    )
    landing = _launch(client, lms, teacher)

    response = client.post(landing, {"choice": "rollover", "list": source.pk})

    copy = ReadingList.objects.exclude(pk=source.pk).get()
    assert response["Location"] == f"/lists/{copy.pk}/"
    assert copy.rolled_from == source
    assert (copy.status, copy.publication_status) == (
        ListStatus.BEING_PREPARED,
        PublicationStatus.DRAFT,
    )
    assert (copy.name, copy.visibility) == ("Last term's list", Visibility.INSTITUTION)
    sections = list(copy.sections.order_by("position"))
    assert [s.name for s in sections] == ["Week 1", "Week 2"]
    assert list(sections[1].tags.all()) == [essential]
    first = sections[0].citations.get()
    assert (first.title, first.public_note, first.instructor_note, first.library_note) == (
        "The Age of Extremes",
        "Read chapter 1.",
        "Ask about chapter 2.",
        "Two copies on short loan.",
    )
    assert list(first.tags.all()) == [essential]
    assert sections[1].citations.get().title == "Postwar"
    # The source is untouched, and the new course knows where it came from.
    assert source.citations.count() == 2
    assert source.courses.get() == last_course
    new_course = copy.courses.get()
    assert (new_course.code, new_course.rolled_from) == ("HIST101", last_course)
    assert ContextLink.objects.get().course == new_course
    assert copy.members.get(user=teacher).role == MemberRole.OWNER


def test_rollover_follows_the_rolled_from_chain_past_a_course_without_a_list(
    client, lms, institution, teacher, terms
):
    ancestor = course_create(
        institution=institution, code="HISTORY-1", title="History, old code", year=2019
    )
    source = _list(institution, ancestor, "The list from the old code", acting_user=teacher)
    course_create(  # last term's HIST101, rolled over from the old code, never given a list
        institution=institution,
        code="HIST101",
        section="LAST",
        title="Modern History (last)",
        terms=[terms["last"]],
        instructors=[teacher],
        rolled_from=ancestor,
    )
    _course(institution, terms, "older", teacher)  # a second HIST101, so the rule matches none

    page = client.get(_launch(client, lms, teacher)).content.decode()

    assert "From HISTORY-1 History, old code" in page
    assert f'value="{source.pk}"' in page


def test_an_lms_course_unlinked_from_last_term_s_course_offers_that_course_s_list(
    client, lms, institution, teacher
):
    """An LMS course reused for a new term: earlier launches from it say where it was."""
    old = course_create(institution=institution, code="HIST101", title="History, last year")
    source = _list(institution, old, "Last year's list", acting_user=teacher)
    assert ContextLink.objects.count() == 0
    _launch(client, lms, teacher)
    ContextLink.objects.update(course=None, matched_by="")
    Course.objects.filter(pk=old.pk).update(code="HIST101-2025")  # no longer matched by rule

    again = Client()
    page = again.get(_launch(again, lms, teacher)).content.decode()

    assert "From HIST101-2025 History, last year" in page
    assert f'value="{source.pk}"' in page


def test_rollover_never_offers_or_copies_a_list_the_instructor_cannot_see(
    client, lms, institution, teacher, make_user, terms
):
    stranger = make_user("stranger")
    hidden_course = _course(institution, terms, "last", stranger)
    hidden = _list(institution, hidden_course, "Someone's draft")
    _course(institution, terms, "older", stranger)
    landing = _launch(client, lms, teacher)

    assert "Roll over last term" not in client.get(landing).content.decode()
    response = client.post(landing, {"choice": "rollover", "list": hidden.pk})

    assert response.status_code == 404
    assert ReadingList.objects.count() == 1
    assert not Course.objects.filter(code="HIST101", section="").exists()


def test_rollover_of_a_list_that_was_not_offered_is_refused(
    client, lms, institution, teacher, terms
):
    _list(institution, _course(institution, terms, "last", teacher), "Last term's list")
    later = _list(institution, _course(institution, terms, "next", teacher), "Next term's list")
    landing = _launch(client, lms, teacher)

    response = client.post(landing, {"choice": "rollover", "list": later.pk})

    assert response.status_code == 404
    assert ReadingList.objects.count() == 2
    assert ContextLink.objects.get().course is None


# Who may ------------------------------------------------------------------------------


def test_a_student_never_sees_the_choices_and_cannot_post_them(
    client, lms, institution, make_user, terms
):
    student = make_user("stu")
    last = _list(
        institution,
        _course(institution, terms, "last", make_user("prof")),
        "Last term's list",
        publication_status=PublicationStatus.PUBLISHED,
        visibility=Visibility.INSTITUTION,
    )
    _course(institution, terms, "older", make_user("prof2"))
    landing = _launch(client, lms, student, roles=LEARNER)

    page = client.get(landing).content.decode()
    assert "There is no reading list for this course yet" in page
    main = page.split('id="main"', 1)[1].split("</main>", 1)[0]
    assert "<form" not in main
    for choice in ("create", "pick", "rollover"):
        response = client.post(landing, {"choice": choice, "list": last.pk})
        assert response.status_code == 403, choice
    assert ReadingList.objects.count() == 1
    assert ContextLink.objects.get().course is None


def test_an_older_instructor_session_is_refused_once_the_lms_says_student(
    client, lms, institution, teacher
):
    """The latest launch's role wins, even over a session opened as instructor earlier."""
    mine = list_create(institution=institution, name="Mine", acting_user=teacher)
    landing = _launch(client, lms, teacher)
    _launch(Client(), lms, teacher, roles=LEARNER)

    for data in ({"choice": "create"}, {"choice": "pick", "list": mine.pk}):
        assert client.post(landing, data).status_code == 403
    assert not Course.objects.exists()


def test_an_unknown_choice_is_refused(client, lms, teacher):
    landing = _launch(client, lms, teacher)
    assert client.post(landing, {"choice": "everything"}).status_code == 400
    assert not Course.objects.exists()


def test_a_second_setup_of_the_same_lms_course_is_refused_as_a_conflict(client, lms, teacher):
    """Two instructors choosing at once: the second finds the course already there."""
    _launch(client, lms, teacher)
    context = ContextLink.objects.get()
    stale = ContextLink.objects.get()
    context_course_create(context=context, acting_user=teacher)

    with pytest.raises(Conflict):
        context_course_create(context=stale, acting_user=teacher)
    assert Course.objects.count() == 1
