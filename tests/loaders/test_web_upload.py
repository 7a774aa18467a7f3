"""Loading a file from the web page: upload, dry run or apply, and the report it shows."""

from __future__ import annotations

import re
import shutil

import pytest
from django.urls import reverse
from loader_files import DATA, course

from readings.courses.models import Course
from readings.loaders.models import Load, LoadStatus

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def _cells(html: str) -> list[list[str]]:
    """The problems table as rows of cell texts (tags dropped)."""
    table = html.split('<table class="table problems">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


def test_a_dry_run_upload_redirects_to_the_report_and_changes_nothing(submit, course_file):
    response = submit(course_file([course("HIST101"), course("HIST102")]), mode="dry_run")

    load = Load.objects.get()
    assert response.request["PATH_INFO"] == reverse("loaders:detail", args=[load.pk])
    assert load.status == LoadStatus.CHECKED
    assert (load.source, load.rows) == ("web", 2)
    assert not Course.objects.exists()
    page = response.content.decode()
    assert "Dry run: nothing was applied. The file can be loaded as it is." in page
    assert '<tr><th scope="row">would create</th><td class="num">2</td></tr>' in page


def test_an_apply_upload_creates_the_courses_and_reports_the_count(submit, course_file, librarian):
    response = submit(course_file([course("HIST101"), course("HIST102")]), mode="apply")

    load = Load.objects.get()
    assert load.status == LoadStatus.APPLIED
    assert load.started_by == librarian
    assert sorted(Course.objects.values_list("code", flat=True)) == ["HIST101", "HIST102"]
    page = response.content.decode()
    assert "Applied: the 2 rows of the file were loaded." in page
    assert '<tr><th scope="row">created</th><td class="num">2</td></tr>' in page


def test_a_file_with_errors_applies_nothing_and_lists_each_error_by_line_and_column(
    submit, course_file
):
    path = course_file(
        [
            course("HIST101"),
            course("HIST102", END_DATE="2026-08-01"),
            course("HIST103", NUM_OF_PARTICIPANTS="-4"),
        ]
    )

    response = submit(path, mode="apply")

    assert Load.objects.get().status == LoadStatus.REJECTED
    assert not Course.objects.exists()
    page = response.content.decode()
    assert "Nothing was applied: the file has 2 errors." in page
    assert _cells(page) == [
        [
            "Error",
            "3",
            "END_DATE",
            "2026-08-01",
            "END_DATE &#x27;2026-08-01&#x27; is before START_DATE &#x27;2026-09-01&#x27;.",
        ],
        [
            "Error",
            "4",
            "NUM_OF_PARTICIPANTS",
            "-4",
            "NUM_OF_PARTICIPANTS &#x27;-4&#x27; is negative; it must be 0 or more.",
        ],
    ]


def test_the_lancaster_sample_reports_the_end_date_before_the_start_date(submit, tmp_path):
    sample = shutil.copy(DATA / "lancaster-courses-new.tsv", tmp_path / "lancaster.tsv")

    page = submit(sample, mode="apply").content.decode()

    assert not Course.objects.exists()
    assert [
        "Error",
        "3",
        "END_DATE",
        "2017-03-31",
        "END_DATE &#x27;2017-03-31&#x27; is before START_DATE &#x27;2018-01-14&#x27;.",
    ] in _cells(page)


def test_apply_valid_rows_applies_the_good_rows_and_reports_the_others(submit, course_file):
    path = course_file([course("HIST101"), course("HIST102", END_DATE="2026-08-01")])

    page = submit(path, mode="apply_valid").content.decode()

    assert Load.objects.get().status == LoadStatus.APPLIED_VALID
    assert list(Course.objects.values_list("code", flat=True)) == ["HIST101"]
    assert "Applied the 1 row without errors; 1 row with errors was skipped." in page


def test_the_uploaded_file_is_deleted_once_the_load_has_run(submit, course_file, settings):
    submit(course_file([course("HIST101")]), mode="dry_run")

    assert Load.objects.get().stored_file == ""
    uploads = settings.MEDIA_ROOT / "loads"
    assert [p for p in uploads.rglob("*") if p.is_file()] == []


def test_a_reading_list_file_loads_from_the_same_page(submit, tmp_path, uni):
    from loader_files import citation, list_header, write_lines

    from readings.courses.services import course_create
    from readings.lists.models import ReadingList

    course_create(institution=uni, code="HIST101", section="1", title="History")
    path = write_lines(
        tmp_path / "lists.tsv", [citation("L1", "The Age of Extremes")], header=list_header()
    )

    submit(path, kind="lists", mode="apply")

    assert Load.objects.get().status == LoadStatus.APPLIED
    assert list(ReadingList.objects.values_list("code", flat=True)) == ["L1"]


def test_an_upload_without_a_file_shows_the_form_again_with_the_reason(librarian_client):
    response = librarian_client.post(reverse("loaders:new"), {"kind": "courses", "mode": "apply"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Load.objects.exists()


def test_unusable_institution_settings_are_shown_on_the_form(submit, course_file, uni):
    uni.settings = {"rollover_list_status": "nonsense"}
    uni.save(update_fields=["settings"])

    response = submit(course_file([course("HIST101")]), mode="apply", follow=False)

    assert response.status_code == 400
    assert "rollover_list_status is &#x27;nonsense&#x27;" in response.content.decode()
    assert not Load.objects.exists()


def test_the_upload_form_is_labelled_and_groups_its_choices(librarian_client):
    page = librarian_client.get(reverse("loaders:new")).content.decode()

    assert "<legend>What the file holds</legend>" in page
    assert "<legend>What to do</legend>" in page
    assert '<label for="id_file">File</label>' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Up to 200.0\xa0MB." in page
