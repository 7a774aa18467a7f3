"""Load history in the admin: read-only records (loads run through `readings load`)."""

import json

from django.contrib import admin
from django.utils.html import format_html

from readings.loaders.models import Load


@admin.register(Load)
class LoadAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "institution",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "deleted",
        "rolled_over",
        "skipped",
        "error_count",
        "warning_count",
        "started_by",
    )
    list_filter = ("kind", "status", "source", "institution")
    list_select_related = ("institution", "started_by")
    search_fields = ("file_name", "sha256")
    date_hierarchy = "started_at"
    exclude = ("report",)
    readonly_fields = ("report_text",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Report")
    def report_text(self, obj: Load) -> str:
        return format_html(
            "<pre style='white-space: pre-wrap'>{}</pre>",
            json.dumps(obj.report, indent=2, ensure_ascii=False),
        )
