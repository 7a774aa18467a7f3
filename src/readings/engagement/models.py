"""What readers do with a list: mark items done, like them, keep private notes, discuss.

None of this is list content: writing it never bumps the list's version, so the
cached reader page stays valid. Rows hang off the citation (not the list) so
they follow an item moved to another list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

NOTE_MAX_LENGTH = 4000
COMMENT_MAX_LENGTH = 4000


class Completion(models.Model):
    """A reader marked an item as done."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    citation = models.ForeignKey(
        "citations.Citation", on_delete=models.CASCADE, related_name="completions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "citation"], name="completion_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} done {self.citation_id}"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    citation = models.ForeignKey(
        "citations.Citation", on_delete=models.CASCADE, related_name="likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "citation"], name="like_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.citation_id}"


class PrivateNote(models.Model):
    """A reader's own note on an item: shown to its author only, never to instructors."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    citation = models.ForeignKey(
        "citations.Citation", on_delete=models.CASCADE, related_name="private_notes"
    )
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "citation"], name="private_note_per_user")
        ]

    def __str__(self) -> str:
        return f"Private note {self.pk}"


class Discussion(models.Model):
    """Comments about a whole list or about one item (exactly one of the two)."""

    reading_list = models.ForeignKey(
        "lists.ReadingList",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discussions",
    )
    citation = models.ForeignKey(
        "citations.Citation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discussions",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(reading_list__isnull=True) & Q(citation__isnull=False))
                | (Q(reading_list__isnull=False) & Q(citation__isnull=True)),
                name="discussion_of_list_or_citation",
            ),
            models.UniqueConstraint(
                fields=["reading_list"],
                condition=Q(reading_list__isnull=False),
                name="one_discussion_per_list",
            ),
            models.UniqueConstraint(
                fields=["citation"],
                condition=Q(citation__isnull=False),
                name="one_discussion_per_citation",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Discussion of citation {self.citation_id}"
            if self.citation_id
            else (f"Discussion of list {self.reading_list_id}")
        )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Comment(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by a moderator: kept for the editors, gone for everyone else.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["discussion", "created_at"], name="comment_by_time")]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
