"""Readiness checks from live state: each reads what the system recorded and says why.

One function per check id returns an ``Outcome`` (status, evidence, explanation).
``run_checks`` runs them all for an institution and, unless told not to, keeps
what each saw in ``CheckState``: when it was checked, and when it last held.
Evidence is plain JSON (counts, timestamps, ids, links) so the dashboard, the
``readings readiness --json`` command and the PDF report show the same facts.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks as system_checks
from django.db.models import Q, QuerySet
from django.http.request import validate_host
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readings.accounts.models import Role, User
from readings.courses.models import Course, EnrollmentRole
from readings.discovery.models import CatalogueRecord, DiscoverySource, SearchRecord
from readings.institutions.models import Institution, Term
from readings.institutions.selectors import institution_setting
from readings.lists.models import PublicationStatus, ReadingList
from readings.loaders.models import APPLIED_STATUSES, Load, LoadKind, LoadStatus
from readings.lti.models import LaunchRecord, LaunchResult, LaunchStep, Platform
from readings.readiness.models import (
    CheckState,
    CheckStatus,
    Confirmation,
    HostSeen,
    Plan,
    Task,
    TaskStatus,
)
from readings.readiness.recording import LOCAL_HOSTS

PASS, FAIL, MANUAL, NOT_APPLICABLE = (
    CheckStatus.PASS,
    CheckStatus.FAIL,
    CheckStatus.MANUAL,
    CheckStatus.NOT_APPLICABLE,
)
DEFAULT_LISTS_TARGET_PERCENT = 80
# Dry runs and loads still running say nothing yet about the data in place.
_FINISHED_REAL_LOADS = ~Q(status__in=[LoadStatus.CHECKED, LoadStatus.QUEUED, LoadStatus.RUNNING])


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: str  # readiness.models.CheckStatus value
    evidence: dict = field(default_factory=dict)
    explanation: str = ""
    required: bool = True
    checked_at: datetime.datetime | None = None
    last_passed_at: datetime.datetime | None = None

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def blocks_go_live(self) -> bool:
        return self.required and self.status not in (PASS, NOT_APPLICABLE)

    @property
    def evidence_items(self) -> list[tuple[str, str]]:
        """The evidence as (label, text) pairs for pages and the PDF."""
        return [
            (key.replace("_", " "), evidence_text(value))
            for key, value in self.evidence.items()
            if key != "url"
        ]


@dataclass(frozen=True)
class Outcome:
    status: str
    evidence: dict
    explanation: str = ""


@dataclass(frozen=True)
class Context:
    """What several checks need, read once per run."""

    institution: Institution
    plan: Plan | None
    now: datetime.datetime

    @property
    def go_live_date(self) -> datetime.date | None:
        return self.plan.go_live_date if self.plan else None

    @property
    def today(self) -> datetime.date:
        return self.now.astimezone(zoneinfo.ZoneInfo(self.institution.time_zone)).date()

    def go_live_start(self) -> datetime.datetime | None:
        """Local midnight of the go-live date, as an aware datetime."""
        if self.go_live_date is None:
            return None
        local = zoneinfo.ZoneInfo(self.institution.time_zone)
        return datetime.datetime.combine(self.go_live_date, datetime.time.min, tzinfo=local)


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    function: Callable[[Context], Outcome]
    required: bool = True


def run_checks(institution: Institution, *, record: bool = True) -> list[CheckResult]:
    """Run every check for the institution; with ``record``, remember what each saw."""
    now = timezone.now()
    plan = Plan.objects.select_related("go_live_term").filter(institution=institution).first()
    context = Context(institution=institution, plan=plan, now=now)
    previous = {
        state.check_id: state for state in CheckState.objects.filter(institution=institution)
    }
    waived = _waived_checks(plan)
    results = []
    for spec in CHECKS:
        if spec.id in waived:
            outcome = Outcome(
                NOT_APPLICABLE,
                {"task": waived[spec.id]},
                _("The plan marks this task as not applicable."),
            )
        else:
            outcome = spec.function(context)
        state = previous.get(spec.id)
        last_passed = now if outcome.status == PASS else (state.last_passed_at if state else None)
        if record:
            CheckState.objects.update_or_create(
                institution=institution,
                check_id=spec.id,
                defaults={
                    "status": outcome.status,
                    "evidence": outcome.evidence,
                    "checked_at": now,
                    "last_passed_at": last_passed,
                },
            )
        results.append(
            CheckResult(
                id=spec.id,
                title=str(spec.title),
                status=outcome.status,
                evidence=outcome.evidence,
                explanation=outcome.explanation if outcome.status != PASS else "",
                required=spec.required and outcome.status != NOT_APPLICABLE,
                checked_at=now,
                last_passed_at=last_passed,
            )
        )
    return results


def ready_for_go_live(results: list[CheckResult]) -> bool:
    return not any(result.blocks_go_live for result in results)


def _waived_checks(plan: Plan | None) -> dict[str, int]:
    """Checks whose plan task someone marked not applicable (e.g. no discovery at all)."""
    if plan is None:
        return {}
    rows = Task.objects.filter(plan=plan, status=TaskStatus.NOT_APPLICABLE).exclude(check_id="")
    return dict(rows.values_list("check_id", "pk"))


# production_settings ------------------------------------------------------------------


def check_production_settings(context: Context) -> Outcome:
    """Production mode, no DEBUG, a real secret, HTTPS, and `check --deploy` clean."""
    issues = [
        message
        for message in system_checks.run_checks(include_deployment_checks=True)
        if message.level >= system_checks.WARNING and not message.is_silenced()
    ]
    base_url = getattr(settings, "READINGS_BASE_URL", "")
    https = bool(
        (getattr(settings, "SECURE_SSL_REDIRECT", False) or settings.SECURE_PROXY_SSL_HEADER)
        and settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
        and (not base_url or base_url.startswith("https://"))
    )
    evidence = {
        "production_mode": bool(getattr(settings, "PRODUCTION", False)),
        "debug": bool(settings.DEBUG),
        "secret_key_ok": _real_secret(settings.SECRET_KEY),
        "https": https,
        "base_url": base_url,
        "deploy_check_issues": [f"{m.id}: {m.msg[:120]}" for m in issues][:20],
    }
    missing = []
    if not evidence["production_mode"]:
        missing.append(_("Readings runs in development mode (set READINGS_MODE=production)."))
    if evidence["debug"]:
        missing.append(_("DEBUG is on."))
    if not evidence["secret_key_ok"]:
        missing.append(_("SECRET_KEY is a development key or too short."))
    if not https:
        missing.append(_("HTTPS is not enforced (secure cookies, SSL redirect, https base URL)."))
    if issues:
        missing.append(
            _("`readings check --deploy` reports %(count)s problem(s).") % {"count": len(issues)}
        )
    return Outcome(FAIL if missing else PASS, evidence, " ".join(missing))


def _real_secret(key: str) -> bool:
    # Django's own test (security.W009) plus the development key Readings falls back to.
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure")


# domain ---------------------------------------------------------------------------------


def configured_host(institution: Institution) -> str:
    """The institution's own host name: its "host" setting, else the base URL's host."""
    host = str(institution_setting(institution, "host") or "").strip().lower()
    if not host:
        host = (urlsplit(getattr(settings, "READINGS_BASE_URL", "") or "").hostname or "").lower()
    return host


def check_domain(context: Context) -> Outcome:
    host = configured_host(context.institution)
    seen = HostSeen.objects.filter(institution=context.institution).order_by("-last_seen")
    evidence: dict = {
        "host": host,
        "allowed": bool(host) and validate_host(host, settings.ALLOWED_HOSTS),
        "seen": [
            {"host": row.host, "last_seen": _iso(row.last_seen), "requests": row.requests}
            for row in seen[:5]
        ],
    }
    if not host or host in LOCAL_HOSTS:
        return Outcome(
            FAIL,
            evidence,
            _(
                "No host name of the institution's own is configured (institution setting "
                "“host”, or READINGS_BASE_URL)."
            ),
        )
    if not evidence["allowed"]:
        return Outcome(FAIL, evidence, _("%(host)s is not in ALLOWED_HOSTS.") % {"host": host})
    hit = seen.filter(host=host).first()
    if hit is None:
        return Outcome(
            FAIL,
            evidence,
            _("No request has reached Readings at %(host)s yet.") % {"host": host},
        )
    evidence["last_seen"] = _iso(hit.last_seen)
    return Outcome(PASS, evidence)


# authentication ------------------------------------------------------------------------


# Backends that sign people in with Readings' own passwords: not single sign-on.
PASSWORD_BACKENDS = frozenset(
    {"django.contrib.auth.backends.ModelBackend", "readings.accounts.backends.AccountBackend"}
)


def check_authentication(context: Context) -> Outcome:
    users = User.objects.filter(institution=context.institution, is_active=True)
    password_accounts = users.exclude(password="").exclude(password__startswith="!").count()
    platforms = _real_platforms(context.institution).count()
    backends = [path for path in settings.AUTHENTICATION_BACKENDS if path not in PASSWORD_BACKENDS]
    methods = []
    if password_accounts:
        methods.append("password")
    if platforms:
        methods.append("lti")
    if backends:
        methods.append("sso")
    # People the LMS simulator provisioned are demo people: their sign-ins prove nothing.
    signed_in = users.filter(last_login__isnull=False).exclude(
        lti_identities__platform__is_simulator=True
    )
    last = signed_in.order_by("-last_login").values_list("last_login", flat=True).first()
    evidence = {
        "methods": methods,
        "password_accounts": password_accounts,
        "lti_platforms": platforms,
        "other_backends": backends,
        "users_signed_in": signed_in.distinct().count(),
        "last_sign_in_at": _iso(last),
    }
    if not methods:
        return Outcome(
            FAIL,
            evidence,
            _("No way to sign in: no account with a password, no LTI platform, no single sign-on."),
        )
    if last is None:
        return Outcome(FAIL, evidence, _("Nobody of the institution has signed in yet."))
    return Outcome(PASS, evidence)


# lms_registered, instructor_launch, student_launch -------------------------------------------


def _real_platforms(institution: Institution) -> QuerySet[Platform]:
    return Platform.objects.filter(institution=institution, is_active=True, is_simulator=False)


def check_lms_registered(context: Context) -> Outcome:
    platforms = [
        {
            "id": platform.pk,
            "name": platform.name,
            "issuer": platform.issuer,
            "deployments": [d.deployment_id for d in platform.deployments.all()],
        }
        for platform in _real_platforms(context.institution).prefetch_related("deployments")
    ]
    with_deployment = [p for p in platforms if p["deployments"]]
    evidence = {"platforms": platforms, "with_deployment": len(with_deployment)}
    if not platforms:
        return Outcome(
            FAIL,
            evidence,
            _(
                "No LMS is registered (the LMS simulator does not count): register one with "
                "`readings lti register` or the admin."
            ),
        )
    if not with_deployment:
        return Outcome(FAIL, evidence, _("The registered LMS has no deployment id yet."))
    return Outcome(PASS, evidence)


def _launch_check(context: Context, role: str) -> Outcome:
    launches = LaunchRecord.objects.filter(
        platform__institution=context.institution, step=LaunchStep.LAUNCH
    )
    real = launches.filter(simulated=False, platform__is_simulator=False)
    good = real.filter(
        result=LaunchResult.ACCEPTED, role=role, user__isnull=False, course__isnull=False
    )
    last = good.select_related("platform", "course").first()
    evidence = {
        "accepted": good.count(),
        "simulated": launches.filter(Q(simulated=True) | Q(platform__is_simulator=True))
        .filter(role=role)
        .count(),
        "refused": real.filter(result=LaunchResult.REFUSED).count(),
        "unmatched": real.filter(
            result=LaunchResult.ACCEPTED, role=role, course__isnull=True
        ).count(),
    }
    if last is not None:
        evidence["last"] = {
            "reference": last.reference,
            "at": _iso(last.created_at),
            "platform": last.platform.name if last.platform else "",
            "course": last.course.code if last.course else "",
            "course_id": last.course_id,
        }
        return Outcome(PASS, evidence)
    reasons = [
        _("No real LTI launch by an %(role)s into a matched course yet.") % {"role": role}
        if role == EnrollmentRole.INSTRUCTOR
        else _("No real LTI launch by a %(role)s into a matched course yet.") % {"role": role}
    ]
    if evidence["unmatched"]:
        reasons.append(
            _("%(n)s launch(es) reached no Readings course: check the course matching rule.")
            % {"n": evidence["unmatched"]}
        )
    if evidence["refused"]:
        refused = real.filter(result=LaunchResult.REFUSED).first()
        reasons.append(
            _("%(n)s launch(es) were refused; the last: %(error)s (reference %(ref)s).")
            % {"n": evidence["refused"], "error": refused.error_id, "ref": refused.reference}
        )
    if evidence["simulated"]:
        reasons.append(_("Launches from the LMS simulator do not count."))
    return Outcome(FAIL, evidence, " ".join(reasons))


def check_instructor_launch(context: Context) -> Outcome:
    return _launch_check(context, EnrollmentRole.INSTRUCTOR)


def check_student_launch(context: Context) -> Outcome:
    return _launch_check(context, EnrollmentRole.STUDENT)


# discovery_search ---------------------------------------------------------------------


def check_discovery_search(context: Context) -> Outcome:
    institution = context.institution
    sources = list(DiscoverySource.objects.filter(institution=institution).values("name", "kind"))
    catalogue_records = CatalogueRecord.objects.filter(institution=institution).count()
    searches = SearchRecord.objects.filter(institution=institution)
    found = searches.filter(error="", total__gt=0).first()
    failed = searches.exclude(error="").first()
    evidence: dict = {
        "sources": sources,
        "catalogue_records": catalogue_records,
        "searches": searches.count(),
    }
    if failed is not None:
        evidence["last_error"] = {
            "at": _iso(failed.created_at),
            "source": failed.source,
            "error": failed.error[:300],
        }
    if not sources and not catalogue_records:
        return Outcome(
            FAIL,
            evidence,
            _(
                "No catalogue is configured: add an SRU source (`readings discovery add-sru`) or "
                "load records into the built-in catalogue."
            ),
        )
    if found is None:
        return Outcome(
            FAIL,
            evidence,
            _("No search has returned records yet: run a test search."),
        )
    evidence["last_search"] = {
        "at": _iso(found.created_at),
        "source": found.source,
        "query": found.query,
        "total": found.total,
        "test": found.is_test,
    }
    return Outcome(PASS, evidence)


# courses_loaded, courses_verified -----------------------------------------------------------


def go_live_courses(context: Context) -> tuple[QuerySet[Course], dict]:
    """The go-live term's courses, and how they were chosen (for the evidence)."""
    courses = Course.objects.filter(institution=context.institution)
    plan = context.plan
    if plan is not None and plan.go_live_term_id:
        term: Term = plan.go_live_term
        return courses.filter(terms=term).distinct(), {"code": term.code, "name": term.name}
    if context.go_live_date is not None:
        day = context.go_live_date
        return (
            courses.filter(start_date__lte=day, end_date__gte=day),
            {"code": None, "name": _("Courses running on %(day)s") % {"day": day.isoformat()}},
        )
    return courses, {"code": None, "name": _("All courses (no go-live date set)")}


