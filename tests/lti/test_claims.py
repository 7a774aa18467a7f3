"""Roles and claims, table-driven: what an LMS sends → what Readings understands."""

from __future__ import annotations

import pytest

from readings.lti import errors
from readings.lti.claims import course_role, parse_claims
from readings.lti.matching import normalise_code

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYS = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "administrator_role", "expected"),
    [
        ([M + "Instructor"], "instructor", "instructor"),
        (["Instructor"], "instructor", "instructor"),
        ([M + "TeachingAssistant"], "instructor", "instructor"),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            "instructor",
            "instructor",
        ),
        ([M + "ContentDeveloper"], "instructor", "instructor"),
        ([M + "Mentor"], "instructor", "instructor"),
        (["urn:lti:role:ims/lis/Instructor"], "instructor", "instructor"),
        ([M + "Learner"], "instructor", "student"),
        (["Learner"], "instructor", "student"),
        ([M + "Learner", M + "Instructor"], "instructor", "instructor"),
        ([], "instructor", "student"),
        (["http://example.com/unknown#Role"], "instructor", "student"),
        # Institution roles are not course roles.
        ([INST + "Instructor", INST + "Faculty"], "instructor", "student"),
        ([INST + "Administrator"], "instructor", "instructor"),
        ([SYS + "Administrator"], "student", "student"),
        ([M + "Administrator"], "none", "student"),
        (["Administrator", M + "Learner"], "instructor", "instructor"),
    ],
)
def test_roles_map_to_course_rights(roles, administrator_role, expected):
    assert course_role(tuple(roles), administrator_role=administrator_role) == expected


def _payload(**extra):
    base = {
        "iss": "https://lms.example.edu",
        "sub": "u1",
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": "d1",
        "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "https://r.example/lti/launch/",
        "https://purl.imsglobal.org/spec/lti/claim/roles": [],
        "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "rl1"},
    }
    base.update(extra)
    return base


def test_custom_parameters_that_are_not_strings_are_dropped():
    claims = parse_claims(
        _payload(**{"https://purl.imsglobal.org/spec/lti/claim/custom": {"a": "1", "b": 2}}),
        client_id="c",
    )
    assert dict(claims.custom) == {"a": "1"}


def test_a_message_type_readings_does_not_handle_is_refused():
    payload = _payload(
        **{"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiSubmissionReviewRequest"}
    )
    with pytest.raises(errors.UnsupportedMessageType):
        parse_claims(payload, client_id="c")


def test_a_deep_linking_request_needs_its_settings():
    payload = _payload(
        **{"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingRequest"}
    )
    with pytest.raises(errors.MissingClaim):
        parse_claims(payload, client_id="c")


def test_a_non_string_subject_is_refused():
    with pytest.raises(errors.InvalidClaim):
        parse_claims(_payload(sub=42), client_id="c")


@pytest.mark.parametrize(
    ("raw", "pattern", "expected"),
    [
        ("hist101", "", "HIST101"),
        ("  Hist   101 ", "", "HIST 101"),
        ("HIST101-2026-FALL", r"^([A-Z]+\d+)", "HIST101"),
        ("Fall 2026: hist101", r"([a-z]+\d+)$", "HIST101"),
        ("no match here", r"^\d+$", ""),
        ("", "", ""),
    ],
)
def test_course_codes_are_normalised(raw, pattern, expected):
    assert normalise_code(raw, pattern) == expected
