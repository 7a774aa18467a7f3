"""Forged, replayed and misdirected launches are refused; nothing they do signs anyone in."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client

from lti.helpers import assert_refused, assert_signed_in
from lti.platform import DEEP_LINKING_URL, LAUNCH_URL, PlatformKey, unused_port_url
from readings.accounts.models import Session
from readings.lti.launch import STATE_COOKIE_PREFIX
from readings.lti.models import LaunchRecord, UsedNonce
from readings.lti.services import state_hash


def _signed(lms, client, **payload_options):
    login = lms.login(client)
    return login, lms.sign(lms.payload(login.nonce, **payload_options))


# Algorithms and signatures ------------------------------------------------------------


def test_an_unsigned_token_with_alg_none_is_refused(client, lms):
    login = lms.login(client)
    token = lms.sign_raw({"alg": "none", "kid": lms.key.kid}, lms.payload(login.nonce))
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.unsupported_algorithm")


def test_an_hs256_token_keyed_with_the_platform_public_key_is_refused(client, lms):
    login = lms.login(client)
    token = lms.sign_raw(
        {"alg": "HS256", "typ": "JWT", "kid": lms.key.kid},
        lms.payload(login.nonce),
        secret=lms.key.public_pem,
    )
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.unsupported_algorithm")


def test_a_token_signed_by_another_key_under_the_platform_kid_is_refused(client, lms):
    login = lms.login(client)
    impostor = PlatformKey.generate(lms.key.kid)
    token = lms.sign(lms.payload(login.nonce), key=impostor)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.bad_signature")


def test_a_token_that_is_not_a_jwt_is_refused(client, lms):
    login = lms.login(client)
    assert_refused(lms.post_launch(client, "not.a-jwt", login.state), client, "lti.malformed_token")


def test_an_oversized_token_is_refused_before_any_decoding(client, lms, settings):
    settings.LTI_MAX_TOKEN_BYTES = 4096
    login, token = _signed(lms, client, padding="x" * 5000)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.token_too_large")


# Issuer, audience, authorised party ---------------------------------------------------


def test_an_issuer_differing_by_a_trailing_slash_is_refused(client, lms):
    login, token = _signed(lms, client, iss=lms.issuer + "/")
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.issuer_mismatch")


def test_an_audience_without_our_client_id_is_refused(client, lms):
    login, token = _signed(lms, client, aud="someone-else", azp=None)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.audience_mismatch")


def test_an_untrusted_extra_audience_is_refused(client, lms):
    login, token = _signed(lms, client, aud=[lms.client_id, "untrusted-tool"])
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.audience_mismatch")


def test_an_extra_audience_the_platform_trusts_is_accepted_with_azp(client, lms, course):
    lms.registration.trusted_audiences = ["https://lms.example.edu/api"]
    lms.registration.save()
    login, token = _signed(lms, client, aud=[lms.client_id, "https://lms.example.edu/api"])
    assert_signed_in(lms.post_launch(client, token, login.state), client)


def test_several_audiences_without_azp_are_refused(client, lms):
    lms.registration.trusted_audiences = ["https://lms.example.edu/api"]
    lms.registration.save()
    login = lms.login(client)
    payload = lms.payload(login.nonce, aud=[lms.client_id, "https://lms.example.edu/api"])
    payload.pop("azp")
    response = lms.post_launch(client, lms.sign(payload), login.state)
    assert_refused(response, client, "lti.azp_mismatch")


def test_a_wrong_authorised_party_is_refused(client, lms):
    login, token = _signed(lms, client, azp="another-client")
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.azp_mismatch")


# Time ---------------------------------------------------------------------------------


def test_an_expired_token_is_refused(client, lms):
    now = int(time.time())
    login, token = _signed(lms, client, iat=now - 600, exp=now - 300)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.token_expired")


def test_a_token_expired_within_the_leeway_is_accepted(client, lms, course):
    now = int(time.time())
    login, token = _signed(lms, client, iat=now - 330, exp=now - 30)
    assert_signed_in(lms.post_launch(client, token, login.state), client)


def test_a_token_issued_in_the_future_is_refused(client, lms):
    now = int(time.time())
    login, token = _signed(lms, client, iat=now + 600, exp=now + 900)
    assert_refused(
        lms.post_launch(client, token, login.state), client, "lti.token_issued_in_future"
    )


# Replay and state ---------------------------------------------------------------------


def test_the_same_id_token_posted_twice_is_refused_the_second_time(client, lms, course):
    login, token = _signed(lms, client)
    assert_signed_in(lms.post_launch(client, token, login.state), client)
    assert UsedNonce.objects.filter(issuer=lms.issuer, nonce=login.nonce).exists()
    _forget_expired_cookies(client)  # as a browser does with the state cookie the launch ended
    again = lms.post_launch(client, token, login.state)
    assert again.status_code == 401
    assert "lti.nonce_replayed" in again.content.decode()
    attacker = Client()
    assert_refused(lms.post_launch(attacker, token, login.state), attacker, "lti.nonce_replayed")


def _forget_expired_cookies(client) -> None:
    for name in [name for name, morsel in client.cookies.items() if morsel["max-age"] == 0]:
        del client.cookies[name]


def test_a_replayed_launch_leaves_nothing_behind_but_its_refusal(client, lms, course):
    """The nonce is used in the launch's transaction: a replay writes no session or user."""
    login, token = _signed(lms, client)
    assert_signed_in(lms.post_launch(client, token, login.state), client)
    sessions, accepted = Session.objects.count(), LaunchRecord.objects.filter(result="accepted")
    accepted_before = accepted.count()

    stranger = Client()
    refused = lms.post_launch(stranger, token, login.state)

    assert Session.objects.count() == sessions
    assert accepted.count() == accepted_before
    assert_refused(refused, stranger, "lti.nonce_replayed")


