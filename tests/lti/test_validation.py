"""The validator on its own (no Django, no HTTP): the PyLTI1p3 gaps it closes."""

from __future__ import annotations

import base64
import json
import time

import pytest

from lti.platform import PlatformKey, TestPlatform
from readings.lti import errors
from readings.lti.validation import ExpectedLaunch, LaunchValidator, PlatformTrust


class StaticKeys:
    def __init__(self, *keys: PlatformKey) -> None:
        self.keys = {k.kid: k.jwk() for k in keys}

    def key(self, url: str, kid: str) -> dict:
        if kid not in self.keys:
            raise errors.UnknownKeyId(kid)
        return self.keys[kid]


@pytest.fixture(scope="module")
def lms():
    platform = TestPlatform()
    yield platform
    platform.stop()


@pytest.fixture
def validator(lms):
    used: set[tuple[str, str]] = set()

    def consume(issuer: str, nonce: str, exp: int) -> bool:
        if (issuer, nonce) in used:
            return False
        used.add((issuer, nonce))
        return True

    return LaunchValidator(keys=StaticKeys(lms.key), consume_nonce=consume)


def expected(lms, nonce="n-1", target="http://testserver/lti/launch/") -> ExpectedLaunch:
    trust = PlatformTrust(
        issuer=lms.issuer,
        client_id=lms.client_id,
        keyset_url="http://127.0.0.1/unused",
        deployment_ids=frozenset({lms.deployment_id}),
    )
    return ExpectedLaunch(platform=trust, nonce=nonce, target_link_uri=target)


def test_a_valid_token_yields_typed_claims(lms, validator):
    launch = validator.validate(lms.sign(lms.payload("n-1")), expected(lms))
    assert launch.claims.subject == "user-1"
    assert launch.claims.context.label == "HIST101"
    assert launch.claims.course_role() == "student"


def test_the_nonce_is_consumed_on_first_use(lms, validator):
    """PyLTI1p3 only checks the nonce: the same token validated twice would pass."""
    token = lms.sign(lms.payload("n-1"))
    validator.validate(token, expected(lms))
    with pytest.raises(errors.NonceReplayed):
        validator.validate(token, expected(lms))


def test_a_nonce_other_than_the_issued_one_is_refused(lms, validator):
    with pytest.raises(errors.NonceMismatch):
        validator.validate(lms.sign(lms.payload("n-2")), expected(lms, nonce="n-1"))


def test_the_first_audience_being_ours_does_not_excuse_the_others(lms, validator):
    """PyLTI1p3 takes aud[0] as the client id and ignores the rest."""
    token = lms.sign(lms.payload("n-1", aud=[lms.client_id, "evil-tool"]))
    with pytest.raises(errors.AudienceMismatch):
        validator.validate(token, expected(lms))


def test_unknown_claims_are_ignored(lms, validator):
    token = lms.sign(lms.payload("n-1", **{"https://vendor.example/claim/x": {"deep": [1, 2]}}))
    assert validator.validate(token, expected(lms)).claims.subject == "user-1"


def test_a_leeway_of_zero_refuses_a_just_expired_token(lms):
    strict = LaunchValidator(
        keys=StaticKeys(lms.key), consume_nonce=lambda *a: True, leeway=0, clock=time.time
    )
    now = int(time.time())
    token = lms.sign(lms.payload("n-1", iat=now - 100, exp=now - 5))
    with pytest.raises(errors.TokenExpired):
        strict.validate(token, expected(lms))


def test_checks_run_before_the_nonce_is_spent(lms, validator):
    """A token refused for another reason does not burn its nonce."""
    with pytest.raises(errors.UnknownDeployment):
        validator.validate(
            lms.sign(lms.payload("n-1", deployment_id="other")), expected(lms, nonce="n-1")
        )
    validator.validate(lms.sign(lms.payload("n-1")), expected(lms, nonce="n-1"))


@pytest.mark.parametrize(
    ("error", "status"),
    [(errors.BadSignature, 401), (errors.UnknownDeployment, 403), (errors.LoginBadTarget, 400)],
)
def test_bad_tokens_answer_401_and_other_refusals_their_own_4xx(error, status):
    assert error.status == status


def test_every_error_id_is_unique_and_catalogued():
    ids = [row[0] for row in errors.catalogue()]
    assert len(ids) == len(set(ids))
    assert "lti.nonce_replayed" in ids
    assert all(i.startswith("lti.") for i in ids)


def _with_claim(segment: str, **claims) -> str:
    """The payload segment with claims replaced, re-encoded: still well-formed, not signed."""
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    encoded = json.dumps({**payload, **claims}).encode()
    return base64.urlsafe_b64encode(encoded).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("tamper", "error"),
    [
        (lambda h, p, s: (h, p, s[:-4] + ("AAAA" if s[-4:] != "AAAA" else "BBBB")), "BadSignature"),
        (lambda h, p, s: (h, p, s[:10] + "*" + s[11:]), "MalformedToken"),
        (lambda h, p, s: (h, p, ""), "MalformedToken"),
        (lambda h, p, s: (h, _with_claim(p, sub="someone-else"), s), "BadSignature"),
    ],
    ids=["signature changed", "signature not base64url", "no signature", "payload changed"],
)
def test_a_token_changed_after_signing_is_refused(lms, validator, tamper, error):
    header, payload, signature = lms.sign(lms.payload("n-1")).split(".")
    token = ".".join(tamper(header, payload, signature))
    with pytest.raises((getattr(errors, error), errors.MalformedToken)) as refused:
        validator.validate(token, expected(lms))
    assert type(refused.value).__name__ == error
