"""Who may take part: whoever may see the item or list, signed in at its institution.

Reading a discussion follows the list's own rules (a list open to the world
shows its discussion to anyone). Writing needs an account at the list's
institution; moderating (hide, delete any comment, close) needs edit rights on
the list. A comment is reached through what it is about, so its id never
opens a discussion the user could not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from readings.citations.access import access_citation_by_id
from readings.citations.models import Citation
from readings.core.exceptions import Forbidden, NotFound
from readings.engagement.models import Comment, Discussion
from readings.lists.access import AnyUser, ListAccess, access_list_by_id
from readings.lists.models import ReadingList


@dataclass(frozen=True)
class EngagementAccess:
    view: bool = False
    take_part: bool = False  # done, like, notes, comments
    moderate: bool = False


def engagement_access(
    user: AnyUser, reading_list: ReadingList, access: ListAccess
) -> EngagementAccess:
    if not access.view:
        return EngagementAccess()
    member = user.is_authenticated and (
        user.is_superuser or user.institution_id == reading_list.institution_id
    )
    return EngagementAccess(
        view=True, take_part=bool(member), moderate=bool(member and access.edit)
    )


def require_take_part(granted: EngagementAccess) -> None:
    if not granted.take_part:
        raise Forbidden(gettext("Only signed-in members of the institution can take part."))


def access_list_engagement(
    user: AnyUser, list_id: int
) -> tuple[ReadingList, ListAccess, EngagementAccess]:
    reading_list, access = access_list_by_id(user, list_id)
    return reading_list, access, engagement_access(user, reading_list, access)


def access_citation_engagement(
    user: AnyUser, citation_id: int
) -> tuple[Citation, EngagementAccess]:
    """A citation as its list page would show it to this user (404 otherwise)."""
    citation, access = access_citation_by_id(user, citation_id)
    return citation, engagement_access(user, citation.reading_list, access)


def access_discussion(user: AnyUser, discussion: Discussion) -> EngagementAccess:
    if discussion.citation_id:
        return access_citation_engagement(user, discussion.citation_id)[1]
    return access_list_engagement(user, discussion.reading_list_id)[2]


def access_discussion_by_id(
    user: AnyUser, discussion_id: int
) -> tuple[Discussion, EngagementAccess]:
    discussion = Discussion.objects.filter(pk=discussion_id).first()
    if discussion is None:
        raise NotFound(gettext("No such discussion."))
    return discussion, access_discussion(user, discussion)


@dataclass(frozen=True)
class CommentAccess:
    delete: bool = False
    moderate: bool = False


def access_comment_by_id(user: AnyUser, comment_id: int) -> tuple[Comment, CommentAccess]:
    """A comment this user may act on.

    404 unless they can see it; 403 unless it is theirs or they moderate the list.
    """
    comment = Comment.objects.select_related("discussion").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(gettext("No such comment."))
    granted = access_discussion(user, comment.discussion)
    if comment.is_hidden and not granted.moderate:
        raise NotFound(gettext("No such comment."))
    own = user.is_authenticated and comment.author_id == user.pk and granted.take_part
    if not (own or granted.moderate):
        raise Forbidden(gettext("Only its author or the list's editors can change this comment."))
    return comment, CommentAccess(delete=True, moderate=granted.moderate)
