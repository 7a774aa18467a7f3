"""The Django side of an LTI 1.3 login and launch: a thin adapter around validation.py.

Login initiation signs a state naming the registration and the target, derives
the nonce from it and sets the state in a per-login cookie; nothing is stored
(decision 0013). At launch the state's signature and age are checked and its
nonce is used once, and so is the login; the cookie, when the browser sent it,
must match (state bound to the browser). A browser that kept no cookie (an LMS
iframe with third-party cookies blocked) still gets a verified launch, but no
session inside the frame: it is offered a one-time link that opens Readings in
a new window (see views.handoff and 0010).
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import Morsel
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

from readings.core.rows import writes_together
from readings.lti import errors
from readings.lti.claims import CONTEXT, DEEP_LINKING_REQUEST, INSTRUCTOR, LaunchClaims
from readings.lti.configuration import base_url
from readings.lti.keyset import KeySetCache, http_fetcher
from readings.lti.middleware import PartitionedMorsel
from readings.lti.models import Deployment, LaunchStep, Platform
from readings.lti.provisioning import LaunchOutcome, known_launch, launch_accept, launch_read
from readings.lti.services import (
    launch_record_refusal,
    launch_state_create,
    launch_state_read,
    nonce_use,
    state_hash,
)
from readings.lti.validation import (
    DEFAULT_MAX_TOKEN_BYTES,
    ExpectedLaunch,
    LaunchValidator,
    PlatformTrust,
    decode_unverified,
)

STATE_COOKIE_PREFIX = "lti-state-"
HANDOFF_SALT = "readings.lti.handoff"
HANDOFF_MAX_AGE = 120  # seconds to click "open in a new window"

_keysets: KeySetCache | None = None


def setting(name: str, default):
    return getattr(settings, name, default)


def keyset_cache() -> KeySetCache:
    """One cache per process; timeouts read from settings when first used."""
    global _keysets
    if _keysets is None:
        _keysets = KeySetCache(
            http_fetcher(timeout=float(setting("LTI_KEYSET_TIMEOUT", 5.0))),
            ttl=float(setting("LTI_KEYSET_TTL", 3600)),
            refetch_interval=float(setting("LTI_KEYSET_REFETCH_INTERVAL", 60)),
            failure_backoff=float(setting("LTI_KEYSET_FAILURE_BACKOFF", 10)),
        )
    return _keysets


def reset_keyset_cache() -> None:
    global _keysets
    _keysets = None
    _deployments.clear()
    login_registrations_forget()


def _launch_targets(request: HttpRequest) -> set[str]:
    base = base_url(request)
    return {base + path for path in _launch_paths(get_script_prefix())}


@functools.cache
def _launch_paths(script_prefix: str) -> tuple[str, str]:
    # Every login and launch asks; the URLconf does not change while the process runs.
    return reverse("lti:launch"), reverse("lti:deep_linking")


# Login initiation --------------------------------------------------------------------


@dataclass
class LoginRedirect:
    url: str
    state: str


def login_start(request: HttpRequest, params) -> LoginRedirect:
    """Check the platform's login request and build the authentication redirect."""
    missing = [p for p in ("iss", "login_hint", "target_link_uri") if not params.get(p)]
    if missing:
        raise errors.LoginMissingParameter(f"Missing {', '.join(missing)} in the login request.")
    deployment_id = params.get("lti_deployment_id", "")
    platform = platform_for_login(params["iss"], params.get("client_id", ""), deployment_id)
    target = params["target_link_uri"]
    if _without_query(target) not in _launch_targets(request):
        raise errors.LoginBadTarget(
            f"target_link_uri {target[:200]!r} is not one of Readings' launch URLs."
        )
    if deployment_id and not platform.deployment_known:
        raise errors.LoginUnknownDeployment(
            f"Deployment {deployment_id!r} of {platform.issuer} is not registered."
        )
    state, nonce = launch_state_create(platform=platform, target_link_uri=target)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        # Always our own launch URL, never an address taken from the request.
        "redirect_uri": _without_query(target),
        "login_hint": params["login_hint"],
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    return LoginRedirect(url=_add_query(platform.auth_login_url, query), state=state)


