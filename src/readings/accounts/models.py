"""People and the roles they hold at their institution."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readings.core.models import TimeStampedModel


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")
    LIBRARIAN = "librarian", _("Librarian")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Empty only for platform-wide superusers.",
    )
    # What registrar files and LMS launches identify a person by.
    primary_id = models.CharField(max_length=255, blank=True)
    processing_departments = models.ManyToManyField(
        "institutions.ProcessingDepartment",
        blank=True,
        related_name="librarians",
        help_text="For librarians: the departments whose lists they process.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "primary_id"],
                condition=~Q(primary_id=""),
                name="user_primary_id_unique_per_institution",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return self.is_superuser or role in self.role_set

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def is_library_staff(self) -> bool:
        return self.has_role(Role.LIBRARIAN) or self.has_role(Role.ADMINISTRATOR)


class RoleAssignment(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="role_assignment_known_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in person's id in a column of its own.

    Every signed-in request reads the session and then the person; with the
    id beside the data, both come from one query (``accounts.sessions``). The
    data stays the source of truth: the column only lets the person be read
    along, and a person deleted takes their sessions along.
    """

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from readings.accounts.sessions import SessionStore

        return SessionStore
