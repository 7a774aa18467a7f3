"""Writes for reader engagement. Callers check access first (engagement.access).

None of these touch the list row: engagement is not list content, so the
list's version and the cached reader page are left alone.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.core.exceptions import Conflict, InvalidInput
from readings.engagement.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Comment,
    Completion,
    Discussion,
    Like,
    PrivateNote,
)
from readings.lists.models import ReadingList


def _set_flag(model, *, user: User, citation: Citation, on: bool | None) -> bool:
    """Add or remove a (user, citation) row; ``on=None`` toggles. Returns the new state."""
    rows = model.objects.filter(user=user, citation=citation)
    if on is None:
        on = not rows.exists()
    if not on:
        rows.delete()
        return False
    try:
        with transaction.atomic():
            model.objects.get_or_create(user=user, citation=citation)
    except IntegrityError:
        pass  # a double click raced us to it: the row exists, which is what was asked
    return True


def citation_mark_done(*, user: User, citation: Citation, done: bool | None = None) -> bool:
    return _set_flag(Completion, user=user, citation=citation, on=done)


def citation_like(*, user: User, citation: Citation, liked: bool | None = None) -> tuple[bool, int]:
    """Like or unlike; returns (liked, how many people like it now)."""
    liked = _set_flag(Like, user=user, citation=citation, on=liked)
    return liked, Like.objects.filter(citation=citation).count()


def private_note_save(*, user: User, citation: Citation, text: str) -> PrivateNote | None:
    """Save the reader's own note; an empty note deletes it."""
    text = text.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidInput(
            {"text": [_("Keep the note under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}]}
        )
    if not text:
        PrivateNote.objects.filter(user=user, citation=citation).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(
        user=user, citation=citation, defaults={"text": text}
    )
    return note


def discussion_get_or_create(
    *, reading_list: ReadingList | None = None, citation: Citation | None = None
) -> Discussion:
    if (reading_list is None) == (citation is None):
        raise ValueError("A discussion is about a list or a citation, not both.")
    lookup = {"citation": citation} if citation is not None else {"reading_list": reading_list}
    try:
        with transaction.atomic():
            return Discussion.objects.get_or_create(**lookup)[0]
    except IntegrityError:
        return Discussion.objects.get(**lookup)


def comment_post(*, user: User, discussion: Discussion, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise InvalidInput({"body": [_("Write something before posting.")]})
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            {"body": [_("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX_LENGTH}]}
        )
    with transaction.atomic():
        # Lock the discussion so a comment cannot slip in after it was closed.
        locked = Discussion.objects.select_for_update().get(pk=discussion.pk)
        if locked.is_closed:
            raise Conflict(_("This discussion is closed."), code="discussion_closed")
        return Comment.objects.create(discussion=locked, author=user, body=body)


def comment_set_hidden(*, comment: Comment, by: User, hidden: bool) -> Comment:
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_by = by if hidden else None
    comment.save(update_fields=["hidden_at", "hidden_by"])
    return comment


def comment_delete(*, comment: Comment) -> None:
    comment.delete()


def discussion_set_closed(*, discussion: Discussion, by: User, closed: bool) -> Discussion:
    discussion.closed_at = timezone.now() if closed else None
    discussion.closed_by = by if closed else None
    discussion.save(update_fields=["closed_at", "closed_by"])
    return discussion
