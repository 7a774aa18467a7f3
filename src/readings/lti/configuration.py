"""What an LMS administrator copies into the LMS: URLs, claims, parameters, scopes."""

from __future__ import annotations

import os

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from readings.lti import claims as c
from readings.lti import errors
from readings.lti.selectors import TARGET_PARAMETER

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

_ENDPOINTS = {
    "login_url": "lti:login",
    "launch_url": "lti:launch",
    "deep_linking_url": "lti:deep_linking",
    "jwks_url": "lti:jwks",
    "dynamic_registration_url": "lti:dynamic_registration",
    "configuration_url": "lti:config_json",
}


def base_url(request: HttpRequest | None = None) -> str:
    """Where Readings is reached: the request's origin, else READINGS_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    configured = getattr(settings, "READINGS_BASE_URL", "") or os.environ.get(
        "READINGS_BASE_URL", ""
    )
    return (configured or "http://127.0.0.1:8000").rstrip("/")


def tool_urls(base: str) -> dict[str, str]:
    return {key: base + reverse(name) for key, name in _ENDPOINTS.items()}


def tool_configuration(request: HttpRequest | None = None, *, base: str = "") -> dict:
    base = base or base_url(request)
    urls = tool_urls(base)
    return {
        "title": "Readings",
        "description": "Course reading lists: people land on their course's list.",
        **urls,
        "redirect_uris": [urls["launch_url"], urls["deep_linking_url"]],
        "target_link_uri": urls["launch_url"],
        "domain": base.split("://", 1)[-1],
        "signature_algorithm": "RS256",
        "messages": [
            {"type": c.RESOURCE_LINK_REQUEST, "target_link_uri": urls["launch_url"]},
            {"type": c.DEEP_LINKING_REQUEST, "target_link_uri": urls["deep_linking_url"]},
        ],
        "required_claims": [
            "iss",
            "aud",
            "sub",
            "exp",
            "iat",
            "nonce",
            c.MESSAGE_TYPE,
            c.VERSION,
            c.DEPLOYMENT_ID,
            c.TARGET_LINK_URI,
            c.ROLES,
            c.RESOURCE_LINK + " (id)",
        ],
        "recommended_claims": [
            "name",
            "given_name",
            "family_name",
            "email",
            c.CONTEXT + " (id, label, title)",
            c.LIS + " (person_sourcedid, course_section_sourcedid)",
        ],
        "custom_parameters": {
            TARGET_PARAMETER: "Optional. Set by deep linking: list:ID, section:ID or citation:ID.",
            "course_code": "Optional. Used when the platform matches courses by a custom "
            "parameter named course_code.",
        },
        "scopes": [NRPS_SCOPE],
        "privacy": "Send name and email (public) so accounts can be matched and created.",
        "error_ids": [
            {"error_id": error_id, "status": status, "summary": summary}
            for error_id, status, summary, _ in errors.catalogue()
        ],
    }
