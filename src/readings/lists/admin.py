"""Lists, sections, members and course links in the admin, written through lists.services.

Sections keep contiguous positions and every change bumps the list's version,
exactly as when the same change is made anywhere else in Readings.
"""

from django.contrib import admin

from readings.lists.forms import (
    LIST_UPDATE_FIELDS,
    SECTION_UPDATE_FIELDS,
    ListCourseAdminForm,
    ListCourseFormSet,
    ListMemberAdminForm,
    ListMemberFormSet,
    ReadingListAdminForm,
    SectionAdminForm,
)
from readings.lists.models import (
    ListCourse,
    ListInvitation,
    ListMember,
    ReadingList,
    Section,
    Tag,
)
from readings.lists.services import (
    list_create,
    list_delete,
    list_link_course,
    list_unlink_course,
    list_update,
    member_remove,
    member_set,
    section_create,
    section_delete,
    section_move,
    section_set_tags,
    section_update,
)


class MemberInline(admin.TabularInline):
    model = ListMember
    formset = ListMemberFormSet
    extra = 0
    raw_id_fields = ("user",)


class ListCourseInline(admin.TabularInline):
    model = ListCourse
    formset = ListCourseFormSet
    extra = 0
    raw_id_fields = ("course",)


@admin.register(ReadingList)
class ReadingListAdmin(admin.ModelAdmin):
    form = ReadingListAdminForm
    list_display = ("code", "name", "status", "publication_status", "visibility", "version")
    list_filter = ("institution", "status", "publication_status", "visibility")
    search_fields = ("code", "name", "subject")
    raw_id_fields = ("rolled_from",)
    inlines = [ListCourseInline, MemberInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("version",)
        return ("institution", "code", "rolled_from", "version")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changed = {k: data[k] for k in LIST_UPDATE_FIELDS if k in form.changed_data}
            if changed:
                list_update(list_id=obj.pk, **changed)
        else:
            created = list_create(
                acting_user=request.user,
                institution=data["institution"],
                code=data["code"],
                rolled_from=data.get("rolled_from"),
                **{k: data[k] for k in LIST_UPDATE_FIELDS},
            )
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        reading_list = form.instance
        if formset.model is ListCourse:
            _save_course_links(reading_list, formset)
        elif formset.model is ListMember:
            _save_members(reading_list, formset)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        list_delete(list_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            list_delete(list_id=pk)


def _save_course_links(reading_list, formset) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        old = form.instance.course if form.instance.pk else None
        new = form.cleaned_data.get("course")
        deleting = form.cleaned_data.get("DELETE")
        if old is not None and (deleting or new != old):
            list_unlink_course(reading_list=reading_list, course=old)
            formset.deleted_objects.append(form.instance)
        if new is not None and not deleting and new != old:
            list_link_course(reading_list=reading_list, course=new)
            formset.new_objects.append(ListCourse(reading_list=reading_list, course=new))


def _save_members(reading_list, formset) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    removals = []
    for form in formset.forms:
        old = form.instance.user if form.instance.pk else None
        new = form.cleaned_data.get("user")
        deleting = form.cleaned_data.get("DELETE")
        if old is not None and (deleting or new != old):
            removals.append(form.instance)
        if new is not None and not deleting and form.has_changed():
            member = member_set(reading_list=reading_list, user=new, role=form.cleaned_data["role"])
            if old == new:
                formset.changed_objects.append((member, form.changed_data))
            else:
                formset.new_objects.append(member)
    # Remove last, so a new owner is in place before the old one leaves.
    for member in removals:
        member_remove(reading_list=reading_list, user=member.user)
        formset.deleted_objects.append(member)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ("name", "reading_list", "position", "start_date", "end_date", "locked")
    list_select_related = ("reading_list",)
    search_fields = ("name", "reading_list__name", "reading_list__code")
    raw_id_fields = ("reading_list",)
    filter_horizontal = ("tags",)

    def get_readonly_fields(self, request, obj=None):
        return ("position",) if obj is None else ("reading_list", "position")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        place = data["place_at"] - 1 if data.get("place_at") else None
        if change:
            changed = {k: data[k] for k in SECTION_UPDATE_FIELDS if k in form.changed_data}
            if changed:
                section_update(section_id=obj.pk, **changed)
            if place is not None:
                section_move(section_id=obj.pk, position=place)
        else:
            created = section_create(
                reading_list=data["reading_list"],
                name=data["name"],
                description=data["description"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                position=place,
            )
            if data["locked"]:
                section_update(section_id=created.pk, locked=True)
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        section_set_tags(section=form.instance, tags=form.cleaned_data.get("tags") or [])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        section_delete(section_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            section_delete(section_id=pk)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "position", "institution")
    list_filter = ("institution", "kind")
    search_fields = ("code", "name")


@admin.register(ListMember)
class ListMemberAdmin(admin.ModelAdmin):
    form = ListMemberAdminForm
    list_display = ("reading_list", "user", "role")
    list_filter = ("role",)
    list_select_related = ("reading_list", "user")
    raw_id_fields = ("reading_list", "user")
    search_fields = ("reading_list__code", "user__username")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("reading_list", "user")

    def save_model(self, request, obj, form, change):
        member = member_set(
            reading_list=obj.reading_list, user=obj.user, role=form.cleaned_data["role"]
        )
        obj.pk = member.pk

    def delete_model(self, request, obj):
        member_remove(reading_list=obj.reading_list, user=obj.user)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("reading_list", "user"):
            member_remove(reading_list=member.reading_list, user=member.user)


@admin.register(ListCourse)
class ListCourseAdmin(admin.ModelAdmin):
    form = ListCourseAdminForm
    list_display = ("reading_list", "course")
    list_select_related = ("reading_list", "course")
    raw_id_fields = ("reading_list", "course")
    search_fields = ("reading_list__code", "course__code")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("reading_list", "course")

    def save_model(self, request, obj, form, change):
        if not change:
            list_link_course(reading_list=obj.reading_list, course=obj.course)
            obj.pk = ListCourse.objects.get(reading_list=obj.reading_list, course=obj.course).pk

    def delete_model(self, request, obj):
        list_unlink_course(reading_list=obj.reading_list, course=obj.course)

    def delete_queryset(self, request, queryset):
        for link in queryset.select_related("reading_list", "course"):
            list_unlink_course(reading_list=link.reading_list, course=link.course)


@admin.register(ListInvitation)
class ListInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "reading_list", "role", "expires_at", "accepted_at")
    raw_id_fields = ("reading_list", "invited_by", "accepted_by")
    readonly_fields = ("token",)
