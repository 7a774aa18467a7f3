"""Deep Linking 2.0: an instructor picks items; the LMS gets a response it can verify."""

from __future__ import annotations

import re

import jwt
import pytest
from django.test import Client
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration

from lti.helpers import assert_refused, assert_signed_in
from lti.platform import DEEP_LINKING_URL, ROLE
from readings.lti.selectors import tool_jwks

DL_SETTINGS = {
    "deep_link_return_url": "https://lms.example.edu/deep_links",
    "accept_types": ["ltiResourceLink"],
    "accept_presentation_document_targets": ["iframe", "window"],
    "accept_multiple": True,
    "data": "opaque-csrf-token-123",
}


class IndependentPlatform(LTI1P3PlatformConfAbstract):
    """lti1p3platform's own check of a deep-linking response (another implementation)."""

    def init_platform_config(self, **kwargs) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs) -> Registration:
        return self._registration


def _deep_linking_launch(lms, client, *, roles=None, settings=None):
    login = lms.login(client, target=DEEP_LINKING_URL)
    payload = lms.payload(
        login.nonce,
        target=DEEP_LINKING_URL,
        message_type="LtiDeepLinkingRequest",
        roles=roles or [ROLE + "Instructor"],
        deep_linking_settings=settings or DL_SETTINGS,
        drop=("resource_link",),
    )
    return lms.post_launch(client, lms.sign(payload), login.state, url="/lti/launch/deep-linking/")


def _returned_jwt(response) -> str:
    return re.search(r'name="JWT" value="([^"]+)"', response.content.decode()).group(1)


def test_an_instructor_picks_a_list_and_section_and_the_lms_can_verify_the_links(
    client, lms, course, reading_list
):
    response = _deep_linking_launch(lms, client)
    assert_signed_in(response, client)
    picker = client.get(response["Location"])
    assert reading_list.name in picker.content.decode()
    section = reading_list.sections.get()
    answer = client.post(
        response["Location"], {"item": [f"list:{reading_list.pk}", f"section:{section.pk}"]}
    )
    assert answer.status_code == 200
    assert 'action="https://lms.example.edu/deep_links"' in answer.content.decode()

    registration = (
        Registration()
        .set_iss(lms.issuer)
        .set_client_id(lms.client_id)
        .set_tool_key_set(tool_jwks())
    )
    items = IndependentPlatform(registration=registration).validate_deeplinking_resp(
        {"JWT": _returned_jwt(answer)}
    )
    assert [item["custom"]["readings_target"] for item in items] == [
        f"list:{reading_list.pk}",
        f"section:{section.pk}",
    ]
    assert all(item["url"] == "http://testserver/lti/launch/" for item in items)
    claims = jwt.decode(_returned_jwt(answer), options={"verify_signature": False})
    assert claims["aud"] == lms.issuer
    assert claims["iss"] == lms.client_id
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-csrf-token-123"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == lms.deployment_id


def test_a_link_made_by_deep_linking_launches_straight_to_its_item(
    client, lms, course, reading_list
):
    section = reading_list.sections.get()
    response = lms.launch(client, custom={"readings_target": f"section:{section.pk}"})
    assert response["Location"] == f"/lists/{reading_list.pk}/#s{section.pk}"


def test_a_platform_accepting_one_item_gets_one(client, lms, course, reading_list):
    response = _deep_linking_launch(lms, client, settings={**DL_SETTINGS, "accept_multiple": False})
    section = reading_list.sections.get()
    answer = client.post(
        response["Location"], {"item": [f"list:{reading_list.pk}", f"section:{section.pk}"]}
    )
    assert answer.status_code == 400
    assert "pick only one" in answer.content.decode()


def test_a_student_cannot_make_deep_links(client, lms, course):
    response = _deep_linking_launch(lms, client, roles=[ROLE + "Learner"])
    assert_refused(response, client, "lti.deep_linking_forbidden", status=403)


def test_a_deep_linking_request_is_answered_once(client, lms, course, reading_list):
    response = _deep_linking_launch(lms, client)
    item = {"item": [f"list:{reading_list.pk}"]}
    assert client.post(response["Location"], item).status_code == 200
    assert client.post(response["Location"], item).status_code == 404


def test_only_the_instructor_who_launched_can_answer(client, lms, course, reading_list, make_user):
    response = _deep_linking_launch(lms, client)
    other = Client()
    other.force_login(make_user("intruder", roles=["instructor"]))
    assert other.get(response["Location"]).status_code == 404


@pytest.mark.parametrize("target", ["list:999999", "citation:abc", "course:1"])
def test_items_that_do_not_exist_cannot_be_linked(client, lms, course, reading_list, target):
    response = _deep_linking_launch(lms, client)
    assert client.post(response["Location"], {"item": [target]}).status_code == 400
