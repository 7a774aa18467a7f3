"""A load's outcome in words: French on a French page, English on the command line."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from readings.loaders.summary import page_verdict, summary_lines

NBSP = "\u00a0"

DRY_RUN = {
    "kind": "courses",
    "file": "courses.tsv",
    "applied": False,
    "dry_run": True,
    "rows": 5,
    "created": 1,
    "skipped": 2,
    "error_count": 2,
    "errors": [{"line": 3, "message": "No such term."}, {"line": 4, "message": "Bad date."}],
    "profile": {
        "academic_departments": {"CRS": 1},
        "date_ranges": {"start": {"first": "2027-01-04", "last": "2027-03-29"}},
    },
}


@pytest.fixture(autouse=True)
def _language_restored():
    language = translation.get_language()
    yield
    translation.activate(language)


def test_the_command_line_summary_stays_english_in_the_default_language():
    with translation.override("en"):
        lines = summary_lines(DRY_RUN, profile=True)

    assert lines[0] == "Checked courses.tsv (5 rows)."
    assert lines[1] == "  would create 1 · update 0 · delete 0 · skip 2"
    assert "2 errors:" in lines
    assert "  line 3, No such term." in lines
    assert "  academic departments: CRS (1)" in lines
    assert "  date ranges: start 2027-01-04 to 2027-03-29" in lines
    assert lines[-1] == "Dry run: nothing was applied. Fix the 2 errors before loading."


def test_the_summary_reads_in_french_when_the_language_is_french():
    with translation.override("fr"):
        lines = summary_lines(DRY_RUN, profile=True)

    assert lines[0] == "Vérifié" + NBSP + ": courses.tsv (5 lignes)."
    assert lines[1] == "  prévu" + NBSP + ": créer 1 · mettre à jour 0 · supprimer 0 · ignorer 2"
    assert "2 erreurs" + NBSP + ":" in lines
    assert "  ligne 3, No such term." in lines
    assert "  départements d'enseignement" + NBSP + ": CRS (1)" in lines
    assert "  plages de dates" + NBSP + ": start du 2027-01-04 au 2027-03-29" in lines
    assert lines[-1].startswith("Simulation" + NBSP + ": rien n'a été appliqué.")


def test_summaries_leave_the_report_and_its_field_names_alone():
    report = copy.deepcopy(DRY_RUN)
    with translation.override("fr"):
        summary_lines(report, profile=True)
        page_verdict(report, "checked")

    assert report == DRY_RUN


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        (
            "en",
            "Applied: the 1 row of the file was loaded.",
            "Applied: the 3 rows of the file were loaded.",
        ),
        (
            "fr",
            "Appliqué" + NBSP + ": 1 ligne du fichier a été chargée.",
            "Appliqué" + NBSP + ": les 3 lignes du fichier ont été chargées.",
        ),
    ],
)
def test_the_page_verdict_agrees_with_the_number_of_rows(language, one, many):
    with translation.override(language):
        assert page_verdict({"rows": 1}, "applied") == one
        assert page_verdict({"rows": 3}, "applied") == many
