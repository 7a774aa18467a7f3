"""Section and copy errors from the list model and copying reach a French reader in French."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from readings.core.exceptions import InvalidInput
from readings.lists.copying import list_copy
from readings.lists.services import section_update


@pytest.mark.django_db
def test_a_section_closing_before_it_opens_is_refused_in_french(make_list):
    section = make_list("Week 1").sections.get()
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        section_update(
            section_id=section.pk,
            start_date=datetime.date(2027, 3, 1),
            end_date=datetime.date(2027, 2, 1),
        )
    assert "La section ne peut pas fermer avant d'ouvrir." in str(caught.value.errors)


@pytest.mark.django_db
def test_copying_onto_a_taken_code_is_refused_in_french(make_list):
    make_list("Week 1", code="HIST-2027")
    source = make_list("Week 1", code="HIST-2026")
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        list_copy(source=source, code="HIST-2027")
    assert caught.value.errors["code"] == ["Une liste porte déjà le code «\u00a0HIST-2027\u00a0»."]