def _load_evidence(load: Load) -> dict:
    return {
        "id": load.pk,
        "status": load.status,
        "file_name": load.file_name,
        "started_at": _iso(load.started_at),
        "finished_at": _iso(load.finished_at),
        "rows": load.rows,
        "error_count": load.error_count,
        "url": _url("loaders:detail", load.pk),
    }


def _last_course_load(institution: Institution) -> Load | None:
    return (
        Load.objects.filter(institution=institution, kind=LoadKind.COURSES)
        .filter(_FINISHED_REAL_LOADS)
        .order_by("-started_at", "-pk")
        .first()
    )


def check_courses_loaded(context: Context) -> Outcome:
    courses, term = go_live_courses(context)
    count = courses.count()
    last = _last_course_load(context.institution)
    evidence = {"term": term, "courses": count, "last_load": _load_evidence(last) if last else None}
    missing = []
    if last is None:
        missing.append(_("No course load has been applied yet."))
    elif last.status != LoadStatus.APPLIED or last.error_count:
        missing.append(
            _("The last course load (%(file)s, %(status)s) has %(errors)s error(s).")
            % {
                "file": last.file_name,
                "status": last.get_status_display(),
                "errors": last.error_count,
            }
        )
    if not count:
        missing.append(_("No course of the go-live term is in Readings."))
    return Outcome(FAIL if missing else PASS, evidence, " ".join(missing))


