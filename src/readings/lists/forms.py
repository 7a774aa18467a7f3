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
    "is_template",
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
            "is_template",
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


# Forms people use on the list pages ------------------------------------------


class StartFrom:
    SCRATCH = "scratch"
    DUPLICATE = "duplicate"
    TEMPLATE = "template"


class _CourseChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_code} — {obj.title}"


class _ListChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


def _more_courses_field() -> forms.CharField:
    return forms.CharField(
        label=_("Other courses, by code"),
        required=False,
        max_length=2000,
        help_text=_("Separate codes with commas; add a section in brackets: HIST101, CHEM200 (B)."),
    )


def courses_by_code(text: str, institution_id: int) -> tuple[list, list[str]]:
    """The courses named in "CODE, CODE (SECTION)" text, and the names that match none."""
    from readings.courses.selectors import course_find

    found, unknown = [], []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        code, _sep, section = part.partition("(")
        course = course_find(
            institution_id=institution_id, code=code.strip(), section=section.rstrip(")").strip()
        )
        if course is None:
            unknown.append(part)
        else:
            found.append(course)
    return found, unknown


class _MoreCourses:
    """Library staff link lists to any course of the institution by typing its code."""

    def _clean_more_courses(self, cleaned: dict[str, Any]) -> None:
        if "more_courses" not in self.fields:
            return
        found, unknown = courses_by_code(cleaned.get("more_courses", ""), self.institution_id)
        if unknown:
            self.add_error(
                "more_courses",
                _("No course with the code %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        cleaned["courses"] = [*cleaned.get("courses", []), *found]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListCreateForm(_MoreCourses, forms.Form):
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            (StartFrom.SCRATCH, _("An empty list")),
            (StartFrom.DUPLICATE, _("A copy of one of my lists")),
            (StartFrom.TEMPLATE, _("A template")),
        ],
        initial=StartFrom.SCRATCH,
        widget=forms.RadioSelect,
    )
    source = _ListChoice(
        label=_("List to copy"),
        queryset=ReadingList.objects.none(),
        required=False,
        help_text=_("Its sections and items are copied; the copy starts as a draft."),
    )
    template = _ListChoice(
        label=_("Template"),
        queryset=ReadingList.objects.none(),
        required=False,
        help_text=_("Templates are lists your institution offers as a starting point."),
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    courses = _CourseChoice(
        label=_("Courses"),
        queryset=ReadingList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Students of these courses will see the list once it is published."),
    )
    more_courses = _more_courses_field()
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an empty list; a copy keeps its source's description."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)

    def __init__(
        self, *args: Any, sources, templates, courses, institution_id, by_code: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.institution_id = institution_id
        if not by_code:
            del self.fields["more_courses"]
        self.fields["source"].queryset = sources
        self.fields["template"].queryset = templates
        self.fields["courses"].queryset = courses
        if not templates.exists():
            self.fields["start"].choices = self.fields["start"].choices[:2]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start = cleaned.get("start")
        if start == StartFrom.DUPLICATE and not cleaned.get("source"):
            self.add_error("source", _("Choose the list to copy."))
        if start == StartFrom.TEMPLATE and not cleaned.get("template"):
            self.add_error("template", _("Choose a template."))
        self._clean_more_courses(cleaned)
        return cleaned


class ListSettingsForm(_MoreCourses, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    due_back_date = forms.DateField(
        label=_("Due back to the library by"),
        required=False,
        widget=_date_input(),
        help_text=_("When the library should have the items ready."),
    )
    courses = _CourseChoice(
        label=_("Courses"),
        queryset=ReadingList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    more_courses = _more_courses_field()
    visibility = forms.ChoiceField(label=_("Who can see the list once it is published"), choices=())
    is_template = forms.BooleanField(
        label=_("Offer this list as a template"),
        required=False,
        help_text=_("Everyone who creates lists at your institution can start from a copy."),
    )
    syllabus = forms.FileField(
        label=_("Syllabus file"),
        required=False,
        help_text=_("PDF, Word (.docx), OpenDocument (.odt) or text; up to 10 MB."),
    )
    remove_syllabus = forms.BooleanField(label=_("Remove the syllabus file"), required=False)

    def __init__(
        self,
        *args: Any,
        courses,
        manage: bool,
        has_syllabus: bool,
        institution_id: int,
        by_code: bool,
        **kwargs: Any,
    ) -> None:
        from readings.lists.models import Visibility
        from readings.lists.syllabus import ACCEPT

        super().__init__(*args, **kwargs)
        self.institution_id = institution_id
        if not by_code:
            del self.fields["more_courses"]
        self.fields["courses"].queryset = courses
        self.fields["visibility"].choices = [
            (Visibility.OPEN_TO_WORLD, _("Anyone, even without signing in")),
            (Visibility.INSTITUTION, _("Anyone at the institution")),
            (Visibility.COURSE, _("Members of the linked courses")),
            (Visibility.PRIVATE, _("Only owners and collaborators")),
        ]
        self.fields["syllabus"].widget.attrs["accept"] = ACCEPT
        if not manage:
            # Who sees the list and whether it is a template are the managers' decisions.
            del self.fields["visibility"]
            del self.fields["is_template"]
        if not has_syllabus:
            del self.fields["remove_syllabus"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_more_courses(cleaned)
        return cleaned


class VersionForm(forms.Form):
    """The list version a button was shown with: a stale click is refused, not applied."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PublicationForm(VersionForm):
    publication_status = forms.ChoiceField(
        choices=[
            ("PUBLISHED", _("Published")),
            ("DRAFT", _("Draft")),
            ("ARCHIVED", _("Archived")),
        ]
    )


class CollaboratorSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person"),
        max_length=100,
        required=False,
        help_text=_("Name, email address or username, at least two letters."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _role_choices():
    return [
        (MemberRole.EDIT, _("Can edit")),
        (MemberRole.MANAGE, _("Can manage")),
        (MemberRole.OWNER, _("Owner")),
    ]


class CollaboratorAddForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Rights"), choices=_role_choices, initial=MemberRole.EDIT)


class CollaboratorRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rights"), choices=_role_choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Rights"), choices=_role_choices, initial=MemberRole.EDIT)
