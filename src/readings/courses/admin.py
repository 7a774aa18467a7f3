from django.contrib import admin

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
    list_display = ("code", "section", "title", "academic_department", "start_date", "end_date")
    list_filter = ("institution", "academic_department", "processing_department", "terms")
    search_fields = ("code", "section", "title", "searchable_ids__value")
    filter_horizontal = ("terms", "instructors")
    raw_id_fields = ("rolled_from",)
    inlines = [SearchableIdInline, CampusInline]

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
    list_display = ("course", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("course__code", "user__username", "user__primary_id")
    raw_id_fields = ("course", "user")


@admin.register(SearchableId)
class SearchableIdAdmin(admin.ModelAdmin):
    list_display = ("value", "course")
    search_fields = ("value", "course__code")
    raw_id_fields = ("course",)


@admin.register(CourseCampus)
class CourseCampusAdmin(admin.ModelAdmin):
    list_display = ("campus", "course", "participants")
    raw_id_fields = ("course",)
