"""Deep Linking 2.0 response: the signed LtiDeepLinkingResponse an LMS turns into links.

Plain Python: no Django import. LTI Deep Linking 2.0 §4.2 (response message)
and §3.1 (LtiResourceLink content item).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt

from readings.lti.claims import DEPLOYMENT_ID, MESSAGE_TYPE, VERSION, DeepLinkingSettings

RESOURCE_LINK_TYPE = "ltiResourceLink"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
RESPONSE_LIFETIME = 600


class DeepLinkingRefused(ValueError):
    """The platform's settings do not admit what was picked."""


@dataclass(frozen=True)
class ResourceLink:
    title: str
    url: str
    custom: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def as_content_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": RESOURCE_LINK_TYPE, "title": self.title, "url": self.url}
        if self.text:
            item["text"] = self.text
        if self.custom:
            item["custom"] = dict(self.custom)
        return item


def check_selection(settings: DeepLinkingSettings, items: list[ResourceLink]) -> None:
    if items and RESOURCE_LINK_TYPE not in settings.accept_types:
        raise DeepLinkingRefused("The LMS does not accept LTI resource links here.")
    if len(items) > 1 and not settings.accept_multiple:
        raise DeepLinkingRefused("The LMS accepts one item here; pick only one.")


def response_message(
    *,
    client_id: str,
    issuer: str,
    deployment_id: str,
    settings: DeepLinkingSettings,
    items: list[ResourceLink],
    now: float | None = None,
    message: str = "",
) -> dict[str, Any]:
    """The response claims: from the tool (iss = our client id) to the platform (aud = iss)."""
    check_selection(settings, items)
    issued = int(now if now is not None else time.time())
    body: dict[str, Any] = {
        "iss": client_id,
        "aud": issuer,
        "azp": client_id,
        "iat": issued,
        "exp": issued + RESPONSE_LIFETIME,
        "nonce": secrets.token_urlsafe(24),
        MESSAGE_TYPE: "LtiDeepLinkingResponse",
        VERSION: "1.3.0",
        DEPLOYMENT_ID: deployment_id,
        CONTENT_ITEMS: [item.as_content_item() for item in items],
    }
    # The platform's opaque data MUST come back unchanged when it sent some.
    if settings.data is not None:
        body[DATA] = settings.data
    if message:
        body[MSG] = message
    return body


def sign(message: dict[str, Any], *, private_key_pem: str, kid: str) -> str:
    return jwt.encode(message, private_key_pem, algorithm="RS256", headers={"kid": kid})
