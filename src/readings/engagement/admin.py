"""Admin for moderation only: private notes are deliberately not registered."""

from django.contrib import admin

from readings.engagement.models import Comment, Discussion


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ("author", "body", "created_at", "hidden_at")
    readonly_fields = ("author", "body", "created_at")
    extra = 0


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = ("pk", "reading_list", "citation", "closed_at", "created_at")
    raw_id_fields = ("reading_list", "citation", "closed_by")
    inlines = [CommentInline]
