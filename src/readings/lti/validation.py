"""Launch validation: the 1EdTech Security Framework checks, one named step each.

The steps run in a fixed order and each refuses with its own exception (see
errors.py). What PyLTI1p3's MessageLaunch leaves open is closed here:

- the nonce must equal the one issued with the state and is consumed on first
  use (``consume_nonce``, or by the caller in the transaction that acts on the
  launch), so a replayed id_token is refused;
- ``aud`` must contain our client id and nothing we do not trust, and ``azp``
  must be our client id whenever present (required with several audiences);
- an unknown ``kid`` re-fetches the key set once, rate-limited (keyset.py).

Plain Python: no Django import. The Django adapter (launch.py) supplies the
expected values from the signed login state and the registration.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt

from readings.lti import claims as c
from readings.lti.errors import (
    AudienceMismatch,
    AuthorizedPartyMismatch,
    BadSignature,
    InvalidClaim,
    IssuerMismatch,
    MalformedToken,
    MissingClaim,
    MissingKeyId,
    NonceMismatch,
    NonceReplayed,
    TargetLinkMismatch,
    TokenExpired,
    TokenFromFuture,
    TokenTooLarge,
    UnknownDeployment,
    UnknownKeyId,
    UnsupportedAlgorithm,
    WrongVersion,
)

LTI_VERSION = "1.3.0"
ALGORITHM = "RS256"
DEFAULT_LEEWAY = 60  # seconds of clock skew tolerated on exp/iat/nbf
DEFAULT_MAX_TOKEN_BYTES = 64 * 1024


class KeySource(Protocol):
    def key(self, url: str, kid: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PlatformTrust:
    """What Readings trusts about one platform registration."""

    issuer: str
    client_id: str
    keyset_url: str
    deployment_ids: frozenset[str]
    trusted_audiences: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ExpectedLaunch:
    """What the login initiation promised: from the signed login state."""

    platform: PlatformTrust
    nonce: str
    target_link_uri: str


@dataclass(frozen=True)
class ValidatedLaunch:
    claims: c.LaunchClaims
    payload: Mapping[str, Any] = field(repr=False)
    expires_at: int = 0

    @property
    def nonce(self) -> str:
        return self.payload["nonce"]


@dataclass
class LaunchValidator:
    keys: KeySource
    # Records the nonce as used; returns False if it already was. None: the caller
    # consumes ValidatedLaunch.nonce itself, in the transaction that acts on the launch.
    consume_nonce: Callable[[str, str, int], bool] | None
    leeway: int = DEFAULT_LEEWAY
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES
    clock: Callable[[], float] = time.time

    def validate(self, id_token: str, expected: ExpectedLaunch) -> ValidatedLaunch:
        platform = expected.platform
        check_size(id_token, self.max_token_bytes)
        header, unverified = decode_unverified(id_token)
        check_algorithm(header)
        kid = check_key_id(header)
        check_issuer(unverified, platform)
        jwk = self.keys.key(platform.keyset_url, kid)
        payload = verify_signature(id_token, jwk, unverified)
        check_issuer(payload, platform)
        check_audience(payload, platform)
        check_authorized_party(payload, platform)
        expires_at = check_times(payload, now=self.clock(), leeway=self.leeway)
        check_nonce(payload, expected.nonce)
        check_version(payload)
        claims = c.parse_claims(payload, client_id=platform.client_id)
        check_deployment(claims, platform)
        check_target_link_uri(claims, expected.target_link_uri)
        if self.consume_nonce is not None and not self.consume_nonce(
            platform.issuer, payload["nonce"], expires_at
        ):
            raise NonceReplayed("This id_token's nonce was already used.")
        return ValidatedLaunch(claims=claims, payload=payload, expires_at=expires_at)


def check_size(id_token: str, max_bytes: int) -> None:
    if len(id_token) > max_bytes:
        raise TokenTooLarge(f"The id_token is {len(id_token)} bytes; the limit is {max_bytes}.")


def decode_unverified(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload, for routing only: nothing here is trusted yet."""
    parts = id_token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise MalformedToken("The id_token is not a signed JWT (three dot-separated parts).")
    try:
        header, payload = (json.loads(_b64decode(part)) for part in parts[:2])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise MalformedToken("The id_token's header or payload is not base64url JSON.") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedToken("The id_token's header and payload must be JSON objects.")
    return header, payload


def check_algorithm(header: Mapping[str, Any]) -> None:
    # Only RS256: refuses "none" and HS256 signed with the public key as secret.
    if header.get("alg") != ALGORITHM:
        raise UnsupportedAlgorithm(
            f"The id_token is signed with {header.get('alg')!r}; only RS256 is accepted."
        )


def check_key_id(header: Mapping[str, Any]) -> str:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MissingKeyId("The id_token header has no kid, so its key cannot be chosen.")
    return kid


