from django.contrib import admin, messages

from readings.core.exceptions import InvalidInput
from readings.lti.models import (
    ContextLink,
    Deployment,
    LaunchRecord,
    LtiIdentity,
    Platform,
    ToolKey,
)
from readings.lti.services import tool_keys_rotate


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1
    fields = ["deployment_id", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "issuer", "client_id", "is_active", "registered_via"]
    list_filter = ["institution", "is_active", "registered_via", "is_simulator"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]
    readonly_fields = ["registered_via", "is_simulator", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["institution", "name", "is_active"]}),
        (
            "Platform (from the LMS)",
            {
                "fields": [
                    "issuer",
                    "client_id",
                    "auth_login_url",
                    "auth_token_url",
                    "auth_audience",
                    "keyset_url",
                    "trusted_audiences",
                ]
            },
        ),
        (
            "Courses and people",
            {
                "fields": [
                    "course_match_source",
                    "course_match_parameter",
                    "course_match_pattern",
                    "user_id_parameter",
                    "administrator_role",
                    "anonymous_launch",
                ]
            },
        ),
        (None, {"fields": ["registered_via", "is_simulator", "created_at", "updated_at"]}),
    ]


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "is_current", "created_at", "retired_at", "published_until"]
    # The private key is never shown.
    fields = ["kid", "is_current", "public_jwk", "created_at", "retired_at", "published_until"]
    readonly_fields = fields
    actions = ["rotate"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Rotate: make a new current key (old keys stay published 7 days)")
    def rotate(self, request, queryset) -> None:
        key = tool_keys_rotate()
        self.message_user(request, f"New current key {key.kid}.")


@admin.register(LtiIdentity)
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ["subject", "issuer", "user", "last_launch_at"]
    search_fields = ["subject", "issuer", "user__username", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(ContextLink)
class ContextLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "title", "platform", "course", "matched_by", "roster_synced_at"]
    list_filter = ["platform", "matched_by"]
    search_fields = ["label", "title", "context_id"]
    raw_id_fields = ["course"]
    list_select_related = ["platform", "course"]
    actions = ["sync_roster"]

    @admin.action(description="Sync the roster from the LMS now")
    def sync_roster(self, request, queryset) -> None:
        from readings.lti.errors import RosterUnavailable
        from readings.lti.roster import roster_sync

        for context in queryset.select_related("platform", "course"):
            try:
                result = roster_sync(context=context)
            except (RosterUnavailable, InvalidInput) as exc:
                self.message_user(request, f"{context}: {exc}", level=messages.WARNING)
                continue
            self.message_user(
                request, f"{context}: {result.enrolled} enrolled, {result.removed} removed."
            )


@admin.register(LaunchRecord)
class LaunchRecordAdmin(admin.ModelAdmin):
    """Read-only: the evidence of every launch, looked up by the reference people report."""

    list_display = [
        "created_at",
        "reference",
        "result",
        "error_id",
        "step",
        "platform",
        "user",
        "role",
        "course",
        "simulated",
    ]
    list_filter = ["result", "step", "simulated", "platform", "error_id"]
    search_fields = ["reference", "error_id", "subject", "context_label", "user__username"]
    list_select_related = ["platform", "user", "course"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
