"""LTI Dynamic Registration 1.0: an LMS administrator registers Readings in one step.

The LMS opens Readings' registration URL with ``openid_configuration`` and
``registration_token``; Readings reads the platform's configuration, posts
its own tool configuration to the platform's registration endpoint, and
records the client id and deployment it gets back.

Anyone who can open the URL could register an LMS — and an LMS decides who
people are — so the URL carries a signed, expiring invitation naming the
institution (``readings lti registration-url``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core import signing

from readings.institutions.models import Institution
from readings.lti import claims as c
from readings.lti.configuration import tool_urls
from readings.lti.errors import RegistrationRefused
from readings.lti.models import Platform, RegisteredVia
from readings.lti.services import platform_register

INVITATION_SALT = "readings.lti.registration"
INVITATION_MAX_AGE = 7 * 24 * 3600
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
MAX_BYTES = 256 * 1024


def invitation_create(institution: Institution) -> str:
    return signing.dumps({"institution": institution.pk}, salt=INVITATION_SALT)


def invitation_institution(token: str) -> Institution:
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature as exc:
        raise RegistrationRefused(
            "The registration link is missing, altered or older than 7 days; "
            "ask for a new one (readings lti registration-url)."
        ) from exc
    institution = Institution.objects.filter(pk=data.get("institution")).first()
    if institution is None:
        raise RegistrationRefused("The institution of this registration link no longer exists.")
    return institution


def register_dynamically(
    *, institution: Institution, openid_configuration: str, registration_token: str, base: str
) -> Platform:
    """Run the registration exchange and store the platform it produces."""
    config = _get_json(openid_configuration)
    issuer = _required(config, "issuer")
    # The configuration must come from the issuer it names (Dynamic Registration §3.5.1).
    if not openid_configuration.startswith(issuer.rstrip("/") + "/"):
        raise RegistrationRefused(
            f"The configuration at {openid_configuration} names the issuer {issuer}, "
            "which is not where it came from."
        )
    platform_config = config.get(PLATFORM_CONFIGURATION) or {}
    urls = tool_urls(base)
    answer = _post_json(
        _required(config, "registration_endpoint"),
        _tool_registration(urls, platform_config),
        registration_token,
    )
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationRefused("The LMS's registration answer has no client_id.")
    tool_config = answer.get(TOOL_CONFIGURATION) or {}
    deployment_id = tool_config.get("deployment_id")
    name = platform_config.get("product_family_code") or urlsplit(issuer).netloc
    platform = platform_register(
        institution=institution,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=_required(config, "authorization_endpoint"),
        auth_token_url=_required(config, "token_endpoint"),
        keyset_url=_required(config, "jwks_uri"),
        deployment_ids=[deployment_id] if isinstance(deployment_id, str) and deployment_id else [],
        name=str(name),
        via=RegisteredVia.DYNAMIC,
    )
    audience = config.get("authorization_server")
    if isinstance(audience, str) and audience and platform.auth_audience != audience:
        platform.auth_audience = audience[:500]
        platform.save(update_fields=["auth_audience", "updated_at"])
    return platform


def _tool_registration(urls: dict[str, str], platform_config: dict) -> dict[str, Any]:
    domain = urlsplit(urls["launch_url"]).netloc
    messages = [{"type": c.DEEP_LINKING_REQUEST, "target_link_uri": urls["deep_linking_url"]}]
    supported = platform_config.get("messages_supported")
    if isinstance(supported, list):
        types = {m.get("type") for m in supported if isinstance(m, dict)}
        messages = [m for m in messages if m["type"] in types]
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login_url"],
        "redirect_uris": [urls["launch_url"], urls["deep_linking_url"]],
        "client_name": "Readings",
        "jwks_uri": urls["jwks_url"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        TOOL_CONFIGURATION: {
            "domain": domain,
            "target_link_uri": urls["launch_url"],
            "description": "Course reading lists",
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": messages,
        },
    }


def _timeout() -> float:
    return float(getattr(settings, "LTI_SERVICE_TIMEOUT", 10.0))


def _get_json(url: str) -> dict[str, Any]:
    _check_url(url)
    try:
        response = requests.get(url, timeout=_timeout(), allow_redirects=False)
        response.raise_for_status()
        return _json_object(response)
    except requests.RequestException as exc:
        raise RegistrationRefused(f"The LMS configuration at {url} could not be read.") from exc


def _post_json(url: str, body: dict[str, Any], token: str) -> dict[str, Any]:
    _check_url(url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.post(
            url, data=json.dumps(body), headers=headers, timeout=_timeout(), allow_redirects=False
        )
        response.raise_for_status()
        return _json_object(response)
    except requests.RequestException as exc:
        raise RegistrationRefused(f"The LMS registration endpoint {url} refused.") from exc


def _json_object(response: requests.Response) -> dict[str, Any]:
    if len(response.content) > MAX_BYTES:
        raise RegistrationRefused("The LMS answered with more data than a registration needs.")
    try:
        data = response.json()
    except ValueError as exc:
        raise RegistrationRefused("The LMS did not answer with JSON.") from exc
    if not isinstance(data, dict):
        raise RegistrationRefused("The LMS did not answer with a JSON object.")
    return data


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allow_http = settings.DEBUG or getattr(settings, "LTI_ALLOW_HTTP_PLATFORMS", False)
    if parts.scheme != "https" and not (parts.scheme == "http" and allow_http):
        raise RegistrationRefused(f"{url} is not an https address.")


def _required(config: dict[str, Any], key: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value:
        raise RegistrationRefused(f"The LMS configuration has no {key}.")
    return value
