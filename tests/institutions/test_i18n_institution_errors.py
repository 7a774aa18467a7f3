"""Institution validation and look-up errors reach a French reader in French."""

from __future__ import annotations

import pytest
from django.utils import translation

from readings.core.exceptions import InvalidInput
from readings.institutions.selectors import institution_resolve
from readings.institutions.services import institution_create


@pytest.mark.django_db
def test_a_bad_code_and_time_zone_are_refused_in_french():
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        institution_create(code="-UNI", name="Test University", time_zone="Mars/Olympus")
    assert caught.value.errors["code"] == [
        "Utilisez uniquement des lettres, des chiffres, «\u00a0.\u00a0», «\u00a0_\u00a0» ou "
        "«\u00a0-\u00a0», en commençant par une lettre ou un chiffre."
    ]
    assert caught.value.errors["time_zone"] == [
        "«\u00a0Mars/Olympus\u00a0» n'est pas un fuseau horaire connu (par ex. Europe/Paris)."
    ]


@pytest.mark.django_db
def test_an_unknown_institution_code_is_reported_in_french(institution):
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        institution_resolve("NOPE")
    assert caught.value.errors["institution"] == [
        "Aucun établissement ne porte le code «\u00a0NOPE\u00a0»."
    ]
