"""Writes for LTI: the tool's keys, platform registrations, login state, nonces, records."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

from readings.core.exceptions import InvalidInput
from readings.core.models import validate
from readings.institutions.models import Institution
from readings.lti.errors import LtiError, UnknownState
from readings.lti.models import (
    Deployment,
    LaunchRecord,
    LaunchResult,
    LaunchState,
    LaunchStep,
    Platform,
    RegisteredVia,
    ToolKey,
    UsedNonce,
)

log = logging.getLogger("readings.lti")

STATE_LIFETIME = datetime.timedelta(minutes=10)
DEFAULT_KEY_GRACE = datetime.timedelta(days=7)
DEFAULT_LAUNCH_RETENTION_DAYS = 400


# The tool's keys ---------------------------------------------------------------------


def tool_key_current() -> ToolKey:
    """The key Readings signs with, generated and stored on first use."""
    key = ToolKey.objects.filter(is_current=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _tool_key_create()
    except IntegrityError:
        # Another process generated it first.
        return ToolKey.objects.get(is_current=True)


@transaction.atomic
def tool_keys_rotate(*, grace: datetime.timedelta = DEFAULT_KEY_GRACE) -> ToolKey:
    """Make a new current key; the old one stays published for ``grace``, then drops out."""
    now = timezone.now()
    old = ToolKey.objects.select_for_update().filter(is_current=True).first()
    if old is not None:
        old.is_current = False
        old.retired_at = now
        old.published_until = now + grace
        old.save(update_fields=["is_current", "retired_at", "published_until", "updated_at"])
    key = _tool_key_create()
    log.info("LTI tool key rotated: %s -> %s", old.kid if old else "-", key.kid)
    return key


def _tool_key_create() -> ToolKey:
    private = JWK.generate(kty="RSA", size=2048)
    private_pem = private.export_to_pem(private_key=True, password=None).decode()
    public_pem = private.export_to_pem().decode()
    # PyLTI1p3's JWK export: kid is the RFC 7638 thumbprint, as platforms expect.
    public_jwk = dict(Registration.get_jwk(public_pem))
    return ToolKey.objects.create(
        kid=public_jwk["kid"], private_key=private_pem, public_jwk=public_jwk, is_current=True
    )


# Platform registrations --------------------------------------------------------------


@transaction.atomic
def platform_register(
    *,
    institution: Institution,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    keyset_url: str,
    auth_token_url: str = "",
    deployment_ids: Iterable[str] = (),
    name: str = "",
    via: str = RegisteredVia.ADMIN,
    is_simulator: bool = False,
) -> Platform:
    """Register an LMS (or add deployments to an existing registration of the same pair)."""
    issuer, client_id = issuer.strip(), client_id.strip()
    platform = Platform.objects.filter(issuer=issuer, client_id=client_id).first()
    if platform is not None and platform.institution_id != institution.pk:
        raise InvalidInput(
            {"client_id": ["This issuer and client id are registered to another institution."]}
        )
    if platform is None:
        platform = Platform(
            institution=institution,
            issuer=issuer,
            client_id=client_id,
            name=(name or issuer).strip()[:255],
            auth_login_url=auth_login_url.strip(),
            auth_token_url=auth_token_url.strip(),
            keyset_url=keyset_url.strip(),
            registered_via=via,
            is_simulator=is_simulator,
        )
    else:
        platform.auth_login_url = auth_login_url.strip()
        platform.auth_token_url = auth_token_url.strip()
        platform.keyset_url = keyset_url.strip()
        if name:
            platform.name = name.strip()[:255]
    validate(platform)
    platform.save()
    for deployment_id in deployment_ids:
        deployment_add(platform=platform, deployment_id=deployment_id)
    return platform


def deployment_add(*, platform: Platform, deployment_id: str) -> Deployment:
    deployment_id = deployment_id.strip()
    if not deployment_id:
        raise InvalidInput({"deployment_id": ["A deployment id cannot be empty."]})
    deployment, _ = Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return deployment


# Login state and nonces --------------------------------------------------------------


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def launch_state_create(*, platform: Platform, target_link_uri: str) -> tuple[str, str]:
    """Start a login: return (state, nonce); only a hash of the state is stored."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = timezone.now()
    LaunchState.objects.create(
        state_hash=state_hash(state),
        platform=platform,
        nonce=nonce,
        target_link_uri=target_link_uri,
        created_at=now,
        expires_at=now + STATE_LIFETIME,
    )
    return state, nonce


