from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.utils.translation import gettext_lazy as _

from readings.courses.models import Course, Enrollment, SearchableId

QUERY_MAX_LENGTH = 200


class CourseSearchForm(forms.Form):
    """The search box: text is optional; bad text is a field error, never a crash."""

    q = forms.CharField(
        label=_("Search courses"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Code, title or course id")}
        ),
    )

    def query(self) -> str:
        """The cleaned text, or "" when the form is invalid (so nothing matches wrongly)."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class CourseAdminForm(forms.ModelForm):
    """A course's departments, terms and instructors must belong to its institution."""

    class Meta:
        model = Course
        fields = [
            "institution",
            "code",
            "section",
            "title",
            "academic_department",
            "processing_department",
            "terms",
            "start_date",
            "end_date",
            "year",
            "participants",
            "weekly_hours",
            "submit_lists_by",
            "instructors",
            "rolled_from",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        institution = cleaned.get("institution") or getattr(self.instance, "institution", None)
        if institution is None:
            return cleaned
        for name in ("academic_department", "processing_department", "rolled_from"):
            value = cleaned.get(name)
            if value is not None and value.institution_id != institution.pk:
                self.add_error(name, _("This belongs to another institution."))
        for name in ("terms", "instructors"):
            if any(v.institution_id != institution.pk for v in cleaned.get(name) or ()):
                self.add_error(name, _("Choose only the course's own institution's entries."))
        return cleaned

    def validate_unique(self) -> None:
        """Check the code and section are free in the institution on change too."""
        super().validate_unique()
        if "institution" in self.fields:
            return  # on add, Django's full_clean has checked the constraint
        # On change the institution is read-only, so not a form field, and Django skips
        # every constraint naming it: a taken code would reach the database as an error.
        for constraint in Course._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and "institution" in constraint.fields:
                try:
                    constraint.validate(Course, self.instance, exclude=set(self.errors))
                except ValidationError as exc:
                    self.add_error(None, exc)


class EnrollmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["course", "user", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        course, user = cleaned.get("course"), cleaned.get("user")
        if course and user and user.institution_id != course.institution_id:
            self.add_error("user", _("A user can only enrol in their own institution's courses."))
        return cleaned


class SearchableIdAdminForm(forms.ModelForm):
    class Meta:
        model = SearchableId
        fields = ["course", "value"]
