"""LTI 1.3: the tool's keys, platform registrations, launch state and the launch record."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from readings.core.models import TimeStampedModel


def validate_http_url(value: str) -> None:
    """An http(s) address with a host; intranet names without a dot are fine."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValidationError(f"'{value}' is not an http(s) URL.")


class ToolKey(TimeStampedModel):
    """An RSA key pair Readings signs with (deep-linking responses, service tokens).

    One key is current; a rotated key stays in the published key set until
    ``published_until`` so platforms that cached it can still verify.
    """

    kid = models.CharField(max_length=100, unique=True)
    private_key = models.TextField(help_text="PEM; never shown or published.")
    public_jwk = models.JSONField()
    is_current = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="tool_key_one_current"
            )
        ]

    def __str__(self) -> str:
        return self.kid


class SimulatorKey(TimeStampedModel):
    """The signing key of the built-in LMS simulator (development and demo only)."""

    platform = models.OneToOneField(
        "Platform", on_delete=models.CASCADE, related_name="simulator_key"
    )
    kid = models.CharField(max_length=100, unique=True)
    private_key = models.TextField()
    public_jwk = models.JSONField()

    def __str__(self) -> str:
        return self.kid


class CourseMatchSource(models.TextChoices):
    CONTEXT_LABEL = "context_label", _("Context label (course code, then searchable ids)")
    CUSTOM_PARAMETER = "custom", _("A custom parameter (named below)")
    COURSE_SECTION_SOURCEDID = "lis_course_section_sourcedid", _("LIS course section sourcedid")
    CONTEXT_ID = "context_id", _("Context id (as a searchable id)")


class AdministratorRole(models.TextChoices):
    INSTRUCTOR = "instructor", _("Instructor rights in the course")
    STUDENT = "student", _("Student rights in the course")
    NONE = "none", _("Like any other role (student rights)")


class AnonymousLaunch(models.TextChoices):
    REFUSE = "refuse", _("Refuse with an explanation")
    PUBLIC = "public", _("Show what is public, signed out")


class RegisteredVia(models.TextChoices):
    ADMIN = "admin", _("Admin")
    CLI = "cli", _("Command line")
    DYNAMIC = "dynamic", _("Dynamic registration")
    SIMULATOR = "simulator", _("LMS simulator")


class Platform(TimeStampedModel):
    """An LMS registration: one (issuer, client id) pair, belonging to one institution."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="lti_platforms"
    )
    name = models.CharField(max_length=255)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.CharField(max_length=500, validators=[validate_http_url])
    auth_token_url = models.CharField(max_length=500, blank=True, validators=[validate_http_url])
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="Audience of service-token requests, if not the URL."
    )
    keyset_url = models.CharField(max_length=500, validators=[validate_http_url])
    trusted_audiences = models.JSONField(
        default=list,
        blank=True,
        help_text="Other audiences an id_token may name besides our client id (usually none).",
    )
    course_match_source = models.CharField(
        max_length=40, choices=CourseMatchSource.choices, default=CourseMatchSource.CONTEXT_LABEL
    )
    course_match_parameter = models.CharField(
        max_length=100, blank=True, help_text="Custom parameter name, e.g. course_code."
    )
    course_match_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional regular expression; its first group is the course code "
        r"(e.g. ^([A-Z]+\d+)).",
    )
    user_id_parameter = models.CharField(
        max_length=100,
        blank=True,
        help_text="Custom parameter holding the institutional id; empty: lis.person_sourcedid.",
    )
    administrator_role = models.CharField(
        max_length=20, choices=AdministratorRole.choices, default=AdministratorRole.INSTRUCTOR
    )
    anonymous_launch = models.CharField(
        max_length=10, choices=AnonymousLaunch.choices, default=AnonymousLaunch.REFUSE
    )
    is_active = models.BooleanField(default=True)
    is_simulator = models.BooleanField(default=False)
    registered_via = models.CharField(
        max_length=10, choices=RegisteredVia.choices, default=RegisteredVia.ADMIN
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique"),
            models.CheckConstraint(
                condition=Q(course_match_source__in=CourseMatchSource.values),
                name="lti_platform_known_match_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class Deployment(TimeStampedModel):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        ordering = ["deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.deployment_id


class UsedNonce(models.Model):
    """A nonce seen in a valid id_token; kept until the token would have expired.

    The nonce is derived from the signed login state (services.launch_state_create),
    so this row is also what makes each login usable once.
    """

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_used_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class LtiIdentity(TimeStampedModel):
    """A person as an LMS knows them: (issuer, sub) → one Readings user."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.SET_NULL, null=True, blank=True, related_name="identities"
    )
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "LTI identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="lti_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class ContextMatch(models.TextChoices):
    RULE = "rule", _("Matched by the platform's rule")
    CREATED = "created", _("Course created from the LMS")
    MANUAL = "manual", _("Linked by hand")
    NONE = "", _("Not matched yet")


class ContextLink(TimeStampedModel):
    """An LMS course (context) and the Readings course it was matched to, remembered."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    label = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_contexts",
    )
    matched_by = models.CharField(max_length=10, choices=ContextMatch.choices, blank=True)
    memberships_url = models.CharField(max_length=1000, blank=True, validators=[validate_http_url])
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "label"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")
        ]

    def __str__(self) -> str:
        return self.label or self.context_id


class LaunchResult(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class LaunchStep(models.TextChoices):
    LOGIN = "login", _("Login initiation")
    # The step (a noun), not the simulator's "Launch" button.
    LAUNCH = "launch", pgettext_lazy("LTI launch step", "Launch")


class LaunchRecord(models.Model):
    """Every launch attempt, real or simulated: the go-live checklist's evidence.

    ``reference`` is what a refused person sees and reads to the help desk.
    """

    reference = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(db_index=True)
    step = models.CharField(max_length=10, choices=LaunchStep.choices)
    result = models.CharField(max_length=10, choices=LaunchResult.choices)
    error_id = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    simulated = models.BooleanField(default=False)
    platform = models.ForeignKey(
        Platform, on_delete=models.SET_NULL, null=True, blank=True, related_name="launches"
    )
    issuer = models.CharField(max_length=255, blank=True)
    deployment_id = models.CharField(max_length=255, blank=True)
    message_type = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_launches",
    )
    role = models.CharField(max_length=20, blank=True)
    context_id = models.CharField(max_length=255, blank=True)
    context_label = models.CharField(max_length=255, blank=True)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_launches",
    )
    landing = models.CharField(max_length=500, blank=True)
    handoff_used_at = models.DateTimeField(null=True, blank=True)
    # For a deep-linking request: the platform's settings, kept until the response is sent.
    deep_linking = models.JSONField(null=True, blank=True)
    deep_linking_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["platform", "created_at"], name="lti_launch_platform_idx"),
            models.Index(fields=["result", "created_at"], name="lti_launch_result_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.result} {self.error_id}".strip()
