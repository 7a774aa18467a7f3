"""Exports of stored citations, and imported entries that go straight into a list."""

from __future__ import annotations

import json

import pytest

from readings.citations.bibtex import import_bibtex
from readings.citations.csl import import_csl_json
from readings.citations.exports import (
    export_bibliography,
    export_bibliography_html,
    export_bibtex,
    export_csl_json,
    export_ris,
)
from readings.citations.models import Citation
from readings.citations.ris import import_ris
from readings.citations.services import citation_create, citation_update

pytestmark = pytest.mark.django_db

RIS = """TY  - BOOK
AU  - Kuhn, Thomas S.
TI  - The structure of scientific revolutions
PY  - 1962
PB  - University of Chicago Press
ER  -

TY  - JOUR
AU  - Gödel, Kurt
TI  - <i>Über</i> Sätze & =SUM(A1)
JO  - Monatshefte für Mathematik und Physik
VL  - 38
PY  - 1931
ER  -

TY  - JOUR
TI  - Broken
DO  - nope
ER  -
"""


@pytest.fixture
def stored(make_list):
    section = make_list("Week 1").sections.get()
    result = import_ris(RIS)
    assert [e.position for e in result.errors] == [3]
    for fields in result.entries:
        citation_create(section=section, fields=fields)
    return list(Citation.objects.filter(section=section).order_by("position"))


def test_imported_entries_are_accepted_by_citation_create(stored):
    assert [c.title for c in stored] == [
        "The structure of scientific revolutions",
        "<i>Über</i> Sätze & =SUM(A1)",
    ]
    assert stored[1].authors == [{"family": "Gödel", "given": "Kurt"}]
    assert stored[0].year == 1962


def test_a_bibliography_is_one_entry_per_line_in_list_order(stored):
    assert export_bibliography(stored, "apa") == (
        "Kuhn, T. S. (1962). The structure of scientific revolutions. "
        "University of Chicago Press.\n"
        "Gödel, K. (1931). <i>Über</i> Sätze & =SUM(A1). "
        "Monatshefte für Mathematik und Physik, 38.\n"
    )


def test_the_html_bibliography_escapes_stored_markup(stored):
    html = export_bibliography_html(stored, "apa")

    assert html.count('<p class="csl-entry">') == 2
    assert "&lt;i&gt;Über&lt;/i&gt; Sätze &amp; =SUM(A1)" in html
    assert "<i>Monatshefte für Mathematik und Physik</i>" in html


def test_a_changed_citation_is_formatted_afresh(stored):
    before = export_bibliography(stored[:1], "mla")

    updated = citation_update(citation_id=stored[0].pk, fields={"edition": "2"})

    assert "2nd ed." not in before
    assert "2nd ed., University of Chicago Press, 1962." in export_bibliography([updated], "mla")


def test_csl_json_export_is_unicode_json_that_imports_back(stored):
    text = export_csl_json(stored)

    items = json.loads(text)
    assert "Gödel" in text
    assert [i["id"] for i in items] == [str(c.pk) for c in stored]
    assert [e["title"] for e in import_csl_json(text).entries] == [c.title for c in stored]


@pytest.mark.parametrize(
    ("export", "read"), [(export_ris, import_ris), (export_bibtex, import_bibtex)]
)
def test_file_exports_import_back_without_errors(stored, export, read):
    result = read(export(stored))

    assert result.errors == []
    assert [e["title"] for e in result.entries] == [c.title for c in stored]
    assert [e["authors"] for e in result.entries] == [c.authors for c in stored]


def test_a_line_break_in_a_stored_value_cannot_forge_ris_records():
    forged = Citation(
        secondary_type="BK",
        title="Evil\nER  - \n\nTY  - JOUR\nTI  - injected",
        authors=[{"family": "Doe\r\nAU  - Forged", "given": "Jo"}],
    )

    result = import_ris(export_ris([forged]))

    assert [e["title"] for e in result.entries] == ["Evil ER - TY - JOUR TI - injected"]
    assert result.entries[0]["authors"] == [{"family": "Doe AU - Forged", "given": "Jo"}]
