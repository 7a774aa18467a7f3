"""LTI Dynamic Registration: an LMS registers Readings itself, with an invitation."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from lti.helpers import assert_signed_in
from lti.platform import TestPlatform
from readings.lti.models import Platform
from readings.lti.registration import invitation_create


@pytest.fixture
def new_lms(settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True  # the test LMS speaks plain HTTP on 127.0.0.1
    platform = TestPlatform(issuer=None, client_id="dyn-client-7", deployment_id="dyn-dep-1")
    yield platform
    platform.stop()


def _open(client, lms, invitation, **overrides):
    params = {
        "invitation": invitation,
        "openid_configuration": f"{lms.server.base}/.well-known/openid-configuration",
        "registration_token": "one-time-token",
        **overrides,
    }
    return client.get("/lti/register/?" + urlencode(params))


def test_an_invited_lms_registers_readings_and_can_launch(client, new_lms, institution, course):
    response = _open(client, new_lms, invitation_create(institution))
    assert response.status_code == 200, response.content.decode()[:1000]
    assert "org.imsglobal.lti.close" in response.content.decode()
    platform = Platform.objects.get()
    assert (platform.issuer, platform.client_id) == (new_lms.issuer, "dyn-client-7")
    assert platform.institution == institution
    assert platform.registered_via == "dynamic"
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["dyn-dep-1"]
    sent = new_lms.registrations[0]
    assert sent["authorization"] == "Bearer one-time-token"
    assert sent["body"]["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["body"]["jwks_uri"] == "http://testserver/lti/jwks/"
    assert "http://testserver/lti/launch/" in sent["body"]["redirect_uris"]

    new_lms.registration = platform
    launcher = Client()
    assert_signed_in(new_lms.launch(launcher), launcher)


@pytest.mark.parametrize("invitation", ["", "forged-invitation"])
def test_without_a_valid_invitation_nothing_is_registered(client, new_lms, institution, invitation):
    response = _open(client, new_lms, invitation)
    assert response.status_code == 400
    assert "lti.registration_refused" in response.content.decode()
    assert not Platform.objects.exists()
    assert new_lms.registrations == []


def test_a_configuration_naming_another_issuer_is_refused(client, new_lms, institution):
    new_lms.issuer = "https://somewhere-else.example"
    response = _open(client, new_lms, invitation_create(institution))
    assert response.status_code == 400
    assert not Platform.objects.exists()


def test_plain_http_platforms_are_refused_outside_development(
    client, new_lms, institution, settings
):
    settings.LTI_ALLOW_HTTP_PLATFORMS = False
    response = _open(client, new_lms, invitation_create(institution))
    assert response.status_code == 400
    assert "not an https address" not in response.content.decode()  # details stay in the log
    assert not Platform.objects.exists()


def test_the_registration_url_command_prints_an_invitation(institution):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "lti",
        "registration-url",
        "--base-url",
        "https://r.example",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().startswith("https://r.example/lti/register/?invitation=")