def test_a_login_state_older_than_ten_minutes_is_refused(client, lms, course, monkeypatch):
    login, token = _signed(lms, client)
    later = time.time() + 601
    # Only the signature's clock moves on: Django's signing module reads time.time().
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.unknown_state")


def test_a_state_naming_another_registration_is_refused(client, lms, course):
    """The state is signed: changing the registration it names breaks the signature."""
    login, token = _signed(lms, client)
    payload, _, rest = login.state.partition(":")
    forged = json.loads(signing.b64_decode(payload.encode()))
    forged[0] += 1
    state = signing.b64_encode(json.dumps(forged, separators=(",", ":")).encode()).decode()
    assert_refused(lms.post_launch(client, token, f"{state}:{rest}"), client, "lti.unknown_state")


def test_a_replay_without_the_state_is_refused(client, lms, course):
    _login, token = _signed(lms, client)
    assert_refused(lms.post_launch(client, token, None), client, "lti.missing_state")


def test_a_replay_with_an_invented_state_is_refused(client, lms):
    _login, token = _signed(lms, client)
    assert_refused(lms.post_launch(client, token, "invented-state"), client, "lti.unknown_state")


def test_an_old_token_replayed_into_a_new_login_is_refused_by_its_nonce(client, lms, course):
    _first, token = _signed(lms, client)
    second = lms.login(client)
    response = lms.post_launch(client, token, second.state)
    assert_refused(response, client, "lti.nonce_mismatch")


def test_a_state_cookie_that_does_not_match_the_state_is_refused(client, lms):
    login, token = _signed(lms, client)
    client.cookies[STATE_COOKIE_PREFIX + state_hash(login.state)[:16]] = "someone-elses-state"
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.state_not_bound")


def test_a_launch_without_the_state_cookie_signs_in_only_in_a_new_window(client, lms, course):
    """Third-party cookies blocked: the frame gets a one-time link, not a session."""
    login, token = _signed(lms, client)
    framed = Client()  # the LMS iframe, which kept no cookie from the login
    response = lms.post_launch(framed, token, login.state)
    assert response.status_code == 200
    assert "_auth_user_id" not in framed.session
    url = response.context["url"]
    new_window = Client()
    page = new_window.get(url)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.content.decode()
    assert new_window.post(url).status_code == 302
    assert "_auth_user_id" in new_window.session
    again = Client()
    assert again.post(url).status_code == 401
    assert "_auth_user_id" not in again.session


def test_launches_without_the_state_cookie_can_be_refused_outright(client, lms, settings):
    settings.LTI_COOKIELESS_LAUNCH = "refuse"
    login, token = _signed(lms, client)
    framed = Client()
    assert_refused(lms.post_launch(framed, token, login.state), framed, "lti.state_not_bound")


def test_a_launch_gives_a_fresh_session_id(client, lms, course):
    session = client.session
    session["before"] = "launch"
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert_signed_in(lms.launch(client), client)
    assert client.session.session_key != before


# Platform keys ------------------------------------------------------------------------


def test_a_rotated_platform_key_is_fetched_once_and_the_launch_accepted(client, lms, course):
    assert_signed_in(lms.launch(client, sub="first"), client)
    assert lms.server.fetches == 1
    lms.rotate()
    other = Client()
    response = lms.launch(other, sub="second")
    assert_signed_in(response, other)
    assert lms.server.fetches == 2


def test_unknown_kids_refetch_the_key_set_at_most_once_per_interval(client, lms):
    for _ in range(3):
        login, token = _signed(lms, client)
        token = lms.sign(lms.payload(login.nonce), headers={"kid": "forged-kid"})
        assert_refused(lms.post_launch(client, token, login.state), client, "lti.unknown_kid")
    assert lms.server.fetches == 2  # the first fetch and one re-fetch


