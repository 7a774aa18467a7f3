"""Why an imported entry was left out is told in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from readings.citations.csl import import_csl_json
from readings.citations.metadata import clean_citation_fields
from readings.citations.ris import import_ris
from readings.core.exceptions import InvalidInput
from readings.core.text import check_url

BROKEN_RIS = """TY  - BOOK
TI  - Never closed
TY  - JOUR
TI  - Closed
ER  -
AU  - Orphan, Ann
ER  -
"""


def test_broken_ris_records_are_reported_in_french():
    with translation.override("fr"):
        reasons = [error.reason for error in import_ris(BROKEN_RIS).errors]
    assert reasons == [
        "Cet enregistrement n'a pas de ligne de fin (ER) avant le début de "
        "l'enregistrement suivant.",
        "Cet enregistrement n'a pas de ligne de type (TY).",
    ]


def test_a_csl_file_that_is_not_a_list_is_reported_in_french():
    with translation.override("fr"):
        (error,) = import_csl_json('"just a string"').errors
    assert error.reason == "Un fichier CSL-JSON contient une liste d'éléments."


def test_the_same_csl_error_stays_english_for_an_english_reader():
    (error,) = import_csl_json('"just a string"').errors
    assert error.reason == "A CSL-JSON file holds a list of items."


def test_a_citation_without_title_or_with_a_bad_date_is_refused_in_french():
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        clean_citation_fields({"title": " ", "due_date": "soon"})
    errors = caught.value.errors
    assert errors["title"] == ["Une référence doit avoir un titre."]
    assert errors["due_date"] == [
        "«\u00a0soon\u00a0» n'est pas une date\u00a0; écrivez-la au format AAAA-MM-JJ."
    ]


def test_an_unsafe_link_is_explained_in_french():
    with translation.override("fr"):
        problem = check_url("javascript:alert(1)")
    assert (
        problem
        == "Les liens doivent commencer par http:// ou https:// (pas «\u00a0javascript\u00a0»)."
    )