def check_courses_verified(context: Context) -> Outcome:
    institution = context.institution
    last = _last_course_load(institution)
    applied = (
        Load.objects.filter(institution=institution, kind=LoadKind.COURSES)
        .filter(status__in=APPLIED_STATUSES)
        .order_by("-started_at", "-pk")
        .first()
    )
    confirmation = (
        Confirmation.objects.filter(institution=institution, check_id="courses_verified")
        .select_related("confirmed_by", "load")
        .first()
    )
    evidence: dict = {"load": _load_evidence(applied) if applied else None, "confirmation": None}
    if confirmation is not None:
        evidence["confirmation"] = {
            "by": str(confirmation.confirmed_by or ""),
            "at": _iso(confirmation.confirmed_at),
            "load_id": confirmation.load_id,
            "note": confirmation.note,
        }
    if applied is None:
        return Outcome(FAIL, evidence, _("No course load has been applied to verify yet."))
    if last is not None and last.pk != applied.pk and last.started_at > applied.started_at:
        return Outcome(
            FAIL,
            evidence,
            _("A newer course load (%(file)s) failed; fix it and confirm again.")
            % {"file": last.file_name},
        )
    if confirmation is None or confirmation.load_id != applied.pk:
        return Outcome(
            MANUAL,
            evidence,
            _(
                "A librarian should review the report of the load of %(file)s and confirm the "
                "course data."
            )
            % {"file": applied.file_name},
        )
    return Outcome(PASS, evidence)


