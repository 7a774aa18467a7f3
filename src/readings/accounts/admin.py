from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from readings.accounts.forms import UserAdminChangeForm
from readings.accounts.models import RoleAssignment, Session, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    list_display = ("username", "email", "primary_id", "institution", "is_staff")
    list_select_related = ("institution",)
    list_filter = ("institution", "roles__role", "is_staff", "is_superuser")
    search_fields = ("username", "email", "primary_id", "first_name", "last_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Institution", {"fields": ("institution", "primary_id", "processing_departments")}),
    )
    filter_horizontal = ("groups", "user_permissions", "processing_departments")
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "created_at")
    list_select_related = ("user",)
    list_filter = ("role",)
    search_fields = ("user__username", "user__primary_id")
    raw_id_fields = ("user",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Who is signed in, until when; deleting a session signs that browser out."""

    list_display = ("user", "expire_date")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    ordering = ("-expire_date",)
    fields = ("user", "expire_date")
    readonly_fields = ("user", "expire_date")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
