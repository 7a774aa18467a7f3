"""The demo institution: what it promises, built once, and usable by its printed accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count
from django.urls import reverse
from stdnum import isbn, issn

from readings.accounts.models import Role, RoleAssignment, User
from readings.citations.models import Citation, CitationKind, CitationStatus
from readings.courses.models import Course, Enrollment
from readings.demo import people
from readings.demo.build import build_demo
from readings.demo.credentials import demo_credentials
from readings.institutions.models import AcademicDepartment, Institution, Term
from readings.institutions.selectors import institution_today
from readings.lists.models import ListCourse, PublicationStatus, ReadingList, Section, Visibility

pytestmark = pytest.mark.django_db


def test_the_demo_has_four_departments_a_current_and_a_next_term_and_thirty_courses(demo):
    institution = demo.institution
    assert institution.code == "DEMO"
    assert institution.time_zone == "Europe/London"
    departments = set(
        AcademicDepartment.objects.filter(institution=institution).values_list("code", flat=True)
    )
    assert departments == {"HIST", "COMP", "BIOL", "ECON"}
    current, upcoming = Term.objects.filter(institution=institution).order_by("start_date")
    today = institution_today(institution)
    assert current.start_date <= today <= current.end_date
    assert upcoming.start_date > current.end_date
    courses = Course.objects.filter(institution=institution).annotate(
        n_terms=Count("terms", distinct=True), n_instructors=Count("instructors", distinct=True)
    )
    assert courses.count() == 30
    assert {c.academic_department.code for c in courses} == departments
    assert all(c.n_terms == 1 and c.n_instructors >= 1 for c in courses)
    assert {t.pk for c in courses for t in c.terms.all()} == {current.pk, upcoming.pk}


def test_the_printed_accounts_cover_every_role_and_sign_in_with_their_passwords(demo):
    roles = RoleAssignment.objects.filter(user__institution=demo.institution)
    assert set(roles.values_list("role", flat=True)) == set(Role.values)
    printed = demo_credentials()
    for role in Role.values:
        first = next(c for c in printed if c.password == people.password_for(role))
        user = authenticate(username=first.username, password=first.password)
        assert user is not None and user.has_role(role), first.username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    librarians = User.objects.filter(roles__role=Role.LIBRARIAN, institution=demo.institution)
    assert {d.code for u in librarians for d in u.processing_departments.all()} == {
        "MAIN",
        "SCIENCE",
    }
    students = Enrollment.objects.filter(course__institution=demo.institution)
    assert students.values("user").distinct().count() == 20


def test_the_demo_has_ten_lists_and_two_hundred_citations_of_every_kind(demo):
    lists = ReadingList.objects.filter(institution=demo.institution, is_template=False)
    citations = Citation.objects.filter(reading_list__in=lists)
    assert lists.count() == 10
    assert citations.count() == 200
    assert set(citations.values_list("secondary_type", flat=True)) == set(CitationKind.values)
    assert {"ESSENTIAL", "RECOMMENDED", "OPTIONAL"} <= set(
        citations.values_list("tags__code", flat=True)
    )
    assert citations.exclude(public_note="").exists()
    assert citations.exclude(instructor_note="").exists()
    assert citations.filter(due_date__isnull=False).exists()


def test_the_lists_show_every_publication_state_visibility_and_library_wait(demo):
    lists = ReadingList.objects.filter(institution=demo.institution)
    assert set(lists.values_list("publication_status", flat=True)) == set(PublicationStatus.values)
    assert {Visibility.COURSE, Visibility.INSTITUTION, Visibility.OPEN_TO_WORLD} <= set(
        lists.filter(publication_status=PublicationStatus.PUBLISHED).values_list(
            "visibility", flat=True
        )
    )
    linked = ListCourse.objects.filter(reading_list__in=lists).values("reading_list")
    assert linked.annotate(n=Count("course")).filter(n=2).exists()
    assert demo.institution.require_library_completion
    assert (
        Citation.objects.filter(
            reading_list__in=lists, reading_list__publication_status=PublicationStatus.PUBLISHED
        )
        .exclude(status=CitationStatus.COMPLETE)
        .exists()
    )
    today = institution_today(demo.institution)
    sections = Section.objects.filter(reading_list__in=lists)
    assert sections.filter(start_date__gt=today).exists()
    assert sections.filter(end_date__lt=today).exists()


def test_every_identifier_in_the_demo_is_valid(demo):
    citations = Citation.objects.filter(reading_list__institution=demo.institution)
    assert citations.exclude(isbn="").count() > 50
    assert citations.exclude(issn="").count() > 40
    for citation in citations:
        assert not citation.isbn or isbn.is_valid(citation.isbn), citation.title
        assert not citation.issn or issn.is_valid(citation.issn), citation.title
        assert not citation.doi or citation.doi.startswith("10."), citation.title
        assert not citation.url or citation.url.startswith("https://"), citation.title
        for name in citation.authors:
            assert "literal" in name or {"family", "given"} <= set(name), citation.title


def test_positions_are_contiguous_in_every_list_and_section(demo):
    for reading_list in ReadingList.objects.filter(institution=demo.institution):
        positions = list(reading_list.sections.values_list("position", flat=True))
        assert sorted(positions) == list(range(len(positions))), reading_list.code
    # A template's later weeks are empty on purpose: instructors fill them.
    course_sections = Section.objects.filter(
        reading_list__institution=demo.institution, reading_list__is_template=False
    )
    for section in course_sections:
        positions = list(section.citations.values_list("position", flat=True))
        assert positions, section.name
        assert sorted(positions) == list(range(len(positions))), section.name


def test_building_the_demo_again_creates_nothing(demo):
    def counts():
        return [
            model.objects.count()
            for model in (Institution, User, Course, Enrollment, ReadingList, Section, Citation)
        ]

    before = counts()
    again = build_demo()
    assert not again.created
    assert again.institution == demo.institution
    assert counts() == before


def test_the_printed_student_sees_a_published_list_with_its_citations(demo, client):
    student = next(c for c in demo_credentials() if c.username == people.MAIN_STUDENT.username)
    assert client.login(username=student.username, password=student.password)
    home = client.get(reverse("courses:home"))
    assert "HIST1010" in home.content.decode()
    reading_list = ReadingList.objects.get(code="RL-HIST1010")
    response = client.get(reverse("lists:detail", args=[reading_list.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Time, Work-Discipline, and Industrial Capitalism" in html
    assert html.count('<li class="citation') > 20
    # The section that opens in two weeks and the one that closed stay hidden.
    assert "Revision and exam preparation" not in html
    assert "Before term: preparatory reading" not in html


def test_an_instructor_sees_items_waiting_for_the_library_that_students_do_not(demo, client):
    reading_list = ReadingList.objects.get(code="RL-HIST2040")
    url = reverse("lists:detail", args=[reading_list.pk])
    client.login(username="instructor", password=people.password_for(Role.INSTRUCTOR))
    as_instructor = client.get(url).content.decode()
    assert "waiting for the library" in as_instructor
    client.logout()
    client.login(username="student", password=people.password_for(Role.STUDENT))
    as_student = client.get(url).content.decode()
    assert "waiting for the library" not in as_student
    assert as_student.count('<li class="citation') < as_instructor.count('<li class="citation')


def test_the_demo_offers_a_template_with_weekly_sections(demo):
    template = ReadingList.objects.get(institution=demo.institution, is_template=True)
    assert list(template.sections.values_list("name", flat=True)) == [
        "Week 1",
        "Week 2",
        "Week 3",
        "Week 4",
    ]


def test_the_demo_lists_are_in_use_by_students(demo):
    from readings.engagement.models import Comment, Completion, PrivateNote

    student = User.objects.get(username="student")
    assert Completion.objects.filter(citation__reading_list__institution=demo.institution).exists()
    assert PrivateNote.objects.filter(user=student).count() == 1
    assert Comment.objects.exists()