def launch_state_consume(*, state: str) -> LaunchState:
    """Use a login state, once: a second launch with it, or a late one, is refused."""
    now = timezone.now()
    hashed = state_hash(state)
    used = LaunchState.objects.filter(
        state_hash=hashed, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if used != 1:
        raise UnknownState("No unused, unexpired login state matches this launch.")
    # The platform is read afresh here, never from a cache: it is what the launch trusts.
    return LaunchState.objects.select_related("platform").get(state_hash=hashed)


def nonce_consume(*, issuer: str, nonce: str, expires_at: int) -> bool:
    """Record a nonce as used; False if it already was (a replay)."""
    try:
        with transaction.atomic():
            UsedNonce.objects.create(
                issuer=issuer,
                nonce=nonce[:255],
                expires_at=datetime.datetime.fromtimestamp(expires_at, tz=datetime.UTC)
                + datetime.timedelta(minutes=5),
            )
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Purged:
    launches: int
    nonces: int
    states: int


def lti_purge(*, retention_days: int | None = None) -> Purged:
    """Delete launch records past their retention, and nonces and states nobody can use.

    Launch records are the go-live evidence and the help desk's lookup, so they
    are kept ``LTI_LAUNCH_RETENTION_DAYS`` (default 400: a full academic year
    and the start of the next); a nonce only until its token would have
    expired, a login state a little past its own expiry.
    """
    if retention_days is None:
        retention_days = int(
            getattr(settings, "LTI_LAUNCH_RETENTION_DAYS", DEFAULT_LAUNCH_RETENTION_DAYS)
        )
    if retention_days < 1:
        raise InvalidInput({"retention_days": ["Keep launch records at least one day."]})
    now = timezone.now()
    launches, _ = LaunchRecord.objects.filter(
        created_at__lt=now - datetime.timedelta(days=retention_days)
    ).delete()
    nonces, _ = UsedNonce.objects.filter(expires_at__lt=now).delete()
    states, _ = LaunchState.objects.filter(expires_at__lt=now - STATE_LIFETIME).delete()
    log.info("LTI purge: %s launch records, %s nonces, %s login states", launches, nonces, states)
    return Purged(launches=launches, nonces=nonces, states=states)


# The launch record -------------------------------------------------------------------


# Unambiguous letters and digits, easy to read out to a help desk. Thirty-two of
# them, so a random byte modulo 32 picks each one with equal chance.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "".join(REFERENCE_ALPHABET[byte % 32] for byte in secrets.token_bytes(10))


def launch_record_refusal(
    *,
    error: LtiError,
    step: str = LaunchStep.LAUNCH,
    platform: Platform | None = None,
    reference: str = "",
    **details: str,
) -> LaunchRecord:
    """Record a refused login or launch; logged with its error id and reference."""
    record = LaunchRecord.objects.create(
        reference=reference or new_reference(),
        created_at=timezone.now(),
        step=step,
        result=LaunchResult.REFUSED,
        error_id=error.error_id,
        detail=error.detail[:2000],
        platform=platform,
        simulated=bool(platform and platform.is_simulator),
        issuer=(details.get("issuer") or (platform.issuer if platform else ""))[:255],
        **{k: v[:255] for k, v in details.items() if k != "issuer" and v},
    )
    log.warning(
        "LTI %s refused: %s ref=%s platform=%s %s",
        step,
        error.error_id,
        record.reference,
        platform.pk if platform else "-",
        error.detail,
    )
    return record


# Deep linking ------------------------------------------------------------------------


def deep_linking_answer(
    *, record: LaunchRecord, acting_user, targets: list[str], launch_url: str
) -> tuple[str, str]:
    """Sign the response for a deep-linking request: (platform return URL, JWT).

    Each target ("list:ID", "section:ID", "citation:ID") must be something the
    instructor can see; it becomes an LtiResourceLink whose custom parameter
    brings later launches straight to it. Answerable once.
    """
    from readings.lti import deep_linking as dl
    from readings.lti.claims import DeepLinkingSettings
    from readings.lti.selectors import deep_link_item

    if record.user_id != acting_user.pk or not record.deep_linking:
        raise UnknownState("This deep-linking request belongs to another launch.")
    items = []
    for target in targets[:50]:
        item = deep_link_item(user=acting_user, target=target)
        if item is None:
            raise InvalidInput({"item": ["One of the chosen items is not available to you."]})
        title, text = item
        items.append(
            dl.ResourceLink(
                title=title[:255],
                text=text[:500],
                url=launch_url,
                custom={"readings_target": target},
            )
        )
    stored = record.deep_linking
    request_settings = DeepLinkingSettings(
        return_url=stored["return_url"],
        accept_types=tuple(stored["accept_types"]),
        accept_presentation_document_targets=tuple(stored["accept_presentation_document_targets"]),
        accept_multiple=stored["accept_multiple"],
        data=stored.get("data"),
    )
    try:
        message = dl.response_message(
            client_id=record.platform.client_id,
            issuer=record.platform.issuer,
            deployment_id=record.deployment_id,
            settings=request_settings,
            items=items,
        )
    except dl.DeepLinkingRefused as exc:
        raise InvalidInput({"item": [str(exc)]}) from exc
    answered = LaunchRecord.objects.filter(
        pk=record.pk, deep_linking_answered_at__isnull=True
    ).update(deep_linking_answered_at=timezone.now())
    if not answered:
        raise UnknownState("This deep-linking request was already answered.")
    key = tool_key_current()
    return request_settings.return_url, dl.sign(
        message, private_key_pem=key.private_key, kid=key.kid
    )