def test_a_key_set_that_is_down_fails_closed(client, lms):
    lms.registration.keyset_url = unused_port_url()
    lms.registration.save()
    login, token = _signed(lms, client)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.keyset_unavailable")


def test_a_slow_key_set_fails_closed_without_waiting_for_it(client, lms, settings):
    settings.LTI_KEYSET_TIMEOUT = 0.3
    lms.server.mode = "slow"
    login, token = _signed(lms, client)
    try:
        response = lms.post_launch(client, token, login.state)
        # The platform is still holding its answer: Readings gave up on its own clock.
        assert lms.server.holding.is_set()
    finally:
        lms.server.release.set()
    assert_refused(response, client, "lti.keyset_unavailable")


def test_a_key_set_answering_garbage_fails_closed(client, lms):
    lms.server.mode = "garbage"
    login, token = _signed(lms, client)
    assert_refused(lms.post_launch(client, token, login.state), client, "lti.keyset_unavailable")


# Deployments and targets --------------------------------------------------------------


def test_an_unregistered_deployment_is_refused(client, lms):
    login, token = _signed(lms, client, deployment_id="deployment-unknown")
    assert_refused(
        lms.post_launch(client, token, login.state), client, "lti.unknown_deployment", status=403
    )


def test_a_login_for_an_unregistered_deployment_is_refused(client, lms):
    response = client.get(
        "/lti/login/",
        {
            "iss": lms.issuer,
            "client_id": lms.client_id,
            "login_hint": "x",
            "target_link_uri": LAUNCH_URL,
            "lti_deployment_id": "deployment-unknown",
        },
    )
    assert_refused(response, client, "lti.login_unknown_deployment", status=403)


def test_a_deployment_of_another_issuer_is_refused(client, lms, other_lms):
    login, token = _signed(lms, client, deployment_id=other_lms.deployment_id + "-x")
    other_lms.registration.deployments.create(deployment_id=other_lms.deployment_id + "-x")
    assert_refused(
        lms.post_launch(client, token, login.state), client, "lti.unknown_deployment", status=403
    )


def test_a_target_link_uri_other_than_the_login_s_is_refused(client, lms):
    login, token = _signed(lms, client, target_link_uri=DEEP_LINKING_URL)
    assert_refused(
        lms.post_launch(client, token, login.state), client, "lti.target_link_uri_mismatch"
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "http://testserver.evil.example/lti/launch/",
        "//evil.example/lti/launch/",
        "http://testserver/accounts/login/",
        "javascript:alert(1)",
    ],
)
def test_a_login_that_would_redirect_elsewhere_is_refused(client, lms, target):
    response = client.get(
        "/lti/login/",
        {
            "iss": lms.issuer,
            "client_id": lms.client_id,
            "login_hint": "x",
            "target_link_uri": target,
        },
    )
    assert_refused(response, client, "lti.login_bad_target_link_uri", status=400)
    assert "Location" not in response


def test_the_login_redirects_only_to_the_registered_auth_url_and_our_launch_url(client, lms):
    login = lms.login(client, target=LAUNCH_URL + "?next=https://evil.example/")
    assert login.redirect_uri == LAUNCH_URL
    assert login.params["client_id"] == lms.client_id
    assert login.params["response_mode"] == "form_post"
    assert login.params["prompt"] == "none"
    assert login.params["lti_message_hint"] == "msg-456"


def test_a_login_by_post_works_like_by_get(client, lms, course):
    login = lms.login(client, method="post")
    token = lms.sign(lms.payload(login.nonce))
    assert_signed_in(lms.post_launch(client, token, login.state), client)


def test_a_login_from_an_unknown_issuer_is_refused_and_recorded(client, lms):
    response = client.get(
        "/lti/login/",
        {"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": LAUNCH_URL},
    )
    record = assert_refused(response, client, "lti.login_unknown_platform", status=400)
    assert record.step == "login"
    assert record.issuer == "https://unknown.example"


def test_a_switched_off_platform_cannot_log_in(client, lms):
    lms.registration.is_active = False
    lms.registration.save()
    response = client.get(
        "/lti/login/",
        {"iss": lms.issuer, "login_hint": "x", "target_link_uri": LAUNCH_URL},
    )
    assert_refused(response, client, "lti.login_unknown_platform", status=400)


def test_every_refusal_is_recorded_with_its_platform(client, lms):
    login, token = _signed(lms, client, iss="https://forged.example")
    lms.post_launch(client, token, login.state)
    record = LaunchRecord.objects.get()
    assert record.platform == lms.registration
    assert record.step == "launch"
    assert record.simulated is False
