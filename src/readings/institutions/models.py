"""The tenant (institution) and its structure: departments and terms."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from readings.core.models import TimeStampedModel

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("Use letters, digits, '.', '_' or '-' only, starting with a letter or digit."),
)


class CitationStyle(models.TextChoices):
    APA = "apa", _("APA 7th")
    HARVARD = "harvard", _("Harvard")
    CHICAGO = "chicago-author-date", _("Chicago (author-date)")
    MLA = "mla", _("MLA")
    VANCOUVER = "vancouver", _("Vancouver")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("'%(value)s' is not a known time zone (e.g. Europe/London)."),
            code="invalid_time_zone",
            params={"value": value},
        )


def default_settings() -> dict:
    return {}


class Institution(TimeStampedModel):
    code = models.CharField(max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(max_length=255)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    default_citation_style = models.CharField(
        max_length=32, choices=CitationStyle.choices, default=CitationStyle.APA
    )
    # When true, students see a citation only once the library marked it Complete.
    require_library_completion = models.BooleanField(default=False)
    # Loader, LTI and workflow options that later issues add; read through
    # institutions.selectors.institution_setting() with defaults in one place.
    settings = models.JSONField(default=default_settings, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Department(TimeStampedModel):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE)
    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=255)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class AcademicDepartment(Department):
    class Meta(Department.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code"], name="academic_department_code_unique"
            )
        ]


class ProcessingDepartment(Department):
    """A library unit that processes reading lists (course reserves, digitisation…)."""

    class Meta(Department.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code"], name="processing_department_code_unique"
            )
        ]


class Term(TimeStampedModel):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=255)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="term_code_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="term_end_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
