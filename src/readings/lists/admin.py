from django.contrib import admin

from readings.lists.models import ListCourse, ListMember, ReadingList, Section, Tag


class MemberInline(admin.TabularInline):
    model = ListMember
    extra = 0
    raw_id_fields = ("user",)


class ListCourseInline(admin.TabularInline):
    model = ListCourse
    extra = 0
    raw_id_fields = ("course",)


@admin.register(ReadingList)
class ReadingListAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "status", "publication_status", "visibility", "version")
    list_filter = ("institution", "status", "publication_status", "visibility")
    search_fields = ("code", "name", "subject")
    readonly_fields = ("version",)
    raw_id_fields = ("rolled_from",)
    inlines = [ListCourseInline, MemberInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "reading_list", "position", "start_date", "end_date", "locked")
    search_fields = ("name", "reading_list__name")
    raw_id_fields = ("reading_list",)
    readonly_fields = ("position",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "position", "institution")
    list_filter = ("institution", "kind")


@admin.register(ListMember)
class ListMemberAdmin(admin.ModelAdmin):
    list_display = ("reading_list", "user", "role")
    list_filter = ("role",)
    raw_id_fields = ("reading_list", "user")
