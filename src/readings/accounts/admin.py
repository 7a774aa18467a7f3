from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from readings.accounts.forms import UserAdminChangeForm
from readings.accounts.models import RoleAssignment, User


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
