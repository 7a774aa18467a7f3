"""The export page and downloads: formats, selection, and only what the user may see."""

# ruff: noqa: RUF001  (en dashes and typographic quotes are what the styles print)

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from readings.citations.bibtex import import_bibtex
from readings.citations.csl import import_csl_json
from readings.citations.models import Citation, CitationStatus
from readings.citations.ris import import_ris
from readings.citations.services import citation_create
from readings.citations.styles import format_citation
from readings.courses.services import course_create, course_enroll
from readings.institutions.services import institution_update
from readings.lists.models import PublicationStatus, Visibility
from readings.lists.services import list_create, section_create

pytestmark = pytest.mark.django_db

SECRETS = ("PRIVATE-INSTRUCTOR", "PRIVATE-LIBRARY", "Withdrawn pamphlet", "Future reading")


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="HIST101", title="Modern History")


@pytest.fixture
def student(make_user, course):
    user = make_user("stu", roles=["student"])
    course_enroll(course=course, user=user)
    return user


@pytest.fixture
def instructor(make_user, course):
    user = make_user("prof", roles=["instructor"])
    course.instructors.add(user)
    return user


@pytest.fixture
def reading_list(institution, course):
    reading_list = list_create(
        institution=institution,
        name="History: readings & more",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
        first_section="Week 1",
    )
    week1 = reading_list.sections.get()
    week2 = section_create(reading_list=reading_list, name="Week 2")
    later = section_create(
        reading_list=reading_list,
        name="Later",
        start_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    citation_create(
        section=week1,
        fields={
            "secondary_type": "BK",
            "title": "The structure of scientific revolutions",
            "authors": "Kuhn, Thomas S.",
            "publisher": "University of Chicago Press",
            "place": "Chicago",
            "publication_date": "1962",
            "instructor_note": "PRIVATE-INSTRUCTOR",
            "library_note": "PRIVATE-LIBRARY",
        },
    )
    citation_create(
        section=week1,
        fields={"title": "Withdrawn pamphlet", "status": CitationStatus.INACTIVE},
    )
    citation_create(
        section=week2,
        fields={
            "secondary_type": "CR",
            "title": "Molecular structure of nucleic acids",
            "container_title": "Nature",
            "authors": "Watson, James D.; Crick, Francis H. C.",
            "volume": "171",
            "issue": "4356",
            "pages": "737-738",
            "doi": "10.1038/171737a0",
            "publication_date": "1953",
        },
    )
    citation_create(
        section=week2,
        fields={"secondary_type": "BK", "title": "=1+1 <b>bold</b>", "publication_date": "2020"},
    )
    citation_create(section=later, fields={"title": "Future reading"})
    return reading_list


def _citations(reading_list, *titles):
    return [Citation.objects.get(reading_list=reading_list, title=t) for t in titles]


def _get(client, user, reading_list, fmt=None, **params):
    if user is not None:
        client.force_login(user)
    if fmt:
        url = reverse("exports:download", args=[reading_list.pk, fmt])
    else:
        url = reverse("exports:export", args=[reading_list.pk])
    return client.get(url, params)


KUHN_APA = (
    "Kuhn, T. S. (1962). The structure of scientific revolutions. University of Chicago Press."
)
WATSON_APA = (
    "Watson, J. D., & Crick, F. H. C. (1953). Molecular structure of nucleic acids. "
    "Nature, 171(4356), 737–738. https://doi.org/10.1038/171737a0"
)
FORMULA_APA = "=1+1 <b>bold</b>. (2020)."


def test_a_student_copies_the_apa_bibliography_grouped_by_section(client, student, reading_list):
    response = _get(client, student, reading_list, style="apa")

    assert response.status_code == 200
    assert response.context["text"] == (
        f"Week 1\n{KUHN_APA}\n\nWeek 2\n{WATSON_APA}\n{FORMULA_APA}\n"
    )
    html = response.content.decode()
    assert "<i>The structure of scientific revolutions</i>" in html
    assert "=1+1 &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html
    for secret in SECRETS:
        assert secret not in html
    assert "students cannot see" not in html


# Hand-checked against NLM's Citing Medicine (2nd ed.): the reference list is numbered in
# citation order, the number followed by a full stop and a space ("1. Kuhn TS. ...").
KUHN_VANCOUVER = (
    "Kuhn TS. The structure of scientific revolutions. Chicago: University of Chicago Press; 1962."
)
WATSON_VANCOUVER = (
    "Watson JD, Crick FHC. Molecular structure of nucleic acids. "
    "Nature. 1953;171(4356):737–738. doi:10.1038/171737a0"
)
FORMULA_VANCOUVER = "=1+1 <b>bold</b>. 2020."


def test_a_vancouver_bibliography_is_numbered_in_list_order_across_the_sections(
    client, student, reading_list
):
    response = _get(client, student, reading_list, style="vancouver")

    expected = (
        f"Week 1\n1. {KUHN_VANCOUVER}\n\nWeek 2\n2. {WATSON_VANCOUVER}\n3. {FORMULA_VANCOUVER}\n"
    )
    assert response.context["text"] == expected
    html = response.content.decode()
    assert '<p class="csl-entry">1. Kuhn TS. ' in html
    assert '<p class="csl-entry">3. =1+1 &lt;b&gt;bold&lt;/b&gt;. 2020.</p>' in html
    download = _get(client, student, reading_list, "bibliography", style="vancouver")
    assert download.content.decode() == expected


def test_a_selection_in_vancouver_is_numbered_from_one(client, student, reading_list):
    (watson,) = _citations(reading_list, "Molecular structure of nucleic acids")

    response = _get(client, student, reading_list, style="vancouver", ids=str(watson.pk))

    assert response.context["text"] == f"Week 2\n1. {WATSON_VANCOUVER}\n"


def test_vancouver_in_one_list_is_numbered_in_the_order_printed(client, student, reading_list):
    response = _get(client, student, reading_list, style="vancouver", arrangement="alphabetical")

    assert response.context["text"] == (
        f"1. {FORMULA_VANCOUVER}\n2. {KUHN_VANCOUVER}\n3. {WATSON_VANCOUVER}\n"
    )


def test_the_page_defaults_to_the_institutions_style(client, student, reading_list, institution):
    institution_update(institution=institution, default_citation_style="chicago-author-date")

    response = _get(client, student, reading_list)

    assert response.context["selection"].style == "chicago"
    assert (
        "Kuhn, Thomas S. 1962. The Structure of Scientific Revolutions."
        in (response.context["text"])
    )
    assert 'value="chicago" selected' in response.content.decode()


def test_one_alphabetical_list_has_no_section_headings(client, student, reading_list):
    response = _get(client, student, reading_list, style="apa", arrangement="alphabetical")

    assert response.context["text"] == f"{FORMULA_APA}\n{KUHN_APA}\n{WATSON_APA}\n"


def test_a_selection_exports_only_the_chosen_items(client, student, reading_list):
    kuhn, watson = _citations(
        reading_list,
        "The structure of scientific revolutions",
        "Molecular structure of nucleic acids",
    )

    response = _get(client, student, reading_list, style="apa", ids=f"{watson.pk},{kuhn.pk}")

    assert response.context["text"] == f"Week 1\n{KUHN_APA}\n\nWeek 2\n{WATSON_APA}\n"
    html = response.content.decode()
    assert "2 selected items of 3." in html
    assert f"ids={kuhn.pk}%2C{watson.pk}" in html  # downloads keep the selection


def test_repeated_ids_parameters_work_like_a_comma_list(client, student, reading_list):
    kuhn, watson = _citations(
        reading_list,
        "The structure of scientific revolutions",
        "Molecular structure of nucleic acids",
    )
    client.force_login(student)
    url = reverse("exports:download", args=[reading_list.pk, "bibliography"])

    response = client.get(f"{url}?style=apa&ids={kuhn.pk}&ids={watson.pk}")

    assert response.content.decode() == f"Week 1\n{KUHN_APA}\n\nWeek 2\n{WATSON_APA}\n"


def test_selected_ids_of_hidden_or_foreign_items_are_ignored(
    client, student, reading_list, make_list_elsewhere
):
    (kuhn,) = _citations(reading_list, "The structure of scientific revolutions")
    (hidden,) = _citations(reading_list, "Withdrawn pamphlet")
    foreign = make_list_elsewhere()

    response = _get(client, student, reading_list, "ris", ids=f"{kuhn.pk},{hidden.pk},{foreign.pk}")

    titles = [e["title"] for e in import_ris(response.content.decode()).entries]
    assert titles == ["The structure of scientific revolutions"]


def test_a_selection_with_nothing_visible_is_not_found(
    client, student, reading_list, make_list_elsewhere
):
    (hidden,) = _citations(reading_list, "Withdrawn pamphlet")
    foreign = make_list_elsewhere()

    response = _get(client, student, reading_list, "ris", ids=f"{hidden.pk},{foreign.pk}")

    assert response.status_code == 404
    assert "Foreign" not in response.content.decode()


@pytest.fixture
def make_list_elsewhere(other_institution):
    def make():
        other = list_create(
            institution=other_institution,
            name="Elsewhere",
            publication_status=PublicationStatus.PUBLISHED,
            visibility=Visibility.OPEN_TO_WORLD,
        )
        return citation_create(section=other.sections.get(), fields={"title": "Foreign item"})

    return make


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename"),
    [
        ("bibliography", "text/plain; charset=utf-8", "history-readings-more-apa.txt"),
        ("ris", "application/x-research-info-systems; charset=utf-8", "history-readings-more.ris"),
        ("bibtex", "application/x-bibtex; charset=utf-8", "history-readings-more.bib"),
        ("csl-json", "application/vnd.citationstyles.csl+json", "history-readings-more.json"),
        ("csv", "text/csv; charset=utf-8", "history-readings-more-apa.csv"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "history-readings-more-apa.docx",
        ),
        ("pdf", "application/pdf", "history-readings-more-apa.pdf"),
    ],
)
def test_each_download_has_its_content_type_and_a_filename_from_the_list_name(
    client, student, reading_list, fmt, content_type, filename
):
    response = _get(client, student, reading_list, fmt, style="apa")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = response.content
    for secret in SECRETS:
        assert secret.encode() not in body


