"""Writes for LTI: the tool's keys, platform registrations, login state, nonces, records."""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

from readings.core.exceptions import InvalidInput
from readings.core.models import validate
from readings.core.rows import insert
from readings.institutions.models import Institution
from readings.lti.errors import LtiError, NonceReplayed, UnknownState
from readings.lti.models import (
    Deployment,
    LaunchRecord,
    LaunchResult,
    LaunchStep,
    Platform,
    RegisteredVia,
    ToolKey,
    UsedNonce,
)

log = logging.getLogger("readings.lti")

STATE_LIFETIME = datetime.timedelta(minutes=10)
STATE_SALT = "readings.lti.state"
NONCE_SALT = "readings.lti.nonce"
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


@dataclass(frozen=True)
class LoginState:
    """What a login promised the launch: the registration, the target, the nonce."""

    platform_id: int
    target_link_uri: str
    nonce: str


def launch_state_create(*, platform: Platform, target_link_uri: str) -> tuple[str, str]:
    """Start a login: return (state, nonce), nothing stored.

    The state is signed with the site's key and names the registration and the
    target; the nonce is derived from it. Using the nonce once (``nonce_use``)
    therefore uses the state once, and a login costs no database write.
    """
    state = signing.dumps(
        [platform.pk, target_link_uri, secrets.token_urlsafe(16)], salt=STATE_SALT
    )
    return state, _state_nonce(state)


def launch_state_read(*, state: str) -> LoginState:
    """The login a launch continues; refused if forged or older than STATE_LIFETIME."""
    try:
        platform_id, target, _random = signing.loads(state, salt=STATE_SALT, max_age=STATE_LIFETIME)
    except signing.SignatureExpired as exc:
        raise UnknownState("The login this launch continues has expired.") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise UnknownState("No login started by Readings matches this launch.") from exc
    return LoginState(platform_id=platform_id, target_link_uri=target, nonce=_state_nonce(state))


def _state_nonce(state: str) -> str:
    digest = salted_hmac(NONCE_SALT, state, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def nonce_use(*, issuer: str, nonce: str, expires_at: int) -> None:
    """Record a nonce as used, inside the caller's transaction; a second use is refused.

    A concurrent use of the same nonce waits for this transaction and then
    finds it taken. Inside ``writes_together`` the refusal comes when the
    writes are sent, and none of them is applied.
    """
    used = UsedNonce(issuer=issuer, nonce=nonce[:255], expires_at=_kept_until(expires_at))
    insert(used, taken=NonceReplayed("This login was already used: the launch was posted twice."))


def _kept_until(expires_at: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(expires_at, tz=datetime.UTC) + datetime.timedelta(
        minutes=5
    )


@dataclass(frozen=True)
class Purged:
    launches: int
    nonces: int


def lti_purge(*, retention_days: int | None = None) -> Purged:
    """Delete launch records past their retention, and nonces nobody can use.

    Launch records are the go-live evidence and the help desk's lookup, so they
    are kept ``LTI_LAUNCH_RETENTION_DAYS`` (default 400: a full academic year
    and the start of the next); a nonce only until its token would have
    expired.
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
    log.info("LTI purge: %s launch records, %s nonces", launches, nonces)
    return Purged(launches=launches, nonces=nonces)


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
