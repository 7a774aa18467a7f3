"""Reads for reader engagement: one user's state over a whole list in a few queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from readings.accounts.models import User
from readings.citations.models import Citation, CitationStatus
from readings.engagement.models import Comment, Completion, Discussion, Like, PrivateNote
from readings.lists.access import AnyUser
from readings.lists.models import ReadingList


def reader_visible_citations(reading_list: ReadingList, today: datetime.date) -> QuerySet:
    """The list's citations a student sees today: lists.visibility's rules as one filter."""
    shown = ~Q(status=CitationStatus.INACTIVE)
    if reading_list.institution.require_library_completion:
        shown &= Q(status=CitationStatus.COMPLETE)
    shown &= Q(section__start_date__isnull=True) | Q(section__start_date__lte=today)
    shown &= Q(section__end_date__isnull=True) | Q(section__end_date__gte=today)
    return Citation.objects.filter(shown, reading_list=reading_list)


def list_engagement_state(
    *,
    user: AnyUser,
    reading_list: ReadingList,
    reader_only: bool,
    today: datetime.date,
) -> dict:
    """What the list page overlays on its shared, cached items for this user.

    Everything is restricted to the items this user may see, so counts and ids
    of hidden items never reach a student. Private notes are the user's own.
    """
    citations = (
        reader_visible_citations(reading_list, today)
        if reader_only
        else Citation.objects.filter(reading_list=reading_list)
    )
    visible = set(citations.values_list("pk", flat=True))
    of_list = {"citation__reading_list": reading_list}
    # Nobody's likes are "mine" when signed out (a like always has a user).
    mine = Q(user=user) if user.is_authenticated else Q(user__isnull=True)
    likes, liked = {}, []
    # Counts and the user's own likes in one pass over the list's likes.
    for cid, n, own in (
        Like.objects.filter(**of_list)
        .values_list("citation_id")
        .annotate(n=Count("pk"), own=Count("pk", filter=mine))
        .values_list("citation_id", "n", "own")
    ):
        if cid in visible:
            likes[cid] = n
            if own:
                liked.append(cid)
    comments = {
        cid: n
        for cid, n in Comment.objects.filter(
            discussion__citation__reading_list=reading_list, hidden_at__isnull=True
        )
        .values_list("discussion__citation_id")
        .annotate(n=Count("pk"))
        .values_list("discussion__citation_id", "n")
        if cid in visible
    }
    list_comments = Comment.objects.filter(
        discussion__reading_list=reading_list, hidden_at__isnull=True
    ).count()
    state = {
        "signed_in": user.is_authenticated,
        "done": [],
        "liked": sorted(liked),
        "notes": {},
        "likes": likes,
        "comments": comments,
        "list_comments": list_comments,
    }
    if user.is_authenticated:
        own_rows = {"user": user, **of_list}
        state["done"] = sorted(
            c
            for c in Completion.objects.filter(**own_rows).values_list("citation_id", flat=True)
            if c in visible
        )
        state["notes"] = {
            c: text
            for c, text in PrivateNote.objects.filter(**own_rows).values_list("citation_id", "text")
            if c in visible
        }
    return state


def private_note_text(*, user: User, citation: Citation) -> str:
    return (
        PrivateNote.objects.filter(user=user, citation=citation)
        .values_list("text", flat=True)
        .first()
        or ""
    )


def citation_flags(*, user: AnyUser, citation: Citation) -> dict:
    """Done and liked for one item (the no-JavaScript pages), with its like count."""
    mine = user.is_authenticated
    return {
        "done": mine and Completion.objects.filter(user=user, citation=citation).exists(),
        "liked": mine and Like.objects.filter(user=user, citation=citation).exists(),
        "likes": Like.objects.filter(citation=citation).count(),
    }


def discussion_comments(*, discussion: Discussion | None, moderator: bool) -> list[Comment]:
    """Oldest first; comments hidden by a moderator only for the moderators."""
    if discussion is None:
        return []
    comments = Comment.objects.filter(discussion=discussion).select_related("author")
    if not moderator:
        comments = comments.filter(hidden_at__isnull=True)
    return list(comments.order_by("created_at", "pk"))


def find_discussion(
    *, reading_list: ReadingList | None = None, citation: Citation | None = None
) -> Discussion | None:
    """The discussion, if anyone has started it (looking never creates one)."""
    lookup = {"citation": citation} if citation is not None else {"reading_list": reading_list}
    return Discussion.objects.filter(**lookup).first()