def test_ris_bibtex_and_csl_json_downloads_read_back(client, student, reading_list):
    expected = [
        "The structure of scientific revolutions",
        "Molecular structure of nucleic acids",
        "=1+1 <b>bold</b>",
    ]
    for fmt, read in (("ris", import_ris), ("bibtex", import_bibtex), ("csl-json", None)):
        text = _get(client, student, reading_list, fmt).content.decode()
        result = read(text) if read else import_csl_json(text)
        assert result.errors == [], fmt
        assert [e["title"] for e in result.entries] == expected, fmt
    items = json.loads(_get(client, student, reading_list, "csl-json").content)
    assert items[1]["DOI"] == "10.1038/171737a0"


def test_the_csv_download_neutralises_formulas(client, student, reading_list):
    text = _get(client, student, reading_list, "csv", style="apa").content.decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Title"] for r in rows] == [
        "The structure of scientific revolutions",
        "Molecular structure of nucleic acids",
        "'=1+1 <b>bold</b>",
    ]
    assert rows[2]["Citation"] == "'" + FORMULA_APA
    assert rows[0]["Citation"] == KUHN_APA


def test_the_word_download_has_the_same_entries_as_the_page(client, student, reading_list):
    response = _get(client, student, reading_list, "docx", style="mla")

    document = Document(io.BytesIO(response.content))
    entries = [p.text for p in document.paragraphs if p.style.name == "Normal"]
    kuhn, watson, formula = _citations(
        reading_list,
        "The structure of scientific revolutions",
        "Molecular structure of nucleic acids",
        "=1+1 <b>bold</b>",
    )
    assert entries == [
        format_citation(kuhn, "mla").text,
        format_citation(watson, "mla").text,
        "'" + format_citation(formula, "mla").text,
    ]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["History: readings & more", "Week 1", "Week 2"]


