"""Reading lists, their sections, the people who edit them, and tags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from readings.core.models import TimeStampedModel
from readings.institutions.models import code_validator


class ListStatus(models.TextChoices):
    """Where the list stands in the library's processing workflow."""

    BEING_PREPARED = "BeingPrepared", _("Being prepared")
    READY_FOR_PROCESSING = "ReadyForProcessing", _("Ready for processing")
    IN_PROCESS = "InProcess", _("In process")
    COMPLETE = "Complete", _("Complete")
    INACTIVE = "Inactive", _("Inactive")
    DECLINED = "Declined", _("Declined")
    # A list's state, not the loader's count of rolled-over courses.
    ROLLED_OVER = "RolledOver", pgettext_lazy("reading list status", "Rolled over")


class PublicationStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", _("Published")
    ARCHIVED = "ARCHIVED", _("Archived")


class Visibility(models.TextChoices):
    OPEN_TO_WORLD = "OPEN_TO_WORLD", _("Anyone")
    INSTITUTION = "INSTITUTION", _("Anyone at the institution")
    COURSE = "COURSE", _("Course members only")
    PRIVATE = "PRIVATE", _("Owners and collaborators only")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGE = "manage", _("Can manage")
    EDIT = "edit", _("Can edit")


class TagKind(models.TextChoices):
    PUBLIC = "public", _("Public")
    LIBRARY = "library", _("Library only")


class Tag(TimeStampedModel):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="tags"
    )
    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=TagKind.choices, default=TagKind.PUBLIC)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="tag_code_unique"),
            models.CheckConstraint(condition=Q(kind__in=TagKind.values), name="tag_known_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class ReadingList(TimeStampedModel):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="reading_lists"
    )
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20, choices=ListStatus.choices, default=ListStatus.BEING_PREPARED
    )
    publication_status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.COURSE
    )
    courses = models.ManyToManyField(
        "courses.Course", blank=True, related_name="reading_lists", through="ListCourse"
    )
    due_back_date = models.DateField(null=True, blank=True)
    syllabus = models.FileField(upload_to="syllabi/%Y/", blank=True)
    rolled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rolled_into"
    )
    # Offered in the "new list" form to everyone at the institution who creates lists.
    is_template = models.BooleanField(default=False)
    # Optimistic lock: every change to the list or its content bumps it, and a
    # write that names an older version is refused (see lists.services).
    version = models.PositiveIntegerField(default=1)
    # An instructor (or editor) said the list is ready for students: go-live evidence.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code"], name="reading_list_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ListStatus.values), name="reading_list_known_status"
            ),
            models.CheckConstraint(
                condition=Q(publication_status__in=PublicationStatus.values),
                name="reading_list_known_publication_status",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values),
                name="reading_list_known_visibility",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ListCourse(models.Model):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "course"], name="list_course_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reading_list_id} ↔ {self.course_id}"


class ListMember(TimeStampedModel):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.EDIT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "user"], name="list_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="list_member_known_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.reading_list}"


class Section(TimeStampedModel):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    # Contiguous from 0 within a list; only lists.services writes it.
    position = models.PositiveIntegerField()
    # A time-windowed section is shown to students only between these dates.
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="sections")
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["reading_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading_list", "position"], name="section_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="section_end_after_start",
                violation_error_message=_("The section cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ListInvitation(TimeStampedModel):
    """An emailed invitation to collaborate, for the person who signs in with that address.

    The address need not belong to a known user yet: the person may get an
    account later and accept then, as long as the invitation has not expired.
    A forwarded or leaked link is no use to anyone signed in with another address.
    """

    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.EDIT)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="list_invitation_known_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()}) to {self.reading_list_id}"

    def is_addressed_to(self, user) -> bool:
        """Whether ``user`` signs in with the invited address (case never matters in practice)."""
        mine = (self.email or "").strip().casefold()
        theirs = (getattr(user, "email", "") or "").strip().casefold()
        return bool(mine) and mine == theirs

    @property
    def masked_email(self) -> str:
        """The address with most of its local part hidden, for pages shown to someone else."""
        local, at, domain = (self.email or "").strip().partition("@")
        if not at:
            return "…"
        return f"{local[:1]}…@{domain}"