# Registrations that answered a login, per process: (issuer, client id, deployment id)
# → (when read, platform). Only positive answers are kept, so a registration or
# deployment added elsewhere is seen at once; a change made in this process
# through the ORM empties it (signals.py). A change made in another process is
# seen within LOGIN_REGISTRATION_MAX_AGE; until then at worst a login starts that
# the launch refuses, since the launch re-reads the registration with its state.
_login_registrations: dict[tuple[str, str, str], tuple[float, Platform]] = {}
LOGIN_REGISTRATION_MAX_AGE = 30.0  # seconds


def login_registrations_forget() -> None:
    _login_registrations.clear()


def platform_for_login(issuer: str, client_id: str, deployment_id: str = "") -> Platform:
    """The active registration; ``deployment_known`` says if it has that deployment id."""
    key = (issuer, client_id, deployment_id)
    now = time.monotonic()
    read_at, platform = _login_registrations.get(key, (0.0, None))
    if platform is not None and now - read_at < LOGIN_REGISTRATION_MAX_AGE:
        return platform
    platform = _platform_for_login(issuer, client_id, deployment_id)
    if platform.deployment_known or not deployment_id:
        _login_registrations[key] = (now, platform)
    return platform


def _platform_for_login(issuer: str, client_id: str, deployment_id: str) -> Platform:
    platforms = Platform.objects.filter(issuer=issuer, is_active=True)
    if client_id:
        platforms = platforms.filter(client_id=client_id)
    # One query: the deployment is looked up alongside the platform.
    platforms = platforms.annotate(
        deployment_known=Exists(
            Deployment.objects.filter(platform=OuterRef("pk"), deployment_id=deployment_id)
        )
    )
    found = list(platforms[:2])
    if not found:
        raise errors.LoginUnknownPlatform(
            f"No active registration for issuer {issuer!r}"
            + (f" and client id {client_id!r}." if client_id else ".")
        )
    if len(found) > 1:
        raise errors.LoginAmbiguousPlatform(f"Several registrations for issuer {issuer!r}.")
    return found[0]


def set_state_cookie(request: HttpRequest, response: HttpResponse, state: str) -> None:
    """Bind the state to this browser; partitioned so an LMS iframe may keep it."""
    response.cookies[_state_cookie_name(state)] = _state_morsel(request, state, state, 600)


def state_cookie_clear(request: HttpRequest, response: HttpResponse, state: str) -> None:
    """Expire the state cookie, with the attributes it was set with.

    A browser only removes a partitioned cookie when told so by a cookie that
    is partitioned too; Django's delete_cookie would leave it in place.
    """
    response.cookies[_state_cookie_name(state)] = _state_morsel(request, state, "", 0)


def _state_cookie_name(state: str) -> str:
    return STATE_COOKIE_PREFIX + state_hash(state)[:16]


def _state_morsel(request: HttpRequest, state: str, value: str, max_age: int) -> Morsel:
    morsel: Morsel = PartitionedMorsel() if _secure(request) else Morsel()
    morsel.set(_state_cookie_name(state), value, value)
    morsel["path"] = _state_cookie_path()
    morsel["max-age"] = max_age
    if max_age == 0:
        morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    morsel["httponly"] = True
    if _secure(request):
        morsel["secure"] = True
        morsel["samesite"] = "None"
    else:
        morsel["samesite"] = "Lax"
    return morsel


def _state_cookie_path() -> str:
    return _launch_paths(get_script_prefix())[0].rsplit("/", 2)[0] + "/"


def _secure(request: HttpRequest) -> bool:
    return request.is_secure()


