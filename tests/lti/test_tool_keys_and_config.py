"""The tool's keys (made on first use, rotated, published) and what the LMS admin copies."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from jwcrypto.jwk import JWK

from readings.lti.models import Platform, ToolKey
from readings.lti.services import tool_key_current, tool_keys_rotate


def _kids(client) -> list[str]:
    return [key["kid"] for key in client.get("/lti/jwks/").json()["keys"]]


def test_the_key_set_makes_a_key_on_first_use_and_keeps_it(client, db):
    assert not ToolKey.objects.exists()
    first = _kids(client)
    assert len(first) == 1
    assert _kids(client) == first


def test_the_published_kid_is_the_key_thumbprint_and_has_no_private_part(client, db):
    key = client.get("/lti/jwks/").json()["keys"][0]
    assert key["kid"] == JWK(**{k: v for k, v in key.items()}).thumbprint()
    assert (key["alg"], key["use"], key["kty"]) == ("RS256", "sig", "RSA")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_a_rotated_key_stays_published_until_its_grace_ends(client, db):
    old = tool_key_current()
    new = tool_keys_rotate(grace=datetime.timedelta(days=2))
    assert tool_key_current() == new
    assert _kids(client) == [new.kid, old.kid]
    ToolKey.objects.filter(pk=old.pk).update(published_until=timezone.now())
    assert _kids(client) == [new.kid]


def test_rotate_keys_from_the_command_line(db):
    old = tool_key_current()
    out = io.StringIO()
    call_command("lti", "rotate-keys", stdout=out)
    assert tool_key_current() != old
    assert tool_key_current().kid in out.getvalue()


def test_config_json_names_every_url_an_lms_needs(db):
    out = io.StringIO()
    call_command(
        "lti", "config", "--json", "--base-url", "https://readings.example.edu/", stdout=out
    )
    config = json.loads(out.getvalue())
    assert config["login_url"] == "https://readings.example.edu/lti/login/"
    assert config["launch_url"] == "https://readings.example.edu/lti/launch/"
    assert config["deep_linking_url"] == "https://readings.example.edu/lti/launch/deep-linking/"
    assert config["jwks_url"] == "https://readings.example.edu/lti/jwks/"
    assert config["dynamic_registration_url"] == "https://readings.example.edu/lti/register/"


def test_config_prints_the_same_urls_for_people(db):
    out = io.StringIO()
    call_command("lti", "config", "--base-url", "https://r.example", stdout=out)
    assert "https://r.example/lti/login/" in out.getvalue()
    assert "https://r.example/lti/jwks/" in out.getvalue()


def test_the_configuration_page_and_json_agree(client, db):
    page = client.get("/lti/config/").content.decode()
    data = client.get("/lti/config.json").json()
    assert data["launch_url"] == "http://testserver/lti/launch/"
    for key in ("login_url", "launch_url", "deep_linking_url", "jwks_url"):
        assert data[key] in page
    assert "lti.nonce_replayed" in page


def test_register_from_the_command_line(institution):
    out = io.StringIO()
    call_command(
        "lti",
        "register",
        "--issuer=https://canvas.example.edu",
        "--client-id=10000000000001",
        "--auth-login-url=https://canvas.example.edu/api/lti/authorize_redirect",
        "--auth-token-url=https://canvas.example.edu/login/oauth2/token",
        "--keyset-url=https://canvas.example.edu/api/lti/security/jwks",
        "--deployment-id=1:abc",
        "--deployment-id=2:def",
        "--name=Canvas",
        stdout=out,
    )
    platform = Platform.objects.get()
    assert platform.institution == institution
    assert platform.registered_via == "cli"
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == [
        "1:abc",
        "2:def",
    ]
    assert "Registered Canvas" in out.getvalue()


def test_register_refuses_an_address_that_is_not_a_url(institution):
    with pytest.raises(CommandError, match="URL"):
        call_command(
            "lti",
            "register",
            "--issuer=https://moodle.example.edu",
            "--client-id=abc",
            "--auth-login-url=not a url",
            "--auth-token-url=https://moodle.example.edu/token",
            "--keyset-url=https://moodle.example.edu/certs",
            "--deployment-id=1",
        )
    assert not Platform.objects.exists()


def test_purge_forgets_only_expired_nonces(db):
    from readings.lti.models import UsedNonce

    past = timezone.now() - datetime.timedelta(hours=1)
    UsedNonce.objects.create(issuer="https://lms", nonce="old", expires_at=past)
    UsedNonce.objects.create(
        issuer="https://lms", nonce="fresh", expires_at=past + datetime.timedelta(hours=2)
    )
    call_command("lti", "purge", stdout=io.StringIO())
    assert list(UsedNonce.objects.values_list("nonce", flat=True)) == ["fresh"]


def test_launches_lists_refusals_with_their_reference(client, lms):
    client.get("/lti/login/", {"iss": "https://nobody.example", "login_hint": "x"})
    out = io.StringIO()
    call_command("lti", "launches", "--refused", stdout=out)
    assert "lti.login_missing_parameter" in out.getvalue()