def test_the_pdf_download_is_a_pdf(client, student, reading_list):
    response = _get(client, student, reading_list, "pdf", style="vancouver")

    assert response.content.startswith(b"%PDF-")
    assert b"History: readings & more" in response.content  # the document title


def test_the_word_download_numbers_a_vancouver_bibliography(client, student, reading_list):
    response = _get(client, student, reading_list, "docx", style="vancouver")

    document = Document(io.BytesIO(response.content))
    entries = [p.text for p in document.paragraphs if p.style.name == "Normal"]
    assert entries == [
        f"1. {KUHN_VANCOUVER}",
        f"2. {WATSON_VANCOUVER}",
        f"3. {FORMULA_VANCOUVER}",
    ]


def test_an_instructor_exports_everything_including_hidden_items(client, instructor, reading_list):
    response = _get(client, instructor, reading_list, "ris")

    titles = [e["title"] for e in import_ris(response.content.decode()).entries]
    assert "Withdrawn pamphlet" in titles
    assert "Future reading" in titles
    assert b"PRIVATE-INSTRUCTOR" not in response.content  # notes never leave in exports
    page = _get(client, instructor, reading_list)
    assert "Includes 2 items students cannot see." in page.content.decode()


def test_a_student_of_another_institution_gets_not_found(
    client, make_user, other_institution, reading_list
):
    outsider = make_user("outsider", roles=["student"], inst=other_institution)

    for fmt in (None, "ris", "pdf"):
        assert _get(client, outsider, reading_list, fmt).status_code == 404


