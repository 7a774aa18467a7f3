"""Names and Role Provisioning Services 2.0: a course's roster, pulled from the LMS.

The tool authenticates with the client-credentials grant and a JWT signed by
its own key (1EdTech Security Framework §4.1), asks only for the NRPS scope,
and keeps the access token until shortly before it expires. Members become
users (as at launch: matched or created) and enrolments; people the LMS no
longer lists lose their LMS-made enrolment. Enrolments made otherwise (the
registrar loader) are left alone.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from readings.core.exceptions import InvalidInput
from readings.courses.models import Enrollment
from readings.courses.services import course_enroll, course_unenroll
from readings.lti.claims import LaunchClaims, course_role
from readings.lti.errors import ProvisioningFailed, RosterUnavailable
from readings.lti.models import ContextLink, LtiIdentity, Platform
from readings.lti.provisioning import identity_resolve
from readings.lti.services import tool_key_current

log = logging.getLogger("readings.lti")

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200


@dataclass
class RosterResult:
    enrolled: int = 0
    removed: int = 0
    skipped: int = 0


def _timeout() -> float:
    return float(getattr(settings, "LTI_SERVICE_TIMEOUT", 10.0))


def service_token(platform: Platform, scopes: list[str]) -> str:
    """An access token for these scopes, from the cache while it is valid."""
    scope = " ".join(sorted(scopes))
    cache_key = "lti-token:" + hashlib.sha256(f"{platform.pk}|{scope}".encode()).hexdigest()
    token = cache.get(cache_key)
    if token:
        return token
    if not platform.auth_token_url:
        raise RosterUnavailable(f"{platform} has no access token URL.")
    key = tool_key_current()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.auth_audience or platform.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        },
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    try:
        response = requests.post(
            platform.auth_token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": scope,
            },
            timeout=_timeout(),
        )
        response.raise_for_status()
        body = response.json()
        token = body["access_token"]
        expires_in = int(body.get("expires_in", 3600))
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise RosterUnavailable(f"The token request to {platform.auth_token_url} failed.") from exc
    cache.set(cache_key, token, max(expires_in - 60, 1))
    return token


def fetch_members(platform: Platform, url: str) -> list[dict[str, Any]]:
    """Every member, following the paging Link headers."""
    token = service_token(platform, [NRPS_SCOPE])
    members: list[dict[str, Any]] = []
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if not next_url:
            break
        try:
            response = requests.get(
                next_url,
                headers={"Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_MEDIA_TYPE},
                timeout=_timeout(),
            )
            response.raise_for_status()
            page = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise RosterUnavailable(f"The roster request to {next_url} failed.") from exc
        members.extend(m for m in page.get("members", []) if isinstance(m, dict))
        next_url = response.links.get("next", {}).get("url")
    return members


def roster_sync(*, context: ContextLink) -> RosterResult:
    """Bring the course's LMS enrolments in line with the LMS roster."""
    platform = context.platform
    if context.course is None or not context.memberships_url:
        raise InvalidInput({"context": ["This LMS course has no course or roster URL yet."]})
    members = fetch_members(platform, context.memberships_url)
    result = RosterResult()
    active: set[str] = set()
    with transaction.atomic():
        for member in members:
            subject = str(member.get("user_id") or "")
            if not subject:
                result.skipped += 1
                continue
            if member.get("status", "Active") != "Active":
                continue
            roles = tuple(r for r in member.get("roles", []) if isinstance(r, str))
            claims = _member_claims(platform, member, subject, roles)
            try:
                user = identity_resolve(platform=platform, claims=claims)
            except ProvisioningFailed:
                result.skipped += 1
                continue
            role = course_role(roles, administrator_role=platform.administrator_role)
            course_enroll(course=context.course, user=user, role=role)
            active.add(subject)
            result.enrolled += 1
        result.removed = _remove_departed(context, active)
        context.roster_synced_at = timezone.now()
        context.save(update_fields=["roster_synced_at", "updated_at"])
    log.info("LTI roster sync context=%s %s", context.pk, result)
    return result


def roster_sync_due(context: ContextLink) -> bool:
    interval = datetime.timedelta(seconds=int(getattr(settings, "LTI_ROSTER_SYNC_INTERVAL", 3600)))
    return bool(
        context.memberships_url
        and context.course_id
        and (
            context.roster_synced_at is None or timezone.now() - context.roster_synced_at > interval
        )
    )


def _member_claims(platform, member, subject, roles) -> LaunchClaims:
    def text(key: str) -> str:
        value = member.get(key)
        return value if isinstance(value, str) else ""

    return LaunchClaims(
        issuer=platform.issuer,
        client_id=platform.client_id,
        deployment_id="",
        message_type="",
        target_link_uri="",
        subject=subject,
        roles=roles,
        name=text("name"),
        given_name=text("given_name"),
        family_name=text("family_name"),
        email=text("email"),
        person_sourcedid=text("lis_person_sourcedid"),
    )


def _remove_departed(context: ContextLink, active: set[str]) -> int:
    """Unenrol people this LMS made members earlier and no longer lists."""
    from_this_lms = LtiIdentity.objects.filter(issuer=context.platform.issuer).exclude(
        subject__in=active
    )
    departed = Enrollment.objects.filter(
        course=context.course, user__lti_identities__in=from_this_lms
    ).select_related("user")
    removed = 0
    for enrollment in departed:
        course_unenroll(course=context.course, user=enrollment.user)
        removed += 1
    return removed
