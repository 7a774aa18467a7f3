"""The report of a web load: filters, CSV and JSON downloads, and the size limit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from loader_files import course

from readings.loaders.models import Load

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def checked(submit, course_file) -> Load:
    """A dry run with two errors (lines 2 and 3) and one warning (line 4)."""
    path = course_file(
        [
            course("A1", END_DATE="2026-08-01"),
            course("A2", NUM_OF_PARTICIPANTS="=1+1"),
            course("A3", ALL_INSTRUCTORS="newprof"),
        ]
    )
    submit(path, mode="dry_run")
    return Load.objects.get()


def _shown(client, load: Load, **filters) -> list[tuple[str, str, str]]:
    """(type, line, column) of each problem row the page shows."""
    page = client.get(reverse("loaders:detail", args=[load.pk]), filters).content.decode()
    rows = page.split('<table class="table problems">', 1)[1].split("</tbody>")[0]
    found = []
    for row in rows.split('<tr class="problem-')[1:]:
        kind = row.split('"', 1)[0]
        cells = [c.split("</td>")[0] for c in row.split("<td")[2:4]]
        line, column = (c.split(">", 1)[1] for c in cells)
        found.append((kind, line, column))
    return found


def test_the_report_lists_errors_and_warnings_in_line_order(librarian_client, checked):
    assert _shown(librarian_client, checked) == [
        ("error", "2", "END_DATE"),
        ("error", "3", "NUM_OF_PARTICIPANTS"),
        ("warning", "4", "ALL_INSTRUCTORS"),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"show": "errors"}, [("error", "2", "END_DATE"), ("error", "3", "NUM_OF_PARTICIPANTS")]),
        ({"show": "warnings"}, [("warning", "4", "ALL_INSTRUCTORS")]),
        ({"column": "END_DATE"}, [("error", "2", "END_DATE")]),
        ({"q": "NEWPROF"}, [("warning", "4", "ALL_INSTRUCTORS")]),
    ],
)
def test_filters_narrow_the_problems_by_type_column_and_text(
    librarian_client, checked, filters, expected
):
    assert _shown(librarian_client, checked, **filters) == expected


def test_filters_that_match_nothing_say_so_and_show_no_table(librarian_client, checked):
    url = reverse("loaders:detail", args=[checked.pk])

    page = librarian_client.get(url, {"show": "warnings", "column": "END_DATE"}).content.decode()

    assert "0 problems shown" in page
    assert '<table class="table problems">' not in page
    assert f'<a href="{url}">Show all</a>' in page


def test_the_column_filter_offers_the_columns_the_report_names(librarian_client, checked):
    page = librarian_client.get(reverse("loaders:detail", args=[checked.pk])).content.decode()
    select = page.split('<select name="column"', 1)[1].split("</select>", 1)[0]
    assert [o.split('"')[1] for o in select.split("<option value=")[1:]] == [
        "",
        "-",
        "ALL_INSTRUCTORS",
        "END_DATE",
        "NUM_OF_PARTICIPANTS",
    ]


def test_the_csv_download_neutralises_formulas_and_keeps_the_filters(librarian_client, checked):
    url = reverse("loaders:report_csv", args=[checked.pk])

    response = librarian_client.get(url, {"show": "errors"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="load-{checked.pk}-report.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["type", "line", "column", "value", "message"]
    assert [r[:4] for r in rows[1:]] == [
        ["error", "2", "END_DATE", "2026-08-01"],
        ["error", "3", "NUM_OF_PARTICIPANTS", "'=1+1"],
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_json_download_is_the_whole_report(librarian_client, checked):
    response = librarian_client.get(reverse("loaders:report_json", args=[checked.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    report = json.loads(response.content)
    assert report == checked.report
    assert (report["rows"], report["error_count"], report["warning_count"]) == (3, 2, 1)
    assert report["errors"][1]["value"] == "=1+1"  # JSON keeps the value as it was


def test_html_in_a_value_is_shown_as_text(submit, course_file):
    page = submit(
        course_file([course("A1", NUM_OF_PARTICIPANTS="<script>alert(1)</script>")])
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_file_over_the_size_limit_is_refused_with_the_limit_and_nothing_is_kept(
    submit, course_file, settings
):
    settings.READINGS_LOAD_UPLOAD_MAX_BYTES = 1000
    path = course_file([course(f"C{n}") for n in range(40)])
    assert path.stat().st_size > 1000

    response = submit(path, kind="lists", mode="apply")

    assert response.status_code == 400
    page = response.content.decode()
    assert "files of up to 1000\xa0bytes can be loaded here" in page
    # The choices sent before the file were kept.
    assert 'value="lists" id="id_kind_1" required checked>' in page
    assert not Load.objects.exists()
    assert not [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_file_of_exactly_the_limit_is_taken(submit, course_file, settings):
    path = course_file([course("C1")])
    settings.READINGS_LOAD_UPLOAD_MAX_BYTES = path.stat().st_size

    submit(path, mode="dry_run")

    assert Load.objects.get().rows == 1