# lists_ready, lists_reviewed ---------------------------------------------------------------


def _target(context: Context) -> int:
    return context.plan.lists_target_percent if context.plan else DEFAULT_LISTS_TARGET_PERCENT


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def check_lists_ready(context: Context) -> Outcome:
    courses, term = go_live_courses(context)
    total = courses.count()
    with_list = (
        courses.filter(reading_lists__publication_status=PublicationStatus.PUBLISHED)
        .distinct()
        .count()
    )
    target = _target(context)
    share = _percent(with_list, total)
    evidence = {
        "term": term,
        "courses": total,
        "with_published_list": with_list,
        "percent": share,
        "target_percent": target,
    }
    if not total:
        return Outcome(FAIL, evidence, _("No course of the go-live term is in Readings yet."))
    if share < target:
        return Outcome(
            FAIL,
            evidence,
            _(
                "%(done)s of %(total)s courses (%(share)s%%) have a published list; the target "
                "is %(target)s%%."
            )
            % {"done": with_list, "total": total, "share": share, "target": target},
        )
    return Outcome(PASS, evidence)


def check_lists_reviewed(context: Context) -> Outcome:
    courses, term = go_live_courses(context)
    lists = ReadingList.objects.filter(
        courses__in=courses, publication_status=PublicationStatus.PUBLISHED
    ).distinct()
    total = lists.count()
    by_instructor = Q(reviewed_by__roles__role=Role.INSTRUCTOR) | Q(
        reviewed_by__enrollments__role=EnrollmentRole.INSTRUCTOR,
        reviewed_by__enrollments__course__in=courses,
    )
    reviewed_ids = set(
        ReadingList.objects.filter(pk__in=lists.values("pk"), reviewed_at__isnull=False)
        .filter(by_instructor)
        .values_list("pk", flat=True)
    )
    target = _target(context)
    share = _percent(len(reviewed_ids), total)
    waiting = list(
        lists.exclude(pk__in=reviewed_ids).order_by("code").values("id", "code", "name")[:10]
    )
    evidence = {
        "term": term,
        "published_lists": total,
        "reviewed": len(reviewed_ids),
        "percent": share,
        "target_percent": target,
        "not_reviewed": waiting,
    }
    if not total:
        return Outcome(FAIL, evidence, _("No published list of a go-live-term course yet."))
    if share < target:
        return Outcome(
            FAIL,
            evidence,
            _(
                "Instructors reviewed %(done)s of %(total)s published lists (%(share)s%%); the "
                "target is %(target)s%%. They use “Mark as reviewed” on the list."
            )
            % {"done": len(reviewed_ids), "total": total, "share": share, "target": target},
        )
    return Outcome(PASS, evidence)


