from django.contrib import admin

from readings.citations.models import Citation


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ("title", "secondary_type", "status", "year", "reading_list", "position")
    list_filter = ("secondary_type", "status", "reading_list__institution")
    search_fields = ("title", "container_title", "isbn", "issn", "doi")
    raw_id_fields = ("reading_list", "section")
    readonly_fields = ("type", "year", "position")
