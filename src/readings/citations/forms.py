"""Forms for citations: the admin's form validates through the same cleaning as the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from readings.citations.metadata import METADATA_FIELDS, clean_citation_fields
from readings.citations.models import Citation, CitationKind
from readings.citations.names import format_names
from readings.core.exceptions import InvalidInput
from readings.lists.models import Tag


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


# The list editor's citation form ------------------------------------------------

_ALWAYS = ("title",)
_LINKS = ("url",)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    CitationKind.BOOK: ("authors", "editors", "edition", "publisher", "place", "isbn", *_LINKS),
    CitationKind.EBOOK: ("authors", "editors", "edition", "publisher", "isbn", "doi", *_LINKS),
    CitationKind.CHAPTER: (
        "chapter_title",
        "authors",
        "editors",
        "edition",
        "publisher",
        "place",
        "pages",
        "isbn",
        "doi",
        *_LINKS,
    ),
    CitationKind.ARTICLE: (
        "authors", "container_title", "volume", "issue", "pages", "issn", "doi", "pmid", *_LINKS,
    ),
    CitationKind.EARTICLE: (
        "authors", "container_title", "volume", "issue", "pages", "issn", "doi", "pmid", *_LINKS,
    ),
    CitationKind.JOURNAL: ("publisher", "issn", *_LINKS),
    CitationKind.WEBSITE: ("authors", "container_title", *_LINKS),
    CitationKind.VIDEO: ("authors", "container_title", "publisher", *_LINKS),
    CitationKind.AUDIO: ("authors", "container_title", "publisher", *_LINKS),
    CitationKind.DOCUMENT: ("authors", "publisher", "place", *_LINKS),
    CitationKind.NOTE: (),
    CitationKind.OTHER: (
        "chapter_title", "authors", "editors", "container_title", "edition", "publisher",
        "place", "volume", "issue", "pages", "isbn", "issn", "doi", "pmid", *_LINKS,
    ),
}  # fmt: skip
_DATED = {kind for kind in CitationKind.values if kind != CitationKind.NOTE}
# Shown for every kind: how the item is used on this list.
USAGE_FIELDS = ("public_note", "instructor_note", "due_date", "read_by_week", "tags")
EDITOR_METADATA = (
    "title",
    "chapter_title",
    "authors",
    "editors",
    "container_title",
    "edition",
    "publisher",
    "place",
    "publication_date",
    "volume",
    "issue",
    "pages",
    "isbn",
    "issn",
    "doi",
    "pmid",
    "url",
    "public_note",
    "instructor_note",
    "due_date",
)


def fields_for_kind(kind: str) -> set[str]:
    own = set(KIND_FIELDS.get(kind, KIND_FIELDS[CitationKind.OTHER]))
    dated = {"publication_date"} if kind in _DATED else set()
    return {*_ALWAYS, *own, *dated, *USAGE_FIELDS, "secondary_type"}


class CitationEditorForm(forms.Form):
    """Add or edit a citation on the list editor; the fields shown follow its type.

    Every field is rendered, those of other types hidden, so the browser can
    switch types without a round trip; only the chosen type's fields are saved.
    """

    secondary_type = forms.ChoiceField(label=_("Type"), choices=CitationKind.choices)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("For a chapter: the book's title."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    chapter_title = forms.CharField(label=_("Chapter title"), required=False)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        help_text=_("Family, Given; Family, Given — or an organisation's name."),
    )
    editors = forms.CharField(label=_("Editors"), required=False)
    container_title = forms.CharField(label=_("Journal, site or series"), required=False)
    edition = forms.CharField(label=_("Edition"), required=False)
    publisher = forms.CharField(label=_("Publisher"), required=False)
    place = forms.CharField(label=_("Place of publication"), required=False)
    publication_date = forms.CharField(
        label=_("Date published"), required=False, help_text=_("A year or a full date.")
    )
    volume = forms.CharField(label=_("Volume"), required=False)
    issue = forms.CharField(label=_("Issue"), required=False)
    pages = forms.CharField(label=_("Pages"), required=False)
    isbn = forms.CharField(label="ISBN", required=False, max_length=64)
    issn = forms.CharField(label="ISSN", required=False, max_length=64)
    doi = forms.CharField(label="DOI", required=False, max_length=255)
    pmid = forms.CharField(label="PMID", required=False, max_length=64)
    url = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=2000,
        help_text=_("Starting with https:// or http://."),
        widget=forms.URLInput(),
    )
    public_note = forms.CharField(
        label=_("Note for students"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the list. Bold, italics, lists and links are kept."),
    )
    instructor_note = forms.CharField(
        label=_("Private note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only editors of the list see it."),
    )
    due_date = forms.DateField(
        label=_("Read by (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    read_by_week = forms.IntegerField(
        label=_("Read by week"), required=False, min_value=1, max_value=60
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        required=False,
        queryset=Tag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tags: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags
        self.saved_fields: dict[str, Any] = {}

    @classmethod
    def initial_for(cls, citation: Citation, tag_ids: list[int]) -> dict[str, Any]:
        initial = {name: getattr(citation, name) for name in EDITOR_METADATA}
        initial.update(
            secondary_type=citation.secondary_type,
            authors=format_names(citation.authors or []),
            editors=format_names(citation.editors or []),
            read_by_week=citation.read_by_week,
            tags=tag_ids,
        )
        return initial

    @property
    def kind(self) -> str:
        value = self.data.get("secondary_type") if self.is_bound else None
        value = value or self.initial.get("secondary_type") or CitationKind.BOOK
        return value if value in CitationKind.values else CitationKind.BOOK

    def rows(self) -> list[tuple[forms.BoundField, bool, str]]:
        """Each field with whether it belongs to the chosen type and the types it belongs to."""
        shown = fields_for_kind(self.kind)
        kinds_of = {
            name: " ".join(k for k in CitationKind.values if name in fields_for_kind(k))
            for name in self.fields
        }
        return [
            (self[name], name in shown, kinds_of[name])
            for name in self.fields
            if name != "secondary_type"
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        shown = fields_for_kind(self.kind)
        given = {
            name: cleaned.get(name)
            for name in ("secondary_type", *EDITOR_METADATA)
            if name in shown
        }
        try:
            clean_citation_fields(given)
        except InvalidInput as exc:
            add_service_errors(self, exc)
            return cleaned
        self.saved_fields = given
        return cleaned