# go_live ----------------------------------------------------------------------------------


def check_go_live(context: Context) -> Outcome:
    """The guide's definition: a real instructor and real students used Readings."""
    since = context.go_live_start()
    evidence: dict = {"go_live_date": context.go_live_date.isoformat() if since else None}
    if since is None:
        return Outcome(FAIL, evidence, _("No go-live date is set."))
    if context.now < since:
        days = (context.go_live_date - context.today).days
        evidence["days_to_go_live"] = days
        return Outcome(FAIL, evidence, _("Go-live is in %(days)s day(s).") % {"days": days})
    instructors = _real_users_since(context, since, EnrollmentRole.INSTRUCTOR, Role.INSTRUCTOR)
    students = _real_users_since(context, since, EnrollmentRole.STUDENT, Role.STUDENT)
    evidence |= {
        "instructors": len(instructors),
        "students": len(students),
        "engagement": _engagement_since(context.institution, since),
    }
    missing = []
    if not instructors:
        missing.append(_("No instructor has used Readings since the go-live date."))
    if not students:
        missing.append(_("No student has used Readings since the go-live date."))
    return Outcome(FAIL if missing else PASS, evidence, " ".join(missing))


def _real_users_since(
    context: Context, since: datetime.datetime, launch_role: str, role: str
) -> set[int]:
    """People who came through a real LMS launch, or signed in, with this role since then."""
    launched = LaunchRecord.objects.filter(
        platform__institution=context.institution,
        platform__is_simulator=False,
        simulated=False,
        result=LaunchResult.ACCEPTED,
        role=launch_role,
        user__isnull=False,
        created_at__gte=since,
    ).values_list("user_id", flat=True)
    signed_in = (
        User.objects.filter(
            institution=context.institution, last_login__gte=since, is_superuser=False
        )
        .filter(Q(roles__role=role) | Q(enrollments__role=launch_role))
        # Someone provisioned by the simulator is a demo person, not a real one.
        .exclude(lti_identities__platform__is_simulator=True)
        .values_list("pk", flat=True)
    )
    return set(launched) | set(signed_in)