def test_a_draft_list_is_not_found_for_a_student(client, student, institution, course):
    draft = list_create(institution=institution, name="Draft", courses=[course])

    assert _get(client, student, draft).status_code == 404
    assert _get(client, student, draft, "ris").status_code == 404


def test_anyone_can_export_a_list_open_to_the_world(client, institution):
    public = list_create(
        institution=institution,
        name="Open list",
        publication_status=PublicationStatus.PUBLISHED,
        visibility=Visibility.OPEN_TO_WORLD,
    )
    citation_create(section=public.sections.get(), fields={"title": "Open book"})

    page = _get(client, None, public, style="harvard")
    download = _get(client, None, public, "bibtex")

    assert page.status_code == 200
    assert "Open book (no date)" in page.context["text"]
    assert download.status_code == 200
    assert "Open book" in download.content.decode()


def test_signed_out_visitors_are_asked_to_sign_in_for_other_lists(client, reading_list):
    for fmt in (None, "ris"):
        response = _get(client, None, reading_list, fmt)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("fmt", "params", "status"),
    [
        (None, {"style": "ieee"}, 400),
        (None, {"format": "docx"}, 400),  # files are downloads, not text on the page
        (None, {"arrangement": "random"}, 400),
        (None, {"ids": "1,two"}, 400),
        ("exe", {}, 404),
    ],
)
def test_bad_choices_are_refused(client, student, reading_list, fmt, params, status):
    assert _get(client, student, reading_list, fmt, **params).status_code == status


def test_an_empty_list_says_there_is_nothing_to_export(client, instructor, institution, course):
    empty = list_create(institution=institution, name="Empty", courses=[course])

    response = _get(client, instructor, empty)

    assert response.status_code == 200
    assert "Nothing to export" in response.content.decode()
    assert _get(client, instructor, empty, "pdf").content.startswith(b"%PDF-")


@pytest.mark.parametrize("fmt", [None, "csv", "ris", "bibtex", "docx", "pdf"])
def test_the_number_of_queries_does_not_grow_with_the_list(client, student, reading_list, fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _get(client, None, reading_list, fmt).status_code == 200
        return len(captured)

    client.force_login(student)
    before = queries()
    section = reading_list.sections.get(name="Week 1")
    for n in range(10):
        citation_create(section=section, fields={"title": f"More {n}", "authors": "Doe, Jo"})

    assert queries() == before


def test_markup_in_list_and_section_names_is_shown_as_text(client, instructor, institution, course):
    tricky = list_create(
        institution=institution,
        name='<script>alert("list")</script>',
        courses=[course],
        first_section="<img src=x onerror=alert(1)>",
    )
    citation_create(section=tricky.sections.get(), fields={"title": "A book"})

    html = _get(client, instructor, tricky).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;list&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_exports_only_answer_get(client, student, reading_list):
    client.force_login(student)

    response = client.post(reverse("exports:download", args=[reading_list.pk, "ris"]))

    assert response.status_code == 405
