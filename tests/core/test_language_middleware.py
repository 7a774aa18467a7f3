"""LanguageMiddleware decides and answers exactly as Django's LocaleMiddleware would."""

from __future__ import annotations

import sys
import types

import pytest
from django.conf.urls.i18n import i18n_patterns, is_language_prefix_patterns_used
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from readings.core.language import LanguageMiddleware


def _answer(middleware_class, request):
    seen = {}

    def view(request):
        seen["active"] = translation.get_language()
        return HttpResponse("ok")

    with translation.override(None):
        response = middleware_class(view)(request)
    return seen["active"], request.LANGUAGE_CODE, response.get("Vary"), response["Content-Language"]


CASES = [
    ({}, "/lists/1/"),
    ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.8"}, "/lists/1/"),
    ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, "/"),
    ({"HTTP_COOKIE": "django_language=fr"}, "/courses/"),
    ({"HTTP_COOKIE": "django_language=fr", "HTTP_ACCEPT_LANGUAGE": "en"}, "/"),
    ({"HTTP_COOKIE": "django_language=xx"}, "/fr/lists/"),
]


@pytest.mark.parametrize(("headers", "address"), CASES)
def test_the_language_and_headers_are_those_django_would_give(headers, address):
    factory = RequestFactory()

    ours = _answer(LanguageMiddleware, factory.get(address, **headers))
    django = _answer(LocaleMiddleware, factory.get(address, **headers))

    assert ours == django


def test_a_french_browser_gets_french_and_says_so():
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="fr")

    active, code, vary, content_language = _answer(LanguageMiddleware, request)

    assert (active, code, content_language) == ("fr", "fr", "fr")
    assert "Accept-Language" in vary


@pytest.fixture
def prefixed_urls(settings):
    module = types.ModuleType("readings_test_prefixed_urls")
    module.urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse("ok")))
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    is_language_prefix_patterns_used.cache_clear()
    yield
    is_language_prefix_patterns_used.cache_clear()
    del sys.modules[module.__name__]


def test_language_prefixed_addresses_are_left_to_djangos_middleware(prefixed_urls):
    request = RequestFactory().get("/fr/page/", HTTP_ACCEPT_LANGUAGE="en")

    active, *_ = _answer(LanguageMiddleware, request)

    assert active == "fr"