def is_framed(request: HttpRequest) -> bool:
    """True when the browser says this request loads an iframe (Fetch Metadata)."""
    return request.headers.get("Sec-Fetch-Dest") in ("iframe", "frame")


def frame_ancestors(platform: Platform) -> list[str]:
    """The origins that may frame Readings for this platform's launches."""
    origins = []
    for url in (platform.issuer, platform.auth_login_url, *setting("LTI_FRAME_ANCESTORS", [])):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


# Launch ------------------------------------------------------------------------------


@dataclass
class AcceptedLaunch:
    outcome: LaunchOutcome
    claims: LaunchClaims
    platform: Platform
    browser_bound: bool


def launch_validate(
    request: HttpRequest,
    reference: str,
    *,
    sign_in: Callable[[AcceptedLaunch], None] | None = None,
) -> AcceptedLaunch:
    """Validate the posted launch and provision; refusals are recorded and re-raised.

    Everything is read and checked first; then one transaction uses the nonce
    (and so the login), provisions what a first launch needs, records the
    launch and runs ``sign_in``. A replay, or a failure anywhere, leaves no
    trace but the refusal record, and SQLite's write lock is held only for the
    writes. A repeat launch's writes (nonce, record, last sign-in, session)
    reach PostgreSQL as one statement (``writes_together``).
    """
    platform: Platform | None = None
    details: dict[str, str] = {}
    try:
        id_token = request.POST.get("id_token", "")
        state = request.POST.get("state", "")
        if not id_token:
            raise errors.MissingIdToken("The launch request has no id_token.")
        if not state:
            raise errors.MissingState("The launch request has no state.")
        login = launch_state_read(state=state)
        bound = _state_binding(request, state)
        if not bound and setting("LTI_COOKIELESS_LAUNCH", "new_window") == "refuse":
            raise errors.StateNotBound("The browser did not send the state cookie.")
        read = launch_read(platform_id=login.platform_id, **_unverified_person(id_token))
        platform = read.platform
        if platform is None or not platform.is_active:
            raise errors.LoginUnknownPlatform("The registration this login used is switched off.")
        validated = _validator(platform).validate(
            id_token,
            ExpectedLaunch(
                platform=platform_trust(platform),
                nonce=login.nonce,
                target_link_uri=login.target_link_uri,
            ),
        )
        claims = validated.claims
        details = {
            "deployment_id": claims.deployment_id,
            "message_type": claims.message_type,
            "subject": claims.subject,
            "context_id": claims.context.id if claims.context else "",
            "context_label": claims.context.label if claims.context else "",
        }
        role = claims.course_role(administrator_role=platform.administrator_role)
        if claims.message_type == DEEP_LINKING_REQUEST and role != INSTRUCTOR:
            raise errors.DeepLinkingForbidden("A deep-linking request from a non-instructor.")
        plan = known_launch(platform=platform, claims=claims, reference=reference, read=read)
        with writes_together():
            nonce_use(
                issuer=platform.issuer, nonce=validated.nonce, expires_at=validated.expires_at
            )
            outcome = launch_accept(
                platform=platform, claims=claims, reference=reference, plan=plan
            )
            accepted = AcceptedLaunch(
                outcome=outcome, claims=claims, platform=platform, browser_bound=bound
            )
            if sign_in is not None:
                sign_in(accepted)
    except errors.LtiError as exc:
        launch_record_refusal(
            error=exc, step=LaunchStep.LAUNCH, platform=platform, reference=reference, **details
        )
        raise
    return accepted


