from django.contrib import admin

from readings.institutions.models import AcademicDepartment, Institution, ProcessingDepartment, Term
from readings.institutions.services import institution_create, institution_update

_UPDATE_FIELDS = ("name", "time_zone", "default_citation_style", "require_library_completion")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "default_citation_style")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("code",)

    def save_model(self, request, obj, form, change):
        # institution_create also adds the standard tags and the main library department.
        data = form.cleaned_data
        if not change:
            created = institution_create(
                code=data["code"],
                name=data["name"],
                time_zone=data["time_zone"],
                default_citation_style=data["default_citation_style"],
            )
            obj.pk = created.pk
            changed = {"require_library_completion": data["require_library_completion"]}
        else:
            changed = {k: data[k] for k in _UPDATE_FIELDS if k in form.changed_data}
        institution = Institution.objects.get(pk=obj.pk)
        if changed:
            institution_update(institution=institution, **changed)
        if "settings" in form.changed_data:
            institution.settings = data["settings"]
            institution.save(update_fields=["settings", "updated_at"])
        obj.refresh_from_db()


@admin.register(AcademicDepartment, ProcessingDepartment)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "institution")
    list_filter = ("institution",)
    list_select_related = ("institution",)
    search_fields = ("code", "name")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "start_date", "end_date", "institution")
    list_filter = ("institution",)
    list_select_related = ("institution",)
    search_fields = ("code", "name")
