"""Forms for citations: the admin's form validates through the same cleaning as the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from readings.citations.metadata import METADATA_FIELDS, clean_citation_fields
from readings.citations.models import Citation
from readings.citations.names import format_names
from readings.core.exceptions import InvalidInput


def add_service_errors(form: forms.BaseForm, exc: InvalidInput) -> None:
    """Show a service's field errors on the form's fields (or above the form)."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class CitationAdminForm(forms.ModelForm):
    """Edit a citation as people write it; normalise and check it as the services do.

    Identifiers are typed as people copy them (ISBN with hyphens, DOI as a
    link), so their form fields are wider than the stored, normalised value.
    """

    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Family, Given; Family, Given — or an organisation's name."),
    )
    editors = forms.CharField(
        label=_("Editors"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    isbn = forms.CharField(label="ISBN", required=False, max_length=64)
    issn = forms.CharField(label="ISSN", required=False, max_length=64)
    doi = forms.CharField(label="DOI", required=False, max_length=255)
    pmid = forms.CharField(label="PMID", required=False, max_length=64)
    place_at = forms.IntegerField(
        label=_("Position in section"),
        required=False,
        min_value=1,
        help_text=_("1 is first. Leave empty to keep the place (or add at the end)."),
    )
    url = forms.URLField(label="URL", required=False, max_length=2000, assume_scheme="https")
    source_links = forms.CharField(
        label=_("Other links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One http(s) link per line."),
    )

    class Meta:
        model = Citation
        # The metadata fields, in the order the services define them.
        fields = ["section", *METADATA_FIELDS, "tags"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["authors"] = format_names(self.instance.authors or [])
            self.initial["editors"] = format_names(self.instance.editors or [])
            self.initial["source_links"] = "\n".join(self.instance.source_links or [])
        self.citation_fields: dict[str, Any] = {}

    def clean_source_links(self) -> list[str]:
        text = self.cleaned_data.get("source_links") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = {
            name: cleaned[name]
            for name in METADATA_FIELDS
            if name in cleaned and name in self.fields
        }
        try:
            normalised = clean_citation_fields(given, partial=True)
        except InvalidInput as exc:
            add_service_errors(self, exc)
            return cleaned
        # The services clean again; the normalised values let the model checks pass here.
        self.citation_fields = given
        cleaned.update({name: normalised[name] for name in given})
        self._check_same_institution(cleaned)
        return cleaned

    def _check_same_institution(self, cleaned: dict[str, Any]) -> None:
        section = cleaned.get("section")
        if section is None:
            return
        institution_id = section.reading_list.institution_id
        if self.instance.pk and self.instance.reading_list.institution_id != institution_id:
            self.add_error("section", _("A citation cannot move to another institution's list."))
        if any(tag.institution_id != institution_id for tag in cleaned.get("tags") or ()):
            self.add_error("tags", _("Tags must belong to the list's institution."))
