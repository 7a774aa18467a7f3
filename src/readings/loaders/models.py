"""A record of every file load: who, when, which file, what it found and did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoadKind(models.TextChoices):
    COURSES = "courses", _("Courses")
    LISTS = "lists", _("Reading lists")


class LoadStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Checked (dry run, nothing applied)")
    APPLIED = "applied", _("Applied")
    APPLIED_VALID = "applied_valid", _("Valid rows applied, rows with errors skipped")
    REJECTED = "rejected", _("Not applied: the file has errors")
    FAILED = "failed", _("Failed: nothing applied")
    INTERRUPTED = "interrupted", _("Interrupted: nothing applied")


APPLIED_STATUSES = (LoadStatus.APPLIED, LoadStatus.APPLIED_VALID)
UNFINISHED_STATUSES = (LoadStatus.QUEUED, LoadStatus.RUNNING)


class Load(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="loads"
    )
    kind = models.CharField(max_length=10, choices=LoadKind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="loads",
    )
    # Where the load came from: "cli", "schedule" (--from-dir) or "web".
    source = models.CharField(max_length=20, default="cli")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    file_modified_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=LoadStatus.choices, default=LoadStatus.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    rolled_over = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    # A file uploaded on the web waits here (a storage name under MEDIA_ROOT) until
    # its task has run; it is deleted then, the hash and the report staying.
    stored_file = models.CharField(max_length=500, blank=True)
    # Progress of a running load, written a few times a second at most.
    stage = models.CharField(max_length=20, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=LoadKind.values), name="load_known_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=LoadStatus.values), name="load_known_status"
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "kind", "sha256"], name="load_file_hash"),
            models.Index(fields=["institution", "kind", "-started_at"], name="load_history"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} load of {self.file_name} ({self.get_status_display()})"

    @property
    def applied(self) -> bool:
        return self.status in APPLIED_STATUSES

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED_STATUSES


class LoadedList(models.Model):
    """The file content a list was last loaded from, so loading it again can skip it unread.

    ``version`` is the list's version once the load had written it: an edit
    since (which bumps the version) makes the next load check the list again.
    """

    reading_list = models.OneToOneField(
        "lists.ReadingList", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    digest = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    empty_rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.reading_list_id}: {self.digest[:12]}"


class LoadedCourse(models.Model):
    """The file line a course was last written from, with the course as that load left it.

    ``digest`` covers the line's cells, how they were read (date format,
    layout, the fields an update may change) and the course as the line gave
    it: the same line while the course still holds exactly that needs no
    checking again (see ``course_digests``).
    """

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.course_id}: {self.digest[:12]}"
