from django.contrib import admin

from readings.courses.forms import CourseAdminForm, EnrollmentAdminForm, SearchableIdAdminForm
from readings.courses.models import Course, CourseCampus, Enrollment, SearchableId


class SearchableIdInline(admin.TabularInline):
    model = SearchableId
    extra = 0
    fields = ("value",)


class CampusInline(admin.TabularInline):
    model = CourseCampus
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ("code", "section", "title", "academic_department", "start_date", "end_date")
    list_filter = ("institution", "academic_department", "processing_department", "terms")
    list_select_related = ("academic_department",)
    search_fields = ("code", "section", "title", "searchable_ids__value")
    filter_horizontal = ("terms", "instructors")
    raw_id_fields = ("rolled_from",)
    inlines = [SearchableIdInline, CampusInline]

    def get_readonly_fields(self, request, obj=None):
        # Lists, enrolments and ids hang off the course; it cannot change institution.
        return () if obj is None else ("institution",)

    def save_formset(self, request, form, formset, change):
        # Searchable ids carry the course's institution for fast lookups.
        for obj in formset.save(commit=False):
            if isinstance(obj, SearchableId):
                obj.institution_id = form.instance.institution_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    form = EnrollmentAdminForm
    list_display = ("course", "user", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("course", "user")
    search_fields = ("course__code", "user__username", "user__primary_id")
    raw_id_fields = ("course", "user")


@admin.register(SearchableId)
class SearchableIdAdmin(admin.ModelAdmin):
    form = SearchableIdAdminForm
    list_display = ("value", "course")
    list_select_related = ("course",)
    search_fields = ("value", "course__code")
    raw_id_fields = ("course",)

    def save_model(self, request, obj, form, change):
        obj.institution_id = obj.course.institution_id
        super().save_model(request, obj, form, change)


@admin.register(CourseCampus)
class CourseCampusAdmin(admin.ModelAdmin):
    list_display = ("campus", "course", "participants")
    list_select_related = ("course",)
    search_fields = ("campus", "course__code")
    raw_id_fields = ("course",)
