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
import functools
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from readings.accounts.models import Role, RoleAssignment, User
from readings.accounts.services import user_create
from readings.core.exceptions import InvalidInput
from readings.core.rows import ModelColumns, converted, insert
from readings.courses.models import Course, Enrollment, SearchableId
from readings.courses.services import course_enroll
from readings.lists.access import COURSE_LIST_WIDTH, course_lists_subquery
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
from readings.lti.selectors import LANDING_CANDIDATES, launch_landing

log = logging.getLogger("readings.lti")


@dataclass
class LaunchOutcome:
    user: User | None
    role: str
    course: Course | None
    context: ContextLink | None
    record: LaunchRecord


@dataclass(frozen=True)
class LaunchPlan:
    """Who is launching, with which rights, into which course, and where they land."""

    user: User | None
    role: str
    course: Course | None
    context: ContextLink | None
    landing: str


def launch_accept(
    *, platform: Platform, claims: LaunchClaims, reference: str, plan: LaunchPlan | None = None
) -> LaunchOutcome:
    """Provision what the plan lacks, and record the launch.

    ``plan`` comes from ``known_launch`` when a repeat launch needs no write;
    otherwise the person is provisioned, the course matched and the enrolment
    made here. Each provisioning step is idempotent and safe against a
    concurrent launch on its own (see identity_resolve).
    """
    if plan is None:
        plan = launch_provision(platform=platform, claims=claims, reference=reference)
    record = LaunchRecord(
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
        user=plan.user,
        role=plan.role,
        context_id=(plan.context.context_id if plan.context else ""),
        context_label=(plan.context.label if plan.context else ""),
        course=plan.course,
        landing=plan.landing[:500],
        deep_linking=_deep_linking_settings(claims),
    )
    insert(record)
    log.info(
        "LTI launch accepted ref=%s platform=%s user=%s role=%s course=%s",
        reference,
        platform.pk,
        plan.user.pk if plan.user else "-",
        plan.role,
        plan.course.pk if plan.course else "-",
    )
    return LaunchOutcome(
        user=plan.user, role=plan.role, course=plan.course, context=plan.context, record=record
    )


def launch_provision(*, platform: Platform, claims: LaunchClaims, reference: str) -> LaunchPlan:
    """Provision the person, match and enrol the course: a first or changed launch's writes."""
    if claims.anonymous and platform.anonymous_launch != AnonymousLaunch.PUBLIC:
        raise AnonymousRefused("The launch has no sub claim and the platform refuses those.")
    user = None if claims.anonymous else identity_resolve(platform=platform, claims=claims)
    role = claims.course_role(administrator_role=platform.administrator_role)
    context = context_resolve(platform=platform, claims=claims)
    course = context.course if context else None
    if user is not None and course is not None:
        enrolment_sync(course=course, user=user, role=role)
    landing = _landing(
        user=user, claims=claims, course=course, context=context, reference=reference
    )
    return LaunchPlan(user=user, role=role, course=course, context=context, landing=landing)


def _landing(*, user, claims, course, context, reference: str, course_lists=None) -> str:
    if claims.message_type == DEEP_LINKING_REQUEST:
        return reverse("lti:deep_linking_pick", args=[reference])
    return launch_landing(
        user=user or AnonymousUser(),
        claims=claims,
        course=course,
        context=context,
        course_lists=course_lists,
    )


@dataclass(frozen=True)
class LaunchRead:
    """A launch's registration, read with what is known of the person the token names.

    Read before the token is verified, from what it says unverified: nothing
    here is acted on unless the verified claims name the same person and LMS
    course (``known_launch`` checks).
    """

    platform: Platform | None
    issuer: str
    subject: str
    context_id: str | None
    # One row per institution role of the known person (identity's platform and last
    # launch, enrolment role, role, user, course link); empty when nobody is known.
    rows: list[tuple]
    # The linked course's first lists with this person's ties to them, read in the
    # same query on PostgreSQL (course_lists_subquery); None when not read.
    course_lists: tuple[tuple, ...] | None = None


def launch_read(
    *, platform_id: int, issuer: str, subject: str, context_id: str | None
) -> LaunchRead:
    """The registration, read afresh (the launch trusts it), and the person, in one query."""
    context_id = context_id[:255] if context_id is not None else None
    sql, list_params = _read_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [issuer, subject, context_id, *list_params, platform_id])
        found = cursor.fetchall()
    if not found:
        return LaunchRead(None, issuer, subject, context_id, [])
    platform = _PLATFORMS.instance(connection, found[0][: len(_PLATFORMS)])
    course_lists = None
    if _reads_course_lists():
        # One row per role and list: each list comes once per role, the person's part
        # repeats (harmless: known_launch reads the person from the first row and
        # the roles as a set).
        width = len(found[0]) - COURSE_LIST_WIDTH
        course_lists = _distinct_lists(row[width:] for row in found)
        found = [row[:width] for row in found]
    rows = [row[len(_PLATFORMS) :] for row in found if row[len(_PLATFORMS)] is not None]
    return LaunchRead(platform, issuer, subject, context_id, rows, course_lists)


def _distinct_lists(rows: Iterable[tuple]) -> tuple[tuple, ...]:
    by_id = {row[0]: row for row in rows if row[0] is not None}
    return tuple(by_id[list_id] for list_id in sorted(by_id))


