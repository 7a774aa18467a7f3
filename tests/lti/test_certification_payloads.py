"""The 1EdTech certification's known-bad payloads are refused; its valid launches accepted.

Each case is a real round trip against the test LMS: login initiation, then
an id_token signed with the platform's own key for the nonce Readings issued.
"""

from __future__ import annotations

import pytest

from lti.helpers import assert_refused, assert_signed_in
from lti.platform import ROLE
from readings.courses.models import Enrollment
from readings.lti.models import LtiIdentity

INSTRUCTOR = ROLE + "Instructor"
LEARNER = ROLE + "Learner"


def _post(lms, client, *, headers=None, **payload_options):
    login = lms.login(client)
    token = lms.sign(lms.payload(login.nonce, **payload_options), headers=headers)
    return lms.post_launch(client, token, login.state)


# The twelve known-bad payloads --------------------------------------------------------


def test_a_token_without_kid_is_refused(client, lms):
    response = _post(lms, client, headers={"kid": None})
    assert_refused(response, client, "lti.missing_kid")


def test_a_token_with_a_kid_not_in_the_platform_key_set_is_refused(client, lms):
    response = _post(lms, client, headers={"kid": "not-a-platform-key"})
    assert_refused(response, client, "lti.unknown_kid")


def test_a_token_with_a_wrong_lti_version_is_refused(client, lms):
    response = _post(lms, client, version="1.0.0")
    assert_refused(response, client, "lti.wrong_version")


def test_a_token_without_lti_version_is_refused(client, lms):
    response = _post(lms, client, drop=("version",))
    assert_refused(response, client, "lti.wrong_version")


def test_a_signed_jwt_that_is_not_an_lti_message_is_refused(client, lms):
    login = lms.login(client)
    plain = {
        k: v
        for k, v in lms.payload(login.nonce).items()
        if not k.startswith("https://purl.imsglobal.org/")
    }
    response = lms.post_launch(client, lms.sign(plain), login.state)
    assert_refused(response, client, "lti.wrong_version")


def test_a_token_missing_required_claims_is_refused(client, lms):
    response = _post(lms, client, drop=("deployment_id", "target_link_uri", "resource_link"))
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("times", "error_id"),
    [
        ({"iat": "yesterday"}, "lti.invalid_claim"),
        ({"exp": 1_000_000_000}, "lti.token_expired"),
        ({"iat": None}, "lti.missing_claim"),
    ],
)
def test_a_token_with_bad_iat_or_exp_is_refused(client, lms, times, error_id):
    login = lms.login(client)
    payload = lms.payload(login.nonce)
    for name, value in times.items():
        if value is None:
            payload.pop(name)
        else:
            payload[name] = value
    response = lms.post_launch(client, lms.sign(payload), login.state)
    assert_refused(response, client, error_id)


def test_a_token_without_message_type_is_refused(client, lms):
    response = _post(lms, client, drop=("message_type",))
    assert_refused(response, client, "lti.missing_claim")


def test_a_token_without_roles_claim_is_refused(client, lms):
    response = _post(lms, client, drop=("roles",))
    assert_refused(response, client, "lti.missing_claim")


def test_a_token_without_deployment_id_is_refused(client, lms):
    response = _post(lms, client, drop=("deployment_id",))
    assert_refused(response, client, "lti.missing_claim")


def test_a_resource_link_launch_without_resource_link_id_is_refused(client, lms):
    response = _post(lms, client, resource_link={"title": "No id"})
    assert_refused(response, client, "lti.missing_claim")


def test_a_launch_without_sub_is_refused_by_default(client, lms):
    response = _post(lms, client, sub=None)
    assert_refused(response, client, "lti.anonymous_refused", status=403)


# The twenty valid launches ------------------------------------------------------------

VALID = {
    "instructor": dict(roles=[INSTRUCTOR]),
    "instructor, multiple roles": dict(
        roles=[
            INSTRUCTOR,
            ROLE + "Mentor",
            "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
        ]
    ),
    "instructor, short role names": dict(roles=["Instructor"]),
    "instructor, with an unknown role": dict(roles=[INSTRUCTOR, "http://example.com/role#Wizard"]),
    "instructor, no role": dict(roles=[]),
    "instructor, email only": dict(
        roles=[INSTRUCTOR], drop=("name", "given_name", "family_name"), email="ins@example.edu"
    ),
    "instructor, names only": dict(roles=[INSTRUCTOR], drop=("email",)),
    "instructor, no personal data": dict(
        roles=[INSTRUCTOR], drop=("name", "given_name", "family_name", "email")
    ),
    "instructor, email without context": dict(
        roles=[INSTRUCTOR], context=None, drop=("name", "given_name", "family_name")
    ),
    "instructor, new resource link": dict(
        roles=[INSTRUCTOR], resource_link={"id": "brand-new-link", "title": "New"}
    ),
    "student": dict(roles=[LEARNER]),
    "student, multiple roles": dict(
        roles=[LEARNER, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"]
    ),
    "student, short role names": dict(roles=["Learner"]),
    "student, with an unknown role": dict(roles=[LEARNER, "urn:example:role:Dreamer"]),
    "student, no role": dict(roles=[]),
    "student, email only": dict(
        roles=[LEARNER], drop=("name", "given_name", "family_name"), email="stu@example.edu"
    ),
    "student, names only": dict(roles=[LEARNER], drop=("email",)),
    "student, no personal data": dict(
        roles=[LEARNER], drop=("name", "given_name", "family_name", "email")
    ),
    "student, email without context": dict(
        roles=[LEARNER], context=None, drop=("name", "given_name", "family_name")
    ),
    "student, new resource link": dict(
        roles=[LEARNER], resource_link={"id": "brand-new-link-2", "title": "New"}
    ),
}
EXPECTED_RIGHTS = {
    name: ("student" if name.startswith("student") or "no role" in name else "instructor")
    for name in VALID
}


def test_there_are_twenty_valid_launch_cases():
    assert len(VALID) == 20


@pytest.mark.parametrize("case", list(VALID))
def test_a_valid_launch_is_accepted_with_the_right_rights(client, lms, course, case):
    options = dict(VALID[case])
    response = _post(lms, client, sub=f"sub-{case}", **options)
    record = assert_signed_in(response, client)
    assert record.role == EXPECTED_RIGHTS[case]
    assert LtiIdentity.objects.get(subject=f"sub-{case}").user_id == record.user_id
    if options.get("context", True) is None:
        assert record.course is None
    else:
        enrollment = Enrollment.objects.get(course=course, user_id=record.user_id)
        assert enrollment.role == EXPECTED_RIGHTS[case]
