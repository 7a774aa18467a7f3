"""An LMS simulator for the demo and for implementers: real signed LTI 1.3 launches.

It is a platform like any other (registered, with its own key, every launch
recorded as simulated), except that its key set is read from the database
instead of over HTTP — a server cannot safely call itself while it answers.
Development and demo only: never available in production mode.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

from readings.accounts.models import User
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lti import claims as c
from readings.lti.configuration import base_url
from readings.lti.errors import UnknownKeyId
from readings.lti.models import Platform, RegisteredVia, SimulatorKey
from readings.lti.services import platform_register

CLIENT_ID = "readings-lms-simulator"
DEPLOYMENT_ID = "simulator"
HINT_SALT = "readings.lti.simulator"
ROLES = {
    "Learner": "Student (Learner)",
    "Instructor": "Instructor",
    "TeachingAssistant": "Teaching assistant",
    "Administrator": "Administrator",
}
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def simulator_enabled() -> bool:
    if getattr(settings, "PRODUCTION", False):
        return False
    return bool(getattr(settings, "LTI_SIMULATOR", True))


def simulator_issuer(institution: Institution) -> str:
    return f"https://lms-simulator.readings.invalid/{institution.code}"


@transaction.atomic
def simulator_platform(institution: Institution, base: str) -> Platform:
    """The institution's simulated LMS, registered (and its key made) on first use."""
    issuer = simulator_issuer(institution)
    platform = platform_register(
        institution=institution,
        issuer=issuer,
        client_id=CLIENT_ID,
        auth_login_url=base + reverse("lti:simulator_auth"),
        keyset_url=issuer + "/jwks",
        deployment_ids=[DEPLOYMENT_ID],
        name=f"LMS simulator ({institution.code})",
        via=RegisteredVia.SIMULATOR,
        is_simulator=True,
    )
    if not SimulatorKey.objects.filter(platform=platform).exists():
        private = JWK.generate(kty="RSA", size=2048)
        public_jwk = dict(Registration.get_jwk(private.export_to_pem().decode()))
        SimulatorKey.objects.create(
            platform=platform,
            kid=public_jwk["kid"],
            private_key=private.export_to_pem(private_key=True, password=None).decode(),
            public_jwk=public_jwk,
        )
    return platform


def simulator_prepare(institution: Institution) -> Platform | None:
    """Register the institution's simulated LMS ahead of use (the demo build); None when off.

    Idempotent. Its login URL is set from READINGS_BASE_URL here and refreshed
    from the request's own address whenever the simulator page is opened.
    """
    if not simulator_enabled():
        return None
    return simulator_platform(institution, base_url())


class SimulatorKeys:
    """The key source for simulated platforms: their keys, straight from the database."""

    def key(self, url: str, kid: str) -> dict[str, Any]:
        found = SimulatorKey.objects.filter(kid=kid, platform__keyset_url=url).first()
        if found is None:
            raise UnknownKeyId(f"No simulator key with kid {kid!r}.")
        return found.public_jwk


def message_hint(**choices: Any) -> str:
    """What the simulated LMS will put in the launch, signed so only Readings could choose it."""
    return signing.dumps(choices, salt=HINT_SALT)


def read_message_hint(hint: str) -> dict[str, Any]:
    return signing.loads(hint, salt=HINT_SALT, max_age=600)


def id_token(*, platform: Platform, nonce: str, target_link_uri: str, choices: dict) -> str:
    """Sign the launch the chosen person would get from a real LMS."""
    key = platform.simulator_key
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": platform.issuer,
        "aud": platform.client_id,
        "azp": platform.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        c.VERSION: "1.3.0",
        c.DEPLOYMENT_ID: DEPLOYMENT_ID,
        c.TARGET_LINK_URI: target_link_uri,
        c.MESSAGE_TYPE: choices.get("message_type", c.RESOURCE_LINK_REQUEST),
        c.ROLES: [_MEMBERSHIP + choices.get("role", "Learner")],
        c.LAUNCH_PRESENTATION: {"document_target": choices.get("target", "iframe")},
        c.TOOL_PLATFORM: {"guid": platform.issuer, "name": platform.name},
    }
    payload.update(_person(choices))
    payload.update(_context(choices))
    if payload[c.MESSAGE_TYPE] == c.DEEP_LINKING_REQUEST:
        payload[c.DEEP_LINKING_SETTINGS] = {
            "deep_link_return_url": choices["return_url"],
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "data": secrets.token_urlsafe(8),
        }
    else:
        payload[c.RESOURCE_LINK] = {"id": choices.get("resource_link", "sim-link-1")}
        if choices.get("readings_target"):
            payload[c.CUSTOM] = {"readings_target": choices["readings_target"]}
    return jwt.encode(payload, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def _person(choices: dict) -> dict[str, Any]:
    user = User.objects.filter(pk=_number(choices.get("user_id"))).first()
    if user is not None:
        person = {
            "sub": f"sim-user-{user.pk}",
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name() or user.username,
            "email": user.email,
        }
        if user.primary_id:
            person[c.LIS] = {"person_sourcedid": user.primary_id}
        return {k: v for k, v in person.items() if v}
    name = choices.get("name") or "Sam Simulated"
    given, _, family = name.partition(" ")
    return {
        "sub": choices.get("sub") or f"sim-new-{secrets.token_hex(4)}",
        "name": name,
        "given_name": given,
        "family_name": family,
        **({"email": choices["email"]} if choices.get("email") else {}),
    }


def _context(choices: dict) -> dict[str, Any]:
    course = Course.objects.filter(pk=_number(choices.get("course_id"))).first()
    if course is not None:
        return {
            c.CONTEXT: {
                "id": f"sim-course-{course.pk}",
                "label": _context_label(course),
                "title": course.title,
            }
        }
    label = (choices.get("context_label") or "").strip()
    if label:
        return {c.CONTEXT: {"id": f"sim-label-{label}", "label": label, "title": label}}
    return {}


def _context_label(course: Course) -> str:
    """What an LMS would call the course: its code, or its LMS id when sections share the code.

    With several sections of one code, the default matching rule (label → code,
    then searchable ids) can only find the chosen section by a searchable id.
    """
    shared = (
        Course.objects.filter(institution_id=course.institution_id, code__iexact=course.code)
        .exclude(pk=course.pk)
        .exists()
    )
    if shared:
        return course.searchable_ids.values_list("value", flat=True).first() or course.code
    return course.code


def _number(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None
