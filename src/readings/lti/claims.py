"""The claims of a verified LTI 1.3 launch, as one typed object.

LTI Core 1.3 §5 (message claims) and the LIS role vocabularies (Appendix A).
Plain Python: no Django import; table-driven tests in tests/lti/test_claims.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from readings.lti.errors import InvalidClaim, MissingClaim, UnsupportedMessageType

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LIS = LTI + "lis"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
TOOL_PLATFORM = LTI + "tool_platform"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
NAMES_ROLES_SERVICE = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

# Course-level rights a launch can carry.
INSTRUCTOR = "instructor"
STUDENT = "student"

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
_SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
_LEGACY = "urn:lti:role:ims/lis/"
_TEACHING_ROLES = frozenset({"Instructor", "TeachingAssistant", "ContentDeveloper", "Mentor"})


def context_role_names(roles: tuple[str, ...]) -> frozenset[str]:
    """The context (course) roles among ``roles``, as principal short names.

    Accepts the full URIs (``…/membership#Instructor``), sub-roles
    (``…/membership/Instructor#TeachingAssistant`` counts as Instructor and as
    TeachingAssistant), the deprecated simple names (``Instructor``) and LTI 1.1
    URNs. Institution and system roles are not context roles and are left out,
    except Administrator, which the caller maps by setting (see ``course_role``).
    """
    names: set[str] = set()
    for role in roles:
        if role.startswith(_MEMBERSHIP + "#"):
            names.add(role.removeprefix(_MEMBERSHIP + "#"))
        elif role.startswith(_MEMBERSHIP + "/"):
            principal, _, sub_role = role.removeprefix(_MEMBERSHIP + "/").partition("#")
            names.update(n for n in (principal, sub_role) if n)
        elif role.startswith(_LEGACY):
            principal, _, sub_role = role.removeprefix(_LEGACY).partition("/")
            names.update(n for n in (principal, sub_role) if n)
        elif ":" not in role and "/" not in role and "#" not in role:
            names.add(role)
    return frozenset(names)


def is_administrator(roles: tuple[str, ...]) -> bool:
    return "Administrator" in context_role_names(roles) or any(
        role in (_INSTITUTION + "Administrator", _SYSTEM + "Administrator") for role in roles
    )


def course_role(roles: tuple[str, ...], *, administrator_role: str = INSTRUCTOR) -> str:
    """Map LTI roles to the rights the person gets in the launched course.

    Teaching roles give instructor rights; Learner, no role or an unknown role
    gives student rights (never more); administrators get ``administrator_role``.
    Only the roles claim counts: custom parameters can never raise this.
    """
    names = context_role_names(roles)
    if names & _TEACHING_ROLES:
        return INSTRUCTOR
    if is_administrator(roles) and administrator_role in (INSTRUCTOR, STUDENT):
        return administrator_role
    return STUDENT


@dataclass(frozen=True)
class Context:
    id: str
    label: str = ""
    title: str = ""


@dataclass(frozen=True)
class DeepLinkingSettings:
    return_url: str
    accept_types: tuple[str, ...]
    accept_presentation_document_targets: tuple[str, ...]
    accept_multiple: bool = True
    data: Any = None
    title: str = ""


@dataclass(frozen=True)
class LaunchClaims:
    """A verified launch: who, from where, into what, and what for."""

    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    target_link_uri: str
    subject: str  # empty for an anonymous launch
    roles: tuple[str, ...] = ()
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    person_sourcedid: str = ""
    course_section_sourcedid: str = ""
    context: Context | None = None
    resource_link_id: str = ""
    resource_link_title: str = ""
    custom: Mapping[str, str] = field(default_factory=dict)
    return_url: str = ""
    document_target: str = ""
    deep_linking: DeepLinkingSettings | None = None
    memberships_url: str = ""

    @property
    def anonymous(self) -> bool:
        return not self.subject

    def course_role(self, *, administrator_role: str = INSTRUCTOR) -> str:
        return course_role(self.roles, administrator_role=administrator_role)


def parse_claims(payload: Mapping[str, Any], *, client_id: str) -> LaunchClaims:
    """Read the claims Readings uses from a verified payload; unknown claims are ignored.

    Raises MissingClaim or InvalidClaim naming the claim, and
    UnsupportedMessageType for messages Readings does not handle.
    """
    message_type = _string(payload, MESSAGE_TYPE, required=True)
    if message_type not in SUPPORTED_MESSAGE_TYPES:
        raise UnsupportedMessageType(
            f"message_type {message_type!r} is not supported "
            f"(Readings handles {', '.join(SUPPORTED_MESSAGE_TYPES)})."
        )
    if ROLES not in payload:
        raise MissingClaim(f"The claim {ROLES} is missing (it may be an empty list).")
    roles = payload[ROLES]
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InvalidClaim(f"The claim {ROLES} must be a list of strings.")
    resource_link = _object(payload, RESOURCE_LINK, required=message_type == RESOURCE_LINK_REQUEST)
    resource_link_id = _string(resource_link, "id", required=resource_link is not None)
    if message_type == RESOURCE_LINK_REQUEST and not resource_link_id:
        raise MissingClaim(f"The claim {RESOURCE_LINK} must have an id.")
    context = _object(payload, CONTEXT)
    lis = _object(payload, LIS) or {}
    custom = _object(payload, CUSTOM) or {}
    presentation = _object(payload, LAUNCH_PRESENTATION) or {}
    nrps = _object(payload, NAMES_ROLES_SERVICE) or {}
    return LaunchClaims(
        issuer=_string(payload, "iss", required=True),
        client_id=client_id,
        deployment_id=_string(payload, DEPLOYMENT_ID, required=True),
        message_type=message_type,
        target_link_uri=_string(payload, TARGET_LINK_URI, required=True),
        subject=_string(payload, "sub"),
        roles=tuple(roles),
        name=_string(payload, "name"),
        given_name=_string(payload, "given_name"),
        family_name=_string(payload, "family_name"),
        email=_string(payload, "email"),
        person_sourcedid=_string(lis, "person_sourcedid"),
        course_section_sourcedid=_string(lis, "course_section_sourcedid"),
        context=(
            Context(
                id=_string(context, "id", required=True),
                label=_string(context, "label"),
                title=_string(context, "title"),
            )
            if context is not None
            else None
        ),
        resource_link_id=resource_link_id,
        resource_link_title=_string(resource_link or {}, "title"),
        # Custom values are strings by the spec; anything else is dropped, not trusted.
        custom={str(k): v for k, v in custom.items() if isinstance(v, str)},
        return_url=_string(presentation, "return_url"),
        document_target=_string(presentation, "document_target"),
        deep_linking=(_deep_linking(payload) if message_type == DEEP_LINKING_REQUEST else None),
        memberships_url=_string(nrps, "context_memberships_url"),
    )


def _deep_linking(payload: Mapping[str, Any]) -> DeepLinkingSettings:
    settings = _object(payload, DEEP_LINKING_SETTINGS, required=True)
    accept_types = settings.get("accept_types")
    targets = settings.get("accept_presentation_document_targets")
    for name, value in (
        ("accept_types", accept_types),
        ("accept_presentation_document_targets", targets),
    ):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidClaim(f"{DEEP_LINKING_SETTINGS} {name} must be a list of strings.")
    multiple = settings.get("accept_multiple", True)
    return DeepLinkingSettings(
        return_url=_string(settings, "deep_link_return_url", required=True),
        accept_types=tuple(accept_types),
        accept_presentation_document_targets=tuple(targets),
        accept_multiple=multiple is True or multiple == "true",
        data=settings.get("data"),
        title=_string(settings, "title"),
    )


def _string(source: Mapping[str, Any] | None, key: str, *, required: bool = False) -> str:
    value = (source or {}).get(key)
    if value is None or value == "":
        if required:
            raise MissingClaim(f"The claim {key} is missing or empty.")
        return ""
    if not isinstance(value, str):
        raise InvalidClaim(f"The claim {key} must be a string.")
    return value


def _object(
    source: Mapping[str, Any], key: str, *, required: bool = False
) -> Mapping[str, Any] | None:
    value = source.get(key)
    if value is None:
        if required:
            raise MissingClaim(f"The claim {key} is missing.")
        return None
    if not isinstance(value, dict):
        raise InvalidClaim(f"The claim {key} must be an object.")
    return value
