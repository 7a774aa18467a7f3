"""Courses as the registrar defines them, and who takes or teaches them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from readings.core.models import TimeStampedModel


class CourseStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Course(TimeStampedModel):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="courses"
    )
    code = models.CharField(max_length=50)
    # Blank is a valid section in registrar files.
    section = models.CharField(max_length=50, blank=True, default="")
    title = models.CharField(max_length=255)
    academic_department = models.ForeignKey(
        "institutions.AcademicDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    processing_department = models.ForeignKey(
        "institutions.ProcessingDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    terms = models.ManyToManyField("institutions.Term", blank=True, related_name="courses")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)
    weekly_hours = models.PositiveIntegerField(null=True, blank=True)
    submit_lists_by = models.DateField(null=True, blank=True)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_courses"
    )
    rolled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rolled_into"
    )

    class Meta:
        ordering = ["code", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code", "section"],
                name="course_code_section_unique",
                # Django's default names the model and its field names ("Course with this
                # Institution, Code and Section already exists."), not what a person typed.
                violation_error_message=_(
                    "A course with this code and section already exists in this institution."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="course_end_after_start",
                violation_error_message=_("The course cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["institution", "title"], name="course_title_idx")]

    def __str__(self) -> str:
        return f"{self.code}{'-' + self.section if self.section else ''} {self.title}"

    @property
    def display_code(self) -> str:
        return f"{self.code} ({self.section})" if self.section else self.code

    def status_on(self, day: datetime.date) -> str:
        if self.start_date and day < self.start_date:
            return CourseStatus.UPCOMING
        if self.end_date and day > self.end_date:
            return CourseStatus.ENDED
        return CourseStatus.ACTIVE


class SearchableId(models.Model):
    """An alternative code a course is found by (LMS ids, cross-listings)."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="searchable_ids")
    value = models.CharField(max_length=255)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["course", "value"], name="searchable_id_unique")
        ]
        indexes = [models.Index(fields=["institution", "value"], name="searchable_id_lookup")]

    def __str__(self) -> str:
        return self.value


class CourseCampus(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="campuses")
    campus = models.CharField(max_length=100)
    participants = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["campus"]
        verbose_name_plural = "course campuses"
        constraints = [
            models.UniqueConstraint(fields=["course", "campus"], name="course_campus_unique")
        ]

    def __str__(self) -> str:
        return self.campus


class EnrollmentRole(models.TextChoices):
    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")


class Enrollment(TimeStampedModel):
    """A person taking part in a course (from the LMS roster or a loader)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(
        max_length=20, choices=EnrollmentRole.choices, default=EnrollmentRole.STUDENT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=Q(role__in=EnrollmentRole.values), name="enrollment_known_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"
