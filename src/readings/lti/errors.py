"""Every way an LTI login or launch can be refused, each with a stable error id.

The error id is what the refusal page shows and what the launch record keeps,
so an administrator can look it up here (and in the configuration page) and
know what to fix. Plain Python: no Django import.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogue; pages translate it when they show it.

    The name is one Django's makemessages extracts, and keeping it local keeps this
    module free of Django, so the summaries stay plain strings for the JSON configuration.
    """
    return message


class LtiError(Exception):
    """A refused LTI login initiation or launch."""

    error_id = "lti.error"
    status = 400
    # What the person in front of the browser is told; ``detail`` is for the administrator.
    summary = gettext_noop("This LMS link could not be opened.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.summary)
        self.detail = detail or self.summary


class BadToken(LtiError):
    """The id_token cannot be trusted: 401, as the 1EdTech Security Framework expects."""

    status = 401
    summary = gettext_noop("The LMS sent a sign-in message that Readings cannot trust.")


# Login initiation (OIDC third-party initiated login) ---------------------------------


class LoginMissingParameter(LtiError):
    error_id = "lti.login_missing_parameter"
    summary = gettext_noop("The LMS started the sign-in without a required parameter.")


class LoginUnknownPlatform(LtiError):
    error_id = "lti.login_unknown_platform"
    summary = gettext_noop("This LMS is not registered with Readings.")


class LoginAmbiguousPlatform(LtiError):
    error_id = "lti.login_ambiguous_platform"
    summary = gettext_noop(
        "Several registrations share this LMS issuer; the LMS must send client_id."
    )


class LoginBadTarget(LtiError):
    error_id = "lti.login_bad_target_link_uri"
    summary = gettext_noop(
        "The LMS asked Readings to continue to an address that is not Readings' launch URL."
    )


class LoginUnknownDeployment(LtiError):
    error_id = "lti.login_unknown_deployment"
    status = 403
    summary = gettext_noop("This LMS deployment is not registered with Readings.")


# Launch: the request and its state ---------------------------------------------------


class MissingIdToken(LtiError):
    error_id = "lti.missing_id_token"
    summary = gettext_noop("The LMS did not send a sign-in message (id_token).")


class MissingState(BadToken):
    error_id = "lti.missing_state"
    summary = gettext_noop("The launch arrived without the state of its sign-in.")


class UnknownState(BadToken):
    error_id = "lti.unknown_state"
    summary = gettext_noop(
        "This launch was already used, has expired, or was not started by this LMS link."
    )


class StateNotBound(BadToken):
    error_id = "lti.state_not_bound"
    summary = gettext_noop("This launch was started in another browser.")


# Launch: the token itself ------------------------------------------------------------


class TokenTooLarge(BadToken):
    error_id = "lti.token_too_large"


class MalformedToken(BadToken):
    error_id = "lti.malformed_token"


class UnsupportedAlgorithm(BadToken):
    error_id = "lti.unsupported_algorithm"


class MissingKeyId(BadToken):
    error_id = "lti.missing_kid"


class UnknownKeyId(BadToken):
    error_id = "lti.unknown_kid"


class KeySetUnavailable(BadToken):
    error_id = "lti.keyset_unavailable"
    summary = gettext_noop(
        "Readings could not check the LMS's signature: the LMS key set did not answer."
    )


class BadSignature(BadToken):
    error_id = "lti.bad_signature"


class IssuerMismatch(BadToken):
    error_id = "lti.issuer_mismatch"


class AudienceMismatch(BadToken):
    error_id = "lti.audience_mismatch"


class AuthorizedPartyMismatch(BadToken):
    error_id = "lti.azp_mismatch"


class TokenExpired(BadToken):
    error_id = "lti.token_expired"
    summary = gettext_noop(
        "The LMS sign-in message has expired. Go back to the LMS and open the link again."
    )


class TokenFromFuture(BadToken):
    error_id = "lti.token_issued_in_future"


class MissingClaim(BadToken):
    error_id = "lti.missing_claim"


class InvalidClaim(BadToken):
    error_id = "lti.invalid_claim"


class NonceMismatch(BadToken):
    error_id = "lti.nonce_mismatch"


class NonceReplayed(BadToken):
    error_id = "lti.nonce_replayed"
    summary = gettext_noop(
        "This LMS sign-in message was already used. Go back to the LMS and open the link again."
    )


class WrongVersion(BadToken):
    error_id = "lti.wrong_version"


class UnsupportedMessageType(BadToken):
    error_id = "lti.unsupported_message_type"


class TargetLinkMismatch(BadToken):
    error_id = "lti.target_link_uri_mismatch"


class UnknownDeployment(LtiError):
    error_id = "lti.unknown_deployment"
    status = 403
    summary = gettext_noop("This LMS deployment is not registered with Readings.")


# Launch: after validation ------------------------------------------------------------


class AnonymousRefused(LtiError):
    error_id = "lti.anonymous_refused"
    status = 403
    summary = gettext_noop(
        "This LMS link was opened without a user; Readings needs to know who you are."
    )


class DeepLinkingForbidden(LtiError):
    error_id = "lti.deep_linking_forbidden"
    status = 403
    summary = gettext_noop("Only instructors can choose reading lists to add to the LMS course.")


class DeepLinkingRejected(LtiError):
    error_id = "lti.deep_linking_rejected"
    summary = gettext_noop("The LMS does not accept this selection.")


class ProvisioningFailed(LtiError):
    error_id = "lti.provisioning_failed"
    status = 409
    summary = gettext_noop("Readings could not set up your account from the LMS details.")


class RosterUnavailable(LtiError):
    error_id = "lti.roster_unavailable"
    status = 502
    summary = gettext_noop("The LMS did not give Readings the course roster.")


class RegistrationRefused(LtiError):
    error_id = "lti.registration_refused"
    summary = gettext_noop("Readings could not complete the registration with this LMS.")


def catalogue() -> list[tuple[str, int, str, str]]:
    """Every error id with its HTTP status, summary and explanation (for the config page)."""
    seen: dict[str, tuple[str, int, str, str]] = {}
    stack = list(LtiError.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.error_id in ("lti.error",) or cls is BadToken:
            continue
        seen[cls.error_id] = (cls.error_id, cls.status, cls.summary, (cls.__doc__ or "").strip())
    return sorted(seen.values())
