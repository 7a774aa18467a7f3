"""Go-live readiness: the implementation plan, its team and log, and what the checks saw.

The plan follows the implementation guide's methodology (preparation, Define, Build,
go-live, Deploy, life in production). Checks read the system's own state; what they
last saw is kept so the dashboard can say since when a check holds or fails.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from readings.core.models import TimeStampedModel


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("Preparation and onboarding")
    DEFINE = "define", _("Define")
    BUILD = "build", _("Build")
    GO_LIVE = "go_live", _("Go-live")
    DEPLOY = "deploy", _("Deploy")
    PRODUCTION = "production", _("Life in production")


class Side(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    IMPLEMENTATION = "implementation", _("Implementation team")
    BOTH = "both", _("Both")


class TeamRole(models.TextChoices):
    SPONSOR = "sponsor", _("Project sponsor")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    LIBRARY = "library", _("Library staff")
    INSTRUCTOR = "instructor", _("Instructor")
    IT = "it", _("IT / LMS administrator")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class CheckStatus(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    MANUAL = "manual", _("Manual")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Plan(TimeStampedModel):
    institution = models.OneToOneField(
        "institutions.Institution", on_delete=models.CASCADE, related_name="readiness_plan"
    )
    go_live_date = models.DateField()
    # The share of go-live-term courses that should have a published list (lists_ready).
    lists_target_percent = models.PositiveSmallIntegerField(default=80)
    go_live_term = models.ForeignKey(
        "institutions.Term", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The day the tasks were last laid out: the runway is measured from it, so a
    # plan made six weeks out keeps saying it was short once the weeks pass.
    scheduled_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lists_target_percent__lte=100), name="plan_target_is_a_percentage"
            )
        ]

    def __str__(self) -> str:
        return f"Plan for {self.institution} (go-live {self.go_live_date})"


class Task(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    # Methodology tasks keep their key so re-dating the plan finds them; added tasks have none.
    key = models.SlugField(max_length=60, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    side = models.CharField(max_length=15, choices=Side.choices, default=Side.BOTH)
    responsible_role = models.CharField(max_length=20, choices=TeamRole.choices)
    due_date = models.DateField(null=True, blank=True)
    # Re-dating the plan leaves a date someone set by hand alone.
    due_date_fixed = models.BooleanField(default=False)
    status = models.CharField(max_length=15, choices=TaskStatus.choices, default=TaskStatus.TODO)
    notes = models.TextField(blank=True)
    # The automatic check that proves this task, if any (readiness.checks ids).
    check_id = models.CharField(max_length=30, blank=True)
    position = models.PositiveIntegerField(default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"], condition=~Q(key=""), name="task_key_unique_in_plan"
            ),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="task_known_phase"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="task_known_side"),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_known_status"
            ),
            models.CheckConstraint(
                condition=Q(responsible_role__in=TeamRole.values), name="task_known_role"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskChange(models.Model):
    """Who changed a task, when, and what: the plan's audit trail."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=30)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class TeamMember(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_roles"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "role"], name="team_member_unique"),
            models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="team_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class LogKind(models.TextChoices):
    RISK = "risk", pgettext_lazy("project log entry", "Risk")
    # A problem the project has now, not a journal's number (citations' "Issue").
    ISSUE = "issue", pgettext_lazy("project log entry", "Issue")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class LogStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATED = "mitigated", _("Mitigated")
    CLOSED = "closed", _("Closed")


class LogEntry(TimeStampedModel):
    """The guide's project log: risks and issues, with who owns them and what is done."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(max_length=5, choices=LogKind.choices)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    likelihood = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=9, choices=LogStatus.choices, default=LogStatus.OPEN)

    class Meta:
        ordering = ["status", "-updated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LogKind.values), name="log_known_kind"),
            models.CheckConstraint(
                condition=Q(likelihood__in=Level.values) & Q(impact__in=Level.values),
                name="log_known_levels",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LogStatus.values), name="log_known_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CheckState(models.Model):
    """What a check saw last, and when it last held: evidence outlives the moment."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="readiness_checks"
    )
    check_id = models.CharField(max_length=30)
    status = models.CharField(max_length=15, choices=CheckStatus.choices)
    evidence = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()
    last_passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "check_id"], name="check_state_unique"),
            models.CheckConstraint(
                condition=Q(status__in=CheckStatus.values), name="check_state_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {self.status}"


class Confirmation(models.Model):
    """A person vouching for something a machine cannot see (e.g. courses_verified)."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+"
    )
    check_id = models.CharField(max_length=30)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    # For courses_verified: the load whose report was reviewed.
    load = models.ForeignKey(
        "loaders.Load", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.check_id} confirmed by {self.confirmed_by}"


class HostSeen(models.Model):
    """Host names seen on incoming requests, for the `domain` check."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+"
    )
    host = models.CharField(max_length=255)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    requests = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "host"], name="host_seen_unique")
        ]

    def __str__(self) -> str:
        return self.host


class SlowPageDay(models.Model):
    """Requests slower than the threshold, counted per institution and day."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    slowest_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "day"], name="slow_page_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} slow pages"
