"""The upload form and the report filters of the loads pages."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from readings.loaders import report_table, uploads, values
from readings.loaders.models import LoadKind
from readings.loaders.runs import LoadOptions

DRY_RUN, APPLY, APPLY_VALID = "dry_run", "apply", "apply_valid"


class LoadForm(forms.Form):
    # The file comes last: when an upload is cut off for its size, the fields
    # sent before it are still read, so the form can show what was chosen.
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (LoadKind.COURSES, _("Courses (Alma course-loader file, tab-separated)")),
            (LoadKind.LISTS, _("Reading lists (Leganto reading-list file, tab or comma)")),
        ],
        widget=forms.RadioSelect,
        initial=LoadKind.COURSES,
    )
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            (DRY_RUN, _("Check only (dry run): report every problem, change nothing")),
            (APPLY, _("Apply, if the file has no errors (otherwise change nothing)")),
            (APPLY_VALID, _("Apply the rows without errors, skip and report the others")),
        ],
        widget=forms.RadioSelect,
        initial=DRY_RUN,
    )
    date_format = forms.ChoiceField(
        label=_("Dates in the file (course files)"),
        choices=[("", _("As the institution's settings say"))]
        + [(f, _("Detect") if f == values.AUTO else f) for f in values.DATE_FORMATS],
        required=False,
    )
    create_departments = forms.BooleanField(
        label=_("Create academic departments the file names and Readings lacks"),
        required=False,
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, too_large: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = _("Up to %(size)s.") % {
            "size": filesizeformat(uploads.max_upload_bytes())
        }
        if too_large:
            # The upload was stopped at the limit, so no file arrived: say why.
            self.fields["file"].required = False

    def clean_file(self):
        if self.too_large:
            raise forms.ValidationError(self.too_large, code="too_large")
        return self.cleaned_data["file"]

    def options(self) -> LoadOptions:
        mode = self.cleaned_data["mode"]
        return LoadOptions(
            dry_run=mode == DRY_RUN,
            apply_valid=mode == APPLY_VALID,
            date_format=self.cleaned_data["date_format"],
            create_departments=self.cleaned_data["create_departments"],
        )


class ProblemFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[
            (report_table.SHOW_ALL, _("Errors and warnings")),
            (report_table.SHOW_ERRORS, _("Errors only")),
            (report_table.SHOW_WARNINGS, _("Warnings only")),
        ],
        required=False,
    )
    column = forms.ChoiceField(label=_("Column"), required=False)
    q = forms.CharField(label=_("Containing"), required=False, max_length=200)

    def __init__(self, data, *, columns: list[str]) -> None:
        super().__init__(data)
        self.fields["column"].choices = [
            ("", _("Any column")),
            (report_table.WHOLE_FILE, _("None (the whole file)")),
            *((c, c) for c in columns),
        ]

    def filters(self) -> dict[str, str]:
        """show, column and query as chosen; anything unusable counts as no filter."""
        if not self.is_valid():
            return {"show": report_table.SHOW_ALL, "column": "", "query": ""}
        return {
            "show": self.cleaned_data["show"] or report_table.SHOW_ALL,
            "column": self.cleaned_data["column"],
            "query": self.cleaned_data["q"],
        }