def known_launch(
    *,
    platform: Platform,
    claims: LaunchClaims,
    reference: str,
    read: LaunchRead | None = None,
) -> LaunchPlan | None:
    """The plan of a repeat launch that changes nothing, from one query; else None.

    A person whose identity was seen recently through this platform, whose
    profile has nothing the LMS could fill in, launching from an LMS course
    already matched, unchanged and enrolled in with this role, needs no write
    but the launch record. Anything else (None) goes through launch_provision.
    ``read`` saves the query when it was read for this very person and course.
    """
    if claims.anonymous:
        return None
    context_id = claims.context.id[:255] if claims.context else None
    said = (claims.issuer, claims.subject, context_id)
    if read is None or (read.issuer, read.subject, read.context_id) != said:
        read = launch_read(
            platform_id=platform.pk,
            issuer=claims.issuer,
            subject=claims.subject,
            context_id=context_id,
        )
    rows = read.rows
    if not rows:
        return None
    row = rows[0]
    identity_platform, last_launch_at, enrolled_as = row[:3]
    last_launch_at = converted(
        LtiIdentity._meta.get_field("last_launch_at"), last_launch_at, connection
    )
    user = _USERS.instance(connection, row[_SCALARS : _SCALARS + len(_USERS)])
    # One row per institution role: the landing's access checks need them (User.role_set).
    user.__dict__["role_set"] = frozenset(r[3] for r in rows if r[3] is not None)
    link_values = row[_SCALARS + len(_USERS) :]
    if (
        user.institution_id != platform.institution_id
        or identity_platform != platform.pk
        or last_launch_at is None
        or timezone.now() - last_launch_at >= LAST_LAUNCH_RESOLUTION
        or _blank_profile_fields(user, claims)
    ):
        return None
    role = claims.course_role(administrator_role=platform.administrator_role)
    link = course = None
    if claims.context is not None:
        if link_values[0] is None:
            return None
        link = _LINKS.instance(connection, link_values)
        if link.course_id is None or enrolled_as != role or _context_changes(link, claims):
            return None
        course = Course.from_db(
            connection.alias, ["id", "institution_id"], [link.course_id, platform.institution_id]
        )
    landing = _landing(
        user=user,
        claims=claims,
        course=course,
        context=link,
        reference=reference,
        course_lists=read.course_lists,
    )
    return LaunchPlan(user=user, role=role, course=course, context=link, landing=landing)


_USERS = ModelColumns(User)
_LINKS = ModelColumns(ContextLink)
_PLATFORMS = ModelColumns(Platform)
_SCALARS = 4  # identity's platform and last launch, enrolment role, institution role


def _reads_course_lists() -> bool:
    # SQLite has no LATERAL join; a second query there costs no round trip either.
    return connection.vendor == "postgresql"


@functools.cache
def _read_sql() -> tuple[str, list]:
    """The registration with identity, user and roles, LMS course and enrolment (built once).

    Outer joins: the registration's row comes even when nobody or no course is known.
    On PostgreSQL the linked course's first lists come along (the landing's
    question), with the person's ties to each: one row per role and list.
    Returns the SQL and the parameters of that part, which come before the
    registration's id.
    """
    quote = connection.ops.quote_name
    lists_select = lists_join = ""
    list_params: list = []
    if _reads_course_lists():
        subquery, list_params = course_lists_subquery(
            LANDING_CANDIDATES + 1, user="i.user_id", course="c.course_id"
        )
        lists_select = ", cl.*"
        lists_join = f"LEFT JOIN LATERAL ({subquery}) cl ON TRUE "
    sql = (
        f"SELECT {_PLATFORMS.select(connection, 't')}, i.platform_id, i.last_launch_at, "
        f"e.role, r.role, {_USERS.select(connection, 'u')}, {_LINKS.select(connection, 'c')}"
        f"{lists_select} "
        f"FROM {quote(Platform._meta.db_table)} t "
        f"LEFT JOIN {quote(LtiIdentity._meta.db_table)} i ON i.issuer = %s AND i.subject = %s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.id = i.user_id "
        f"LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = i.user_id "
        f"LEFT JOIN {quote(ContextLink._meta.db_table)} c "
        "ON c.platform_id = t.id AND c.context_id = %s "
        f"LEFT JOIN {quote(Enrollment._meta.db_table)} e "
        "ON e.course_id = c.course_id AND e.user_id = i.user_id "
        f"{lists_join}"
        "WHERE t.id = %s"
    )
    return sql, list_params


def _context_changes(context: ContextLink, claims: LaunchClaims) -> dict[str, str]:
    """The LMS course's fields this launch says differently (blank says nothing)."""
    assert claims.context is not None
    said = (
        ("label", claims.context.label[:255]),
        ("title", claims.context.title[:255]),
        ("memberships_url", claims.memberships_url[:1000]),
    )
    return {field: value for field, value in said if value and getattr(context, field) != value}


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
    changed = _blank_profile_fields(user, claims)
    for field, value in changed.items():
        setattr(user, field, value)
    if changed:
        user.save(update_fields=list(changed))


def _blank_profile_fields(user: User, claims: LaunchClaims) -> dict[str, str]:
    """The profile fields the user lacks and this launch supplies."""
    first, last = _names(claims)
    offered = (("first_name", first), ("last_name", last), ("email", _valid_email(claims.email)))
    return {field: value for field, value in offered if value and not getattr(user, field)}


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
    changes = _context_changes(context, claims)
    for field, value in changes.items():
        setattr(context, field, value)
    changed = list(changes)
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
