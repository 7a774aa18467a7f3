"""Let a session that came from an LMS launch live inside that LMS's iframe.

Two things stop Readings' pages working inside an LMS iframe: every page
answers ``X-Frame-Options: DENY``, and the session cookie is ``SameSite=Lax``,
which a cross-site frame never sends. For sessions started by an LTI launch
from a frame, this middleware replaces the first with
``Content-Security-Policy: frame-ancestors`` naming that LMS, and (over HTTPS)
re-issues the session and CSRF cookies as ``SameSite=None; Secure; Partitioned``
— a partitioned cookie lives only under that LMS's site, so browsers that
block third-party cookies still keep it (and forms in the frame still post).

Install it before SessionMiddleware (it must see the session cookie that
middleware sets): ``"readings.lti.middleware.LtiEmbeddingMiddleware"``.
"""

from __future__ import annotations

from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse

EMBED_SESSION_KEY = "lti_frame_ancestors"
MIDDLEWARE_PATH = "readings.lti.middleware.LtiEmbeddingMiddleware"


def embedding_enabled() -> bool:
    return MIDDLEWARE_PATH in settings.MIDDLEWARE


class PartitionedMorsel(Morsel):
    """A cookie with the CHIPS ``Partitioned`` attribute (not in http.cookies before 3.14)."""

    def OutputString(self, attrs=None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


class LtiEmbeddingMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        ancestors = session.get(EMBED_SESSION_KEY) if session is not None else None
        if not ancestors:
            return response
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(ancestors)
        if request.is_secure():
            for name in _embedded_cookies():
                if name in response.cookies:
                    response.cookies[name] = _partitioned(response.cookies[name])
        return response


def _embedded_cookies() -> list[str]:
    # The CSRF cookie too: without it no form inside the frame could be posted.
    names = [settings.SESSION_COOKIE_NAME]
    if not settings.CSRF_USE_SESSIONS:
        names.append(settings.CSRF_COOKIE_NAME)
    return names


def _partitioned(original: Morsel) -> PartitionedMorsel:
    partitioned = PartitionedMorsel()
    partitioned.set(original.key, original.value, original.coded_value)
    for attribute, value in original.items():
        partitioned[attribute] = value
    partitioned["secure"] = True
    partitioned["samesite"] = "None"
    return partitioned
