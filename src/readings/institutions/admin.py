from django.contrib import admin

from readings.institutions.models import AcademicDepartment, Institution, ProcessingDepartment, Term


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "default_citation_style")
    search_fields = ("code", "name")


@admin.register(AcademicDepartment, ProcessingDepartment)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "institution")
    list_filter = ("institution",)
    search_fields = ("code", "name")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "start_date", "end_date", "institution")
    list_filter = ("institution",)
    search_fields = ("code", "name")