def check_issuer(payload: Mapping[str, Any], platform: PlatformTrust) -> None:
    # Exact comparison: "https://lms.example" and "https://lms.example/" differ.
    if payload.get("iss") != platform.issuer:
        raise IssuerMismatch(
            f"The id_token's iss {payload.get('iss')!r} is not {platform.issuer!r}, "
            "the issuer this launch was started for."
        )


def verify_signature(
    id_token: str, jwk: Mapping[str, Any], payload: dict[str, Any]
) -> dict[str, Any]:
    """The payload (as decode_unverified read it), once the signature over it checks out.

    PyJWT's RS256 algorithm verifies the signing input, the header and payload
    exactly as sent; decoding them again, as ``jwt.decode`` would, adds nothing
    and costs more than the RSA verification itself.
    """
    if jwk.get("kty") != "RSA" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise UnknownKeyId("The platform key with this kid is not an RS256 signing key.")
    if jwk.get("use", "sig") != "sig":
        raise UnknownKeyId("The platform key with this kid is not meant for signatures.")
    try:
        key = _public_key(json.dumps(jwk, sort_keys=True))
    except jwt.PyJWKError as exc:
        raise UnknownKeyId("The platform key with this kid could not be read.") from exc
    signing_input, _, signature = id_token.rpartition(".")
    try:
        raw_signature = _b64decode_strict(signature)
    except (ValueError, binascii.Error) as exc:
        raise MalformedToken("The id_token's signature is not base64url.") from exc
    if not _RS256.verify(signing_input.encode(), key, raw_signature):
        raise BadSignature("The id_token's signature does not match the platform key.")
    return payload


_RS256 = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
_BASE64URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64decode_strict(part: str) -> bytes:
    raw = part.encode("ascii")
    if not raw or not _BASE64URL.issuperset(raw):
        raise ValueError("not base64url")
    return _b64decode(part)


@functools.lru_cache(maxsize=64)
def _public_key(jwk_json: str) -> Any:
    """The parsed RSA public key of a JWK, kept: parsing costs more than verifying."""
    return jwt.PyJWK(json.loads(jwk_json), algorithm=ALGORITHM).key


def check_audience(payload: Mapping[str, Any], platform: PlatformTrust) -> None:
    aud = payload.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise AudienceMismatch("The id_token has no aud claim.")
    if platform.client_id not in audiences:
        raise AudienceMismatch(
            f"The id_token is for {audiences!r}, not Readings' client id {platform.client_id!r}."
        )
    untrusted = set(audiences) - {platform.client_id} - platform.trusted_audiences
    if untrusted:
        raise AudienceMismatch(f"The id_token is also meant for untrusted {sorted(untrusted)!r}.")


def check_authorized_party(payload: Mapping[str, Any], platform: PlatformTrust) -> None:
    azp = payload.get("azp")
    several = isinstance(payload.get("aud"), list) and len(payload["aud"]) > 1
    if azp is None and several:
        raise AuthorizedPartyMismatch("The id_token has several audiences but no azp.")
    if azp is not None and azp != platform.client_id:
        raise AuthorizedPartyMismatch(
            f"The id_token's azp {azp!r} is not Readings' client id {platform.client_id!r}."
        )


def check_times(payload: Mapping[str, Any], *, now: float, leeway: int) -> int:
    for name in ("exp", "iat"):
        value = payload.get(name)
        if value is None:
            raise MissingClaim(f"The claim {name} is missing.")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InvalidClaim(f"The claim {name} must be a number of seconds.")
    if now > payload["exp"] + leeway:
        raise TokenExpired(f"The id_token expired {int(now - payload['exp'])} s ago.")
    if payload["iat"] > now + leeway:
        raise TokenFromFuture(f"The id_token was issued {int(payload['iat'] - now)} s from now.")
    nbf = payload.get("nbf")
    if isinstance(nbf, int | float) and nbf > now + leeway:
        raise TokenFromFuture("The id_token is not valid yet (nbf).")
    return int(payload["exp"])


def check_nonce(payload: Mapping[str, Any], expected: str) -> None:
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise MissingClaim("The claim nonce is missing.")
    if not hmac.compare_digest(nonce.encode(), expected.encode()):
        raise NonceMismatch("The id_token's nonce is not the one Readings issued for this login.")


def check_version(payload: Mapping[str, Any]) -> None:
    version = payload.get(c.VERSION)
    if version != LTI_VERSION:
        found = "no LTI version" if version is None else f"LTI version {version!r}"
        raise WrongVersion(f"The id_token has {found}; Readings needs {LTI_VERSION}.")


def check_deployment(claims: c.LaunchClaims, platform: PlatformTrust) -> None:
    if claims.deployment_id not in platform.deployment_ids:
        raise UnknownDeployment(
            f"Deployment {claims.deployment_id!r} of {platform.issuer} is not registered."
        )


def check_target_link_uri(claims: c.LaunchClaims, expected: str) -> None:
    if claims.target_link_uri != expected:
        raise TargetLinkMismatch(
            f"The id_token targets {claims.target_link_uri!r}, "
            f"but the login was started for {expected!r}."
        )


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
