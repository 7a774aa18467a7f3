"""What the domain says, not only the page around it, follows the reader's language.

Choice labels, LTI refusals and the crash page are translated when the language
is French, and stay English otherwise (the errors services and access rules
raise are tested in tests/lists/test_i18n_errors.py).
"""

from __future__ import annotations

import types
from html import unescape

import pytest
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation

from readings.citations.forms import CitationEditorForm
from readings.citations.models import CitationKind
from readings.config import urls as site_urls
from readings.loaders.models import LoadStatus
from readings.readiness.models import LogKind

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


@pytest.fixture(autouse=True)
def _language_restored():
    """A French request leaves French active in this thread (LocaleMiddleware does not reset it)."""
    language = translation.get_language()
    yield
    translation.activate(language)


# Choice labels ----------------------------------------------------------------------


def test_choice_labels_come_out_in_french_when_the_language_is_french():
    with translation.override("fr"):
        assert str(CitationKind.CHAPTER.label) == "Chapitre de livre"
        assert dict(LoadStatus.choices)[LoadStatus.REJECTED] == (
            "Non appliqué\u00a0: le fichier comporte des erreurs"
        )
    with translation.override("en"):
        assert str(CitationKind.CHAPTER.label) == "Book chapter"
        assert dict(LoadStatus.choices)[LoadStatus.REJECTED] == "Not applied: the file has errors"


def test_a_project_log_issue_is_not_translated_as_a_journal_issue():
    with translation.override("fr"):
        assert str(LogKind.ISSUE.label) == "Problème"
        assert str(CitationEditorForm.base_fields["issue"].label) == "Numéro"


# LTI refusals -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_lti_launch_is_explained_in_french(client):
    response = client.post(reverse("lti:launch"), {}, **FRENCH)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert '<html lang="fr">' in html
    assert "Le LMS n'a pas envoyé de message de connexion (id_token)." in html
    assert "lti.missing_id_token" in html


@pytest.mark.django_db
def test_a_refused_lti_launch_keeps_its_english_summary_for_english_readers(client):
    response = client.post(reverse("lti:launch"), {}, HTTP_ACCEPT_LANGUAGE="en")

    assert "The LMS did not send a sign-in message (id_token)." in response.content.decode()


# The crash page -----------------------------------------------------------------------


def _boom(request):
    raise RuntimeError("a bug")


@pytest.fixture
def crashing_site(settings):
    module = types.ModuleType("i18n_crash_urls")
    module.urlpatterns = [path("fail/boom/", _boom), path("", include(site_urls.urlpatterns))]
    module.handler500 = site_urls.handler500
    settings.ROOT_URLCONF = module


@pytest.mark.django_db
@pytest.mark.usefixtures("crashing_site")
@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [("fr-FR,fr;q=0.9", "fr", "Un problème est survenu"), ("en", "en", "Something went wrong")],
)
def test_the_crash_page_is_in_the_language_of_the_request(accept, lang, heading):
    response = Client(raise_request_exception=False).get("/fail/boom/", HTTP_ACCEPT_LANGUAGE=accept)

    html = unescape(response.content.decode())
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
