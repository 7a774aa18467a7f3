"""After a launch is verified: who the person is, which course, which rights.

- A person is keyed by (issuer, sub). New to Readings: matched to an existing
  user of the platform's institution by institutional id, then by email
  (never to staff accounts), else created just in time.
- Rights come from the roles claim only (claims.course_role); custom claims
  never grant anything.
- The LMS context is matched to a course by the platform's rule and the match
  is remembered; launching enrols the person in it. What an instructor can do
  with a context that matched nothing is in context_setup.py.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from readings.accounts.models import Role, User
from readings.accounts.services import user_create
from readings.core.exceptions import InvalidInput
from readings.courses.models import Course, Enrollment, SearchableId
from readings.courses.services import course_enroll
from readings.lti.claims import DEEP_LINKING_REQUEST, LaunchClaims
from readings.lti.errors import AnonymousRefused, ProvisioningFailed
from readings.lti.matching import course_key, normalise_code
from readings.lti.models import (
    AnonymousLaunch,
    ContextLink,
    ContextMatch,
    LaunchRecord,
    LaunchResult,
    LaunchStep,
    LtiIdentity,
    Platform,
)
from readings.lti.selectors import launch_landing

log = logging.getLogger("readings.lti")


@dataclass
class LaunchOutcome:
    user: User | None
    role: str
    course: Course | None
    context: ContextLink | None
    record: LaunchRecord


def launch_accept(*, platform: Platform, claims: LaunchClaims, reference: str) -> LaunchOutcome:
    """Provision the person, match and enrol the course, and record the launch.

    No transaction around the whole: each step is idempotent and safe against
    a concurrent launch on its own (see identity_resolve), and a repeat
    launch only reads until it writes its record, so SQLite's write lock is
    held for single statements rather than for the whole launch.
    """
    if claims.anonymous and platform.anonymous_launch != AnonymousLaunch.PUBLIC:
        raise AnonymousRefused("The launch has no sub claim and the platform refuses those.")
    user = None if claims.anonymous else identity_resolve(platform=platform, claims=claims)
    role = claims.course_role(administrator_role=platform.administrator_role)
    context = context_resolve(platform=platform, claims=claims)
    course = context.course if context else None
    if user is not None and course is not None:
        enrolment_sync(course=course, user=user, role=role)
    if claims.message_type == DEEP_LINKING_REQUEST:
        landing = reverse("lti:deep_linking_pick", args=[reference])
    else:
        landing = launch_landing(
            user=user or AnonymousUser(), claims=claims, course=course, context=context
        )
    record = LaunchRecord.objects.create(
        reference=reference,
        created_at=timezone.now(),
        step=LaunchStep.LAUNCH,
        result=LaunchResult.ACCEPTED,
        simulated=platform.is_simulator,
        platform=platform,
        issuer=claims.issuer,
        deployment_id=claims.deployment_id[:255],
        message_type=claims.message_type,
        subject=claims.subject[:255],
        user=user,
        role=role,
        context_id=(context.context_id if context else ""),
        context_label=(context.label if context else ""),
        course=course,
        landing=landing[:500],
        deep_linking=_deep_linking_settings(claims),
    )
    log.info(
        "LTI launch accepted ref=%s platform=%s user=%s role=%s course=%s",
        reference,
        platform.pk,
        user.pk if user else "-",
        role,
        course.pk if course else "-",
    )
    return LaunchOutcome(user=user, role=role, course=course, context=context, record=record)


def enrolment_sync(*, course: Course, user: User, role: str) -> None:
    """Enrol with this role, writing only when the enrolment is missing or differs.

    course_enroll is itself safe against a concurrent first enrolment (its
    get_or_create falls back to the row the unique constraint kept).
    """
    current = (
        Enrollment.objects.filter(course=course, user=user).values_list("role", flat=True).first()
    )
    if current != role:
        course_enroll(course=course, user=user, role=role)


def _deep_linking_settings(claims: LaunchClaims) -> dict | None:
    settings = claims.deep_linking
    if settings is None:
        return None
    return {
        "return_url": settings.return_url,
        "accept_types": list(settings.accept_types),
        "accept_presentation_document_targets": list(settings.accept_presentation_document_targets),
        "accept_multiple": settings.accept_multiple,
        "data": settings.data,
        "title": settings.title,
    }


# Under this, a repeat launch leaves the identity row alone: the launch record already
# says when each launch happened, so only a coarse "last seen" is kept here.
LAST_LAUNCH_RESOLUTION = datetime.timedelta(minutes=15)
# Losing a race to create the same person is retried; more losses than this is a bug.
PROVISIONING_ATTEMPTS = 3


def identity_resolve(*, platform: Platform, claims: LaunchClaims) -> User:
    """The user behind (issuer, sub): known, matched, or created just in time.

    Safe when two first launches of the same person run at once (a double
    click, two tabs, a roster sync): the unique constraints on the identity
    and on the username decide who creates; the loser rolls back to its
    savepoint and takes the winner's identity.
    """
    for _ in range(PROVISIONING_ATTEMPTS):
        identity = _identity(claims)
        if identity is not None:
            return _known_identity(identity, platform=platform, claims=claims)
        try:
            with transaction.atomic():
                return _new_identity(platform=platform, claims=claims)
        except IntegrityError:
            log.info("LTI identity of %s created concurrently; retrying", claims.subject)
        except ProvisioningFailed:
            # The username was taken between our look and our insert: by the same person's
            # other launch if its identity is there now, else a real refusal.
            if _identity(claims) is None:
                raise
    raise ProvisioningFailed("The account could not be created: too many concurrent launches.")


def _identity(claims: LaunchClaims) -> LtiIdentity | None:
    return (
        LtiIdentity.objects.select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )


def _known_identity(identity: LtiIdentity, *, platform: Platform, claims: LaunchClaims) -> User:
    if identity.user.institution_id != platform.institution_id:
        raise ProvisioningFailed("This LMS account is linked to a user of another institution.")
    now = timezone.now()
    if (
        identity.platform_id != platform.pk
        or identity.last_launch_at is None
        or now - identity.last_launch_at >= LAST_LAUNCH_RESOLUTION
    ):
        identity.platform = platform
        identity.last_launch_at = now
        identity.save(update_fields=["platform", "last_launch_at", "updated_at"])
    _fill_blank_profile(identity.user, claims)
    return identity.user


def _new_identity(*, platform: Platform, claims: LaunchClaims) -> User:
    user = _match_existing(platform, claims) or _create_user(platform, claims)
    LtiIdentity.objects.create(
        issuer=claims.issuer,
        subject=claims.subject,
        user=user,
        platform=platform,
        last_launch_at=timezone.now(),
    )
    return user


def institutional_id(platform: Platform, claims: LaunchClaims) -> str:
    if platform.user_id_parameter:
        return claims.custom.get(platform.user_id_parameter, "").strip()
    return claims.person_sourcedid.strip()


def _match_existing(platform: Platform, claims: LaunchClaims) -> User | None:
    people = User.objects.filter(institution_id=platform.institution_id, is_active=True)
    primary_id = institutional_id(platform, claims)
    if primary_id:
        found = people.filter(primary_id=primary_id).first()
        if found is not None:
            return found
    email = _valid_email(claims.email)
    if not email:
        return None
    # An LMS can let anyone set an email: never hand over a staff account by email,
    # nor an account that already belongs to another person of this LMS.
    candidates = list(
        people.filter(email__iexact=email, is_staff=False, is_superuser=False)
        .exclude(roles__role__in=[Role.LIBRARIAN, Role.ADMINISTRATOR])
        .exclude(lti_identities__issuer=claims.issuer)
        .distinct()[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def lti_username(issuer: str, subject: str) -> str:
    """The username of a person created at launch: stable for (issuer, sub)."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"lti-{digest[:20]}"


