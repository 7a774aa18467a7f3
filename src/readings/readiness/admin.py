from django.contrib import admin

from readings.readiness.models import LogEntry, Plan, Task, TaskChange, TeamMember


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
