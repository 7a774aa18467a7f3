"""Pick each request's language: Django's LocaleMiddleware, minus the URL prefix work."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware(LocaleMiddleware):
    """The language from the switcher's cookie or the browser's Accept-Language.

    Readings' addresses carry no language prefix (no ``i18n_patterns``), yet
    Django's middleware looks for one in every path, on the way in and on the way
    out: about a tenth of a simple request's CPU. This one decides and answers as
    Django's does for such a URLconf (same language, same ``Vary`` and
    ``Content-Language``), and hands the work back to Django's should a URLconf
    with language prefixes ever be used.
    """

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self._prefixed_urls = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def _plain(self, request: HttpRequest) -> bool:
        return not self._prefixed_urls and not hasattr(request, "urlconf")

    def process_request(self, request: HttpRequest) -> None:
        if not self._plain(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not self._plain(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
