"""Admin forms for lists, sections and members: the services' rules, shown as form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from readings.lists.models import ListCourse, ListMember, MemberRole, ReadingList, Section

# What lists.services.list_update may change after creation.
LIST_UPDATE_FIELDS = (
    "name",
    "description",
    "subject",
    "status",
    "publication_status",
    "visibility",
    "due_back_date",
)
SECTION_UPDATE_FIELDS = ("name", "description", "start_date", "end_date", "locked")

_place_at = {
    "label": _("Position"),
    "required": False,
    "min_value": 1,
    "help_text": _("1 is first. Leave empty to keep the place (or add at the end)."),
}


class ReadingListAdminForm(forms.ModelForm):
    class Meta:
        model = ReadingList
        fields = [
            "institution",
            "code",
            "name",
            "description",
            "subject",
            "status",
            "publication_status",
            "visibility",
            "due_back_date",
            "rolled_from",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        institution = cleaned.get("institution") or getattr(self.instance, "institution", None)
        rolled_from = cleaned.get("rolled_from")
        if institution and rolled_from and rolled_from.institution_id != institution.pk:
            self.add_error("rolled_from", _("Roll over only from a list of the same institution."))
        return cleaned


class SectionAdminForm(forms.ModelForm):
    place_at = forms.IntegerField(**_place_at)

    class Meta:
        model = Section
        fields = ["reading_list", "name", "description", "start_date", "end_date", "locked", "tags"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reading_list = cleaned.get("reading_list")
        if reading_list is None and self.instance.pk:
            reading_list = self.instance.reading_list
        tags = cleaned.get("tags") or ()
        if reading_list and any(t.institution_id != reading_list.institution_id for t in tags):
            self.add_error("tags", _("Tags must belong to the list's institution."))
        return cleaned


def _parent_institution_id(formset: BaseInlineFormSet) -> int | None:
    return getattr(formset.instance, "institution_id", None)


def _kept_forms(formset: BaseInlineFormSet) -> list[forms.Form]:
    return [
        f
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get(formset.key)
    ]


class ListCourseFormSet(BaseInlineFormSet):
    key = "course"

    def clean(self) -> None:
        super().clean()
        institution_id = _parent_institution_id(self)
        for form in _kept_forms(self):
            if institution_id and form.cleaned_data["course"].institution_id != institution_id:
                form.add_error("course", _("Link only the list's own institution's courses."))


class ListMemberFormSet(BaseInlineFormSet):
    key = "user"

    def clean(self) -> None:
        super().clean()
        institution_id = _parent_institution_id(self)
        kept = _kept_forms(self)
        for form in kept:
            if institution_id and form.cleaned_data["user"].institution_id != institution_id:
                form.add_error("user", _("Collaborators must belong to the list's institution."))
        had_owner = (
            self.instance.pk
            and ListMember.objects.filter(
                reading_list=self.instance, role=MemberRole.OWNER
            ).exists()
        )
        if had_owner and not any(f.cleaned_data.get("role") == MemberRole.OWNER for f in kept):
            raise forms.ValidationError(_("A list keeps at least one owner; add another first."))


class ListMemberAdminForm(forms.ModelForm):
    class Meta:
        model = ListMember
        fields = ["reading_list", "user", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reading_list = cleaned.get("reading_list") or (
            self.instance.reading_list if self.instance.pk else None
        )
        user = cleaned.get("user") or (self.instance.user if self.instance.pk else None)
        if reading_list and user and user.institution_id != reading_list.institution_id:
            self.add_error(None, _("Collaborators must belong to the list's institution."))
        if (
            self.instance.pk
            and self.instance.role == MemberRole.OWNER
            and cleaned.get("role") != MemberRole.OWNER
            and not ListMember.objects.filter(reading_list=reading_list, role=MemberRole.OWNER)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("role", _("A list keeps at least one owner; add another first."))
        return cleaned


class ListCourseAdminForm(forms.ModelForm):
    class Meta:
        model = ListCourse
        fields = ["reading_list", "course"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reading_list, course = cleaned.get("reading_list"), cleaned.get("course")
        if reading_list and course and course.institution_id != reading_list.institution_id:
            self.add_error("course", _("Link only the list's own institution's courses."))
        return cleaned
