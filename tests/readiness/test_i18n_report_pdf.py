"""The stakeholders' PDF speaks the reader's language, statuses and task labels included."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from readings.institutions.selectors import institution_today
from readings.readiness.checks import readiness_snapshot
from readings.readiness.production import production_stats
from readings.readiness.report_pdf import build_report_pdf
from readings.readiness.services import plan_create_or_redate

from .test_report_pdf import _pdf_text


@pytest.fixture
def institution_with_plan(institution):
    day = institution_today(institution) + datetime.timedelta(weeks=10)
    plan_create_or_redate(institution=institution, go_live_date=day, by=None)
    return institution


def _report(institution, tmp_path) -> str:
    # An empty font folder: Helvetica, whose strings can be read back from the PDF.
    body = build_report_pdf(
        institution=institution,
        snapshot=readiness_snapshot(institution),
        production=production_stats(institution),
        generated_at=datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC),
        font_dir=tmp_path,
    )
    return _pdf_text(body)


@pytest.mark.django_db
def test_the_report_in_french_names_statuses_phases_and_task_states_in_french(
    institution_with_plan, tmp_path
):
    with translation.override("fr"):
        text = _report(institution_with_plan, tmp_path)

    assert "[ÉCHEC] Cours chargés" in text
    assert "(Préparation et prise en main, À faire)" in text
    assert "[FAIL]" not in text


@pytest.mark.django_db
def test_the_report_in_english_names_phases_and_task_states_not_their_codes(
    institution_with_plan, tmp_path
):
    with translation.override("en"):
        text = _report(institution_with_plan, tmp_path)

    assert "[FAIL] Courses loaded" in text
    assert "(Preparation and onboarding, To do)" in text
    assert "(preparation, todo)" not in text
