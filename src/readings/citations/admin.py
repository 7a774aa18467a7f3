"""Citations in the admin: every write goes through citations.services.

Positions stay contiguous and identifiers are validated exactly as in the
rest of Readings; a problem shows on the form instead of breaking the page.
"""

from django.contrib import admin

from readings.citations.forms import CitationAdminForm
from readings.citations.models import Citation
from readings.citations.services import (
    citation_create,
    citation_delete,
    citation_move,
    citation_set_tags,
    citation_update,
)


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    form = CitationAdminForm
    list_display = ("title", "secondary_type", "status", "year", "reading_list", "position")
    list_filter = ("secondary_type", "status", "reading_list__institution")
    list_select_related = ("reading_list",)
    search_fields = ("title", "container_title", "isbn", "issn", "doi")
    raw_id_fields = ("section",)
    filter_horizontal = ("tags",)
    readonly_fields = ("reading_list", "position", "type", "year")
    fieldsets = (
        (None, {"fields": ("reading_list", "section", "position", "place_at")}),
        (
            "Description",
            {
                "fields": (
                    "secondary_type",
                    "type",
                    "status",
                    "title",
                    "authors",
                    "editors",
                    "container_title",
                    "chapter_title",
                    "publisher",
                    "place",
                    "publication_date",
                    "year",
                    "edition",
                    "volume",
                    "issue",
                    "pages",
                    "start_page",
                    "end_page",
                )
            },
        ),
        (
            "Identifiers and links",
            {
                "fields": (
                    "isbn",
                    "issn",
                    "doi",
                    "pmid",
                    "oclc",
                    "lccn",
                    "url",
                    "source_links",
                    "catalogue_record_id",
                    "original_system_id",
                )
            },
        ),
        (
            "Notes",
            {"fields": ("tags", "public_note", "instructor_note", "library_note", "due_date")},
        ),
    )

    def save_model(self, request, obj, form, change):
        section = form.cleaned_data["section"]
        place = form.cleaned_data["place_at"] - 1 if form.cleaned_data.get("place_at") else None
        if not change:
            created = citation_create(section=section, fields=form.citation_fields, position=place)
            obj.pk = created.pk
        else:
            changed = {k: v for k, v in form.citation_fields.items() if k in form.changed_data}
            if changed:
                citation_update(citation_id=obj.pk, fields=changed)
            if place is not None or "section" in form.changed_data:
                # Without a position, a citation moved to another section goes last.
                end = section.citations.count()
                citation_move(
                    citation_id=obj.pk, section=section, position=end if place is None else place
                )
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        citation_set_tags(citation=form.instance, tags=form.cleaned_data.get("tags") or [])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        citation_delete(citation_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            citation_delete(citation_id=pk)