def _engagement_since(institution: Institution, since: datetime.datetime) -> dict:
    from readings.engagement.models import Comment, Completion, Like

    people = {"user__institution": institution, "created_at__gte": since}
    return {
        "completions": Completion.objects.filter(**people).count(),
        "likes": Like.objects.filter(**people).count(),
        "comments": Comment.objects.filter(
            author__institution=institution, created_at__gte=since
        ).count(),
    }


# --------------------------------------------------------------------------------------


def evidence_text(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(
            f"{key.replace('_', ' ')}: {evidence_text(item)}"
            for key, item in value.items()
            if key != "url"
        )
    if isinstance(value, list):
        return "; ".join(evidence_text(item) for item in value)
    return str(value)


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _url(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "production_settings", gettext_lazy("Production settings"), check_production_settings
    ),
    CheckSpec("domain", gettext_lazy("The institution's own address"), check_domain),
    CheckSpec("authentication", gettext_lazy("Sign-in"), check_authentication),
    CheckSpec("lms_registered", gettext_lazy("LMS registered"), check_lms_registered),
    CheckSpec(
        "instructor_launch",
        gettext_lazy("An instructor launched from the LMS"),
        check_instructor_launch,
    ),
    CheckSpec(
        "student_launch", gettext_lazy("A student launched from the LMS"), check_student_launch
    ),
    CheckSpec("discovery_search", gettext_lazy("Discovery search answers"), check_discovery_search),
    CheckSpec("courses_loaded", gettext_lazy("Courses loaded"), check_courses_loaded),
    CheckSpec(
        "courses_verified",
        gettext_lazy("Course data verified by the library"),
        check_courses_verified,
    ),
    CheckSpec("lists_ready", gettext_lazy("Reading lists published"), check_lists_ready),
    CheckSpec(
        "lists_reviewed", gettext_lazy("Lists reviewed by instructors"), check_lists_reviewed
    ),
    # Going live is the outcome, not a condition for it.
    CheckSpec(
        "go_live",
        gettext_lazy("Live: instructors and students use Readings"),
        check_go_live,
        required=False,
    ),
)
CHECK_IDS = tuple(spec.id for spec in CHECKS)


# The whole picture, as the command's JSON and the report show it ---------------------------


def plan_phase(plan: Plan | None, today: datetime.date) -> str | None:
    """The phase the project is in today, as the dashboard shows it (None without a plan)."""
    if plan is None:
        return None
    from readings.readiness import selectors

    phases = selectors.plan_phases(plan, plan.tasks.all())
    return selectors.current_phase(phases, today).phase


def readiness_snapshot(institution: Institution, *, record: bool = True) -> dict:
    """{"go_live_date", "phase", "ready", "checks": [...], "tasks": [...]} as JSON values."""
    results = run_checks(institution, record=record)
    plan = Plan.objects.filter(institution=institution).first()
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(institution.time_zone)).date()
    tasks = []
    if plan is not None:
        tasks = [
            {
                "key": task.key,
                "title": task.title,
                "phase": task.phase,
                "due_date": _iso(task.due_date),
                "status": task.status,
                "check_id": task.check_id,
            }
            for task in plan.tasks.order_by("due_date", "position", "pk")
        ]
    return {
        "go_live_date": _iso(plan.go_live_date) if plan else None,
        "phase": plan_phase(plan, today),
        "ready": ready_for_go_live(results),
        "checks": [
            {
                "id": result.id,
                "title": result.title,
                "status": result.status,
                "required": result.required,
                "evidence": result.evidence,
                "explanation": result.explanation,
                "checked_at": _iso(result.checked_at),
                "last_passed_at": _iso(result.last_passed_at),
            }
            for result in results
        ],
        "tasks": tasks,
    }
