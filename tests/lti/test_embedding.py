"""Inside an LMS iframe: a partitioned session where it can live, a new window where not."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from lti.helpers import assert_signed_in
from readings.lti.middleware import MIDDLEWARE_PATH

FRAMED = {"HTTP_SEC_FETCH_DEST": "iframe"}
HTTPS_LAUNCH = "https://testserver/lti/launch/"


@pytest.fixture
def without_embedding(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE_PATH]


def test_the_settings_install_the_embedding_middleware_before_sessions(settings):
    middleware = list(settings.MIDDLEWARE)
    assert middleware.index(MIDDLEWARE_PATH) < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def _framed_https_launch(client, lms):
    query = urlencode(
        {
            "iss": lms.issuer,
            "client_id": lms.client_id,
            "login_hint": "h",
            "target_link_uri": HTTPS_LAUNCH,
        }
    )
    login = client.get("/lti/login/?" + query, secure=True, **FRAMED)
    state_cookie = next(c for name, c in login.cookies.items() if name.startswith("lti-state-"))
    assert "Partitioned" in state_cookie.output()
    assert state_cookie["samesite"] == "None"
    params = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    token = lms.sign(lms.payload(params["nonce"], target=HTTPS_LAUNCH))
    return client.post(
        "/lti/launch/", {"id_token": token, "state": params["state"]}, secure=True, **FRAMED
    )


def test_a_framed_launch_without_the_embedding_middleware_continues_in_a_new_window(
    client, lms, course, reading_list, without_embedding
):
    response = _framed_https_launch(client, lms)
    assert response.status_code == 200
    assert "Open Readings in a new window" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_framed_launch_gets_a_partitioned_session_and_a_frameable_list(
    client, lms, course, reading_list
):
    response = _framed_https_launch(client, lms)
    assert_signed_in(response, client)
    session_cookie = response.cookies["sessionid"].output()
    assert "Partitioned" in session_cookie
    assert "SameSite=None" in session_cookie
    assert "Secure" in session_cookie
    used_state = next(c for name, c in response.cookies.items() if name.startswith("lti-state-"))
    assert used_state["max-age"] == 0
    assert "Partitioned" in used_state.output()  # else the browser would keep the partitioned one
    check = client.get(response["Location"], secure=True, **FRAMED)
    assert check["Location"] == f"/lists/{reading_list.pk}/"
    page = client.get(check["Location"], secure=True, **FRAMED)
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert (
        page["Content-Security-Policy"] == f"frame-ancestors 'self' {lms.server.base} {lms.issuer}"
    )
    # Forms in the frame need the CSRF cookie, partitioned like the session.
    assert "Partitioned" in page.cookies["csrftoken"].output()


def test_the_check_page_offers_a_new_window_when_the_session_cookie_did_not_stick(
    client, lms, course, reading_list
):
    response = _framed_https_launch(client, lms)
    lost = Client()  # the browser dropped the session cookie
    page = lost.get(response["Location"], secure=True, **FRAMED)
    assert page.status_code == 200
    assert "Open Readings in a new window" in page.content.decode()


def test_other_sessions_keep_refusing_to_be_framed(client, make_user, reading_list):
    client.force_login(make_user("plain"))
    page = client.get("/", secure=True)
    assert page.get("X-Frame-Options") == "DENY"
