from django.contrib import admin

from readings.readiness.models import (
    CheckState,
    Confirmation,
    HostSeen,
    LogEntry,
    Plan,
    SlowPageDay,
    Task,
    TaskChange,
    TeamMember,
)


class TaskInline(admin.TabularInline):
    model = Task
    fields = ("title", "phase", "responsible_role", "due_date", "due_date_fixed", "status")
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("institution", "go_live_date", "go_live_term", "scheduled_on")
    inlines = [TaskInline]


@admin.register(TaskChange)
class TaskChangeAdmin(admin.ModelAdmin):
    list_display = ("task", "field", "old_value", "new_value", "changed_by", "changed_at")
    list_filter = ("field",)


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("plan", "user", "role")


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "kind", "likelihood", "impact", "owner", "status")
    list_filter = ("kind", "status")


@admin.register(CheckState)
class CheckStateAdmin(admin.ModelAdmin):
    list_display = ("institution", "check_id", "status", "checked_at", "last_passed_at")
    list_filter = ("status", "check_id")


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ("institution", "check_id", "confirmed_by", "confirmed_at")
    raw_id_fields = ("confirmed_by", "load")


@admin.register(HostSeen)
class HostSeenAdmin(admin.ModelAdmin):
    list_display = ("institution", "host", "first_seen", "last_seen", "requests")


@admin.register(SlowPageDay)
class SlowPageDayAdmin(admin.ModelAdmin):
    list_display = ("institution", "day", "count", "slowest_ms")