def _create_user(platform: Platform, claims: LaunchClaims) -> User:
    first, last = _names(claims)
    primary_id = institutional_id(platform, claims)
    if (
        primary_id
        and User.objects.filter(
            institution_id=platform.institution_id, primary_id=primary_id
        ).exists()
    ):
        primary_id = ""  # held by an inactive account: do not take it over
    try:
        return user_create(
            institution=platform.institution,
            username=lti_username(claims.issuer, claims.subject),
            email=_valid_email(claims.email),
            primary_id=primary_id[:255],
            first_name=first,
            last_name=last,
        )
    except InvalidInput as exc:
        raise ProvisioningFailed(f"The account could not be created: {exc.message}") from exc


def _fill_blank_profile(user: User, claims: LaunchClaims) -> None:
    first, last = _names(claims)
    changed = []
    for field, value in (
        ("first_name", first),
        ("last_name", last),
        ("email", _valid_email(claims.email)),
    ):
        if value and not getattr(user, field):
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)


def _names(claims: LaunchClaims) -> tuple[str, str]:
    if claims.given_name or claims.family_name:
        return claims.given_name[:150], claims.family_name[:150]
    return claims.name[:150], ""


def _valid_email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


# Course matching ---------------------------------------------------------------------


def context_resolve(*, platform: Platform, claims: LaunchClaims) -> ContextLink | None:
    """The remembered link for this LMS context, matched to a course when possible."""
    if claims.context is None:
        return None
    context, _ = ContextLink.objects.select_related("course").get_or_create(
        platform=platform,
        context_id=claims.context.id[:255],
        defaults={
            "label": claims.context.label[:255],
            "title": claims.context.title[:255],
            "memberships_url": claims.memberships_url[:1000],
        },
    )
    changed = []
    for field, value in (
        ("label", claims.context.label[:255]),
        ("title", claims.context.title[:255]),
        ("memberships_url", claims.memberships_url[:1000]),
    ):
        if value and getattr(context, field) != value:
            setattr(context, field, value)
            changed.append(field)
    if context.course_id is None:
        course = course_match(platform=platform, claims=claims)
        if course is not None:
            context.course = course
            context.matched_by = ContextMatch.RULE
            changed += ["course", "matched_by"]
    if changed:
        context.save(update_fields=[*changed, "updated_at"])
    return context


def course_match(*, platform: Platform, claims: LaunchClaims) -> Course | None:
    """The one course the platform's rule points at, or None (none, or ambiguous)."""
    raw = course_key(
        claims, source=platform.course_match_source, parameter=platform.course_match_parameter
    )
    code = normalise_code(raw, platform.course_match_pattern)
    if not code:
        return None
    courses = Course.objects.filter(institution_id=platform.institution_id)
    variants = {code, code.replace(" ", "")}
    by_code = list(courses.filter(_any_iexact("code", variants))[:2])
    if len(by_code) == 1:
        return by_code[0]
    if by_code:
        log.info("LTI course match ambiguous for %r: several sections", code)
        return None
    course_ids = set(
        SearchableId.objects.filter(institution_id=platform.institution_id)
        .filter(_any_iexact("value", variants | {raw.strip()}))
        .values_list("course_id", flat=True)
        .distinct()[:2]
    )
    if len(course_ids) == 1:
        return courses.filter(pk__in=course_ids).first()
    return None


def _any_iexact(field: str, values: set[str]) -> Q:
    query = Q()
    for value in values:
        if value:
            query |= Q(**{f"{field}__iexact": value})
    return query