def _unverified_person(id_token: str) -> dict[str, str | None]:
    """Who the token says launches from which LMS course, to read them with the registration.

    Nothing here is trusted: known_launch uses what was read only if the verified
    claims say the same. A token that cannot be read finds nobody; the validator
    then says what is wrong with it.
    """
    nobody: dict[str, str | None] = {"issuer": "", "subject": "", "context_id": None}
    if len(id_token) > _max_token_bytes():
        return nobody
    try:
        payload = decode_unverified(id_token)[1]
    except errors.LtiError:
        return nobody
    context = payload.get(CONTEXT)
    context_id = context.get("id") if isinstance(context, dict) else None
    person = (payload.get("iss"), payload.get("sub"), context_id)
    if not all(isinstance(value, str) for value in person[:2]) or not isinstance(
        context_id, str | None
    ):
        return nobody
    return dict(zip(nobody, person, strict=True))


def _state_binding(request: HttpRequest, state: str) -> bool:
    """True if the browser sent the state cookie; refuse if it sent a different one."""
    cookie = request.COOKIES.get(STATE_COOKIE_PREFIX + state_hash(state)[:16])
    if cookie is None:
        return False
    if not hmac.compare_digest(cookie.encode(), state.encode()):
        raise errors.StateNotBound("The state cookie does not match the posted state.")
    return True


def _validator(platform: Platform) -> LaunchValidator:
    from readings.lti.simulator import SimulatorKeys

    return LaunchValidator(
        keys=SimulatorKeys() if platform.is_simulator else keyset_cache(),
        consume_nonce=None,  # used in launch_validate's transaction
        leeway=int(setting("LTI_LEEWAY", 60)),
        max_token_bytes=_max_token_bytes(),
    )


def _max_token_bytes() -> int:
    return int(setting("LTI_MAX_TOKEN_BYTES", DEFAULT_MAX_TOKEN_BYTES))


def platform_trust(platform: Platform) -> PlatformTrust:
    return PlatformTrust(
        issuer=platform.issuer,
        client_id=platform.client_id,
        keyset_url=platform.keyset_url,
        deployment_ids=deployment_ids(platform),
        trusted_audiences=frozenset(a for a in platform.trusted_audiences or [] if a),
    )


# A platform's deployment ids, per process: (platform updated_at, when read, ids) by platform.
_deployments: dict[int, tuple[object, float, frozenset[str]]] = {}
DEPLOYMENTS_MAX_AGE = 60.0  # seconds; changes made through the ORM are seen at once


def deployment_ids(platform: Platform) -> frozenset[str]:
    """The registered deployment ids, re-read whenever the platform row changed.

    Every deployment added or removed through the ORM touches the platform's
    ``updated_at`` (signals.py), and the launch reads the platform row
    afresh with its state, so a change is seen by the next launch in every
    process; the age limit covers changes made behind the ORM's back.
    """
    now = time.monotonic()
    version, read_at, ids = _deployments.get(platform.pk, (None, 0.0, frozenset()))
    if version == platform.updated_at and now - read_at < DEPLOYMENTS_MAX_AGE:
        return ids
    ids = frozenset(platform.deployments.values_list("deployment_id", flat=True))
    _deployments[platform.pk] = (platform.updated_at, now, ids)
    return ids


def record_login_refusal(request: HttpRequest, exc: errors.LtiError) -> str:
    params = request.POST if request.method == "POST" else request.GET
    platform = Platform.objects.filter(
        issuer=params.get("iss", ""), client_id=params.get("client_id", "")
    ).first()
    record = launch_record_refusal(
        error=exc,
        step=LaunchStep.LOGIN,
        platform=platform,
        issuer=params.get("iss", "")[:255],
        deployment_id=params.get("lti_deployment_id", "")[:255],
    )
    return record.reference


# New-window hand-off (no cookies in the frame) ---------------------------------------


def handoff_token(reference: str) -> str:
    return signing.dumps({"ref": reference}, salt=HANDOFF_SALT)


def handoff_reference(token: str) -> str:
    try:
        data = signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE)
    except signing.BadSignature as exc:
        raise errors.UnknownState("This link has expired; open the LMS link again.") from exc
    return str(data.get("ref", ""))


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _add_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
