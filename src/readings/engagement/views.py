"""Reader engagement pages and actions.

Every action is a plain form POST that redirects back (with a message saying
what changed, since the shared list page cannot show per-user state without
JavaScript); reader.js sends the same POSTs with ``Accept: application/json``
and gets the new state back instead.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readings.citations.models import Citation
from readings.core.exceptions import Forbidden, InvalidInput, NotFound
from readings.engagement import selectors, services
from readings.engagement.access import (
    EngagementAccess,
    access_citation_engagement,
    access_comment_by_id,
    access_discussion_by_id,
    access_list_engagement,
    require_take_part,
)
from readings.engagement.models import Discussion
from readings.institutions.selectors import institution_today


def _sign_in_when_hidden(view):
    """Pages (not actions): signed out, what is hidden asks for sign-in, as the list page does."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            if request.user.is_authenticated or request.method != "GET":
                raise
            return redirect_to_login(request.get_full_path())

    return wrapped


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _flag(request: HttpRequest, name: str) -> bool | None:
    """An explicit on/off from the form, or None (toggle) when the form does not say."""
    value = request.POST.get(name, "").strip().lower()
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    return None


def _item_url(citation: Citation) -> str:
    return reverse("lists:detail", args=[citation.reading_list_id]) + f"#c{citation.pk}"


def _sign_in_first(request: HttpRequest, granted: EngagementAccess, back: str):
    """Signed-out readers of an open list are sent to sign in; others must be members."""
    if not request.user.is_authenticated and not _wants_json(request):
        return redirect_to_login(back)
    require_take_part(granted)
    return None


@require_POST
def citation_done(request: HttpRequest, citation_id: int) -> HttpResponse:
    citation, granted = access_citation_engagement(request.user, citation_id)
    if sign_in := _sign_in_first(request, granted, _item_url(citation)):
        return sign_in
    done = services.citation_mark_done(
        user=request.user, citation=citation, done=_flag(request, "done")
    )
    if _wants_json(request):
        return JsonResponse({"citation": citation.pk, "done": done})
    messages.success(
        request,
        (_("Marked “%(title)s” as done.") if done else _("“%(title)s” is no longer marked done."))
        % {"title": citation.title},
    )
    return HttpResponseRedirect(_item_url(citation))


@require_POST
def citation_like(request: HttpRequest, citation_id: int) -> HttpResponse:
    citation, granted = access_citation_engagement(request.user, citation_id)
    if sign_in := _sign_in_first(request, granted, _item_url(citation)):
        return sign_in
    liked, likes = services.citation_like(
        user=request.user, citation=citation, liked=_flag(request, "liked")
    )
    if _wants_json(request):
        return JsonResponse({"citation": citation.pk, "liked": liked, "likes": likes})
    messages.success(
        request,
        (_("You like “%(title)s”.") if liked else _("You no longer like “%(title)s”."))
        % {"title": citation.title},
    )
    return HttpResponseRedirect(_item_url(citation))


@_sign_in_when_hidden
@never_cache
@require_http_methods(["GET", "POST"])
def citation_note(request: HttpRequest, citation_id: int) -> HttpResponse:
    """The reader's private note on an item: only its author ever reads it."""
    citation, granted = access_citation_engagement(request.user, citation_id)
    if sign_in := _sign_in_first(request, granted, request.get_full_path()):
        return sign_in
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            note = services.private_note_save(user=request.user, citation=citation, text=text)
        except InvalidInput as exc:
            if _wants_json(request):
                raise
            return _note_page(request, citation, text, exc.errors.get("text", []), status=400)
        if _wants_json(request):
            return JsonResponse({"citation": citation.pk, "note": note.text if note else ""})
        messages.success(request, _("Your private note is saved.") if note else _("Note deleted."))
        return HttpResponseRedirect(_item_url(citation))
    text = selectors.private_note_text(user=request.user, citation=citation)
    return _note_page(request, citation, text, [])


def _note_page(request, citation, text, errors, status=200) -> HttpResponse:
    context = {"citation": citation, "text": text, "errors": errors, "back": _item_url(citation)}
    return render(request, "engagement/note.html", context, status=status)


@never_cache
@require_GET
def list_state(request: HttpRequest, list_id: int) -> HttpResponse:
    """This user's done/liked/notes and the shared counts, for reader.js to overlay."""
    reading_list, access, granted = access_list_engagement(request.user, list_id)
    state = selectors.list_engagement_state(
        user=request.user,
        reading_list=reading_list,
        reader_only=access.reader_only,
        today=institution_today(reading_list.institution),
    )
    state["can_take_part"] = granted.take_part
    return JsonResponse(state)


@_sign_in_when_hidden
@never_cache
@require_http_methods(["GET", "POST"])
def list_discussion(request: HttpRequest, list_id: int) -> HttpResponse:
    reading_list, _access, granted = access_list_engagement(request.user, list_id)
    context = {
        "about_list": reading_list,
        "list": reading_list,
        "back": reverse("lists:detail", args=[reading_list.pk]),
    }
    return _discussion(request, granted, {"reading_list": reading_list}, context)


@_sign_in_when_hidden
@never_cache
@require_http_methods(["GET", "POST"])
def citation_discussion(request: HttpRequest, citation_id: int) -> HttpResponse:
    citation, granted = access_citation_engagement(request.user, citation_id)
    context = {
        "about_citation": citation,
        "list": citation.reading_list,
        "back": _item_url(citation),
    }
    return _discussion(request, granted, {"citation": citation}, context)


def _discussion(request, granted: EngagementAccess, about: dict, context: dict) -> HttpResponse:
    here = request.path
    discussion = selectors.find_discussion(**about)
    body, errors, status = "", [], 200
    if request.method == "POST":
        if sign_in := _sign_in_first(request, granted, here):
            return sign_in
        discussion = discussion or services.discussion_get_or_create(**about)
        body = request.POST.get("body", "")
        try:
            comment = services.comment_post(user=request.user, discussion=discussion, body=body)
        except InvalidInput as exc:
            if _wants_json(request):
                raise
            errors, status = exc.errors.get("body", []), 400
        else:
            if _wants_json(request):
                html = render(
                    request,
                    "engagement/_comment.html",
                    {"comment": comment, "moderator": granted.moderate, "can_delete": True},
                ).content.decode()
                return JsonResponse({"comment": comment.pk, "html": html}, status=201)
            messages.success(request, _("Your comment is posted."))
            return HttpResponseRedirect(f"{here}#comment-{comment.pk}")
    comments = selectors.discussion_comments(discussion=discussion, moderator=granted.moderate)
    context.update(
        discussion=discussion,
        comments=comments,
        granted=granted,
        body=body,
        errors=errors,
        here=here,
    )
    return render(request, "engagement/discussion.html", context, status=status)


def _discussion_url(discussion: Discussion) -> str:
    if discussion.citation_id:
        return reverse("engagement:citation_discussion", args=[discussion.citation_id])
    return reverse("engagement:list_discussion", args=[discussion.reading_list_id])


@require_POST
def discussion_close(request: HttpRequest, discussion_id: int) -> HttpResponse:
    discussion, granted = access_discussion_by_id(request.user, discussion_id)
    if not granted.moderate:
        raise Forbidden(_("Only the list's editors can close or reopen a discussion."))
    closed = _flag(request, "closed")
    closed = (not discussion.is_closed) if closed is None else closed
    services.discussion_set_closed(discussion=discussion, by=request.user, closed=closed)
    if _wants_json(request):
        return JsonResponse({"discussion": discussion.pk, "closed": closed})
    messages.success(request, _("Discussion closed.") if closed else _("Discussion reopened."))
    return HttpResponseRedirect(_discussion_url(discussion))


@require_POST
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, rights = access_comment_by_id(request.user, comment_id)
    if not rights.moderate:
        raise Forbidden(_("Only the list's editors can hide comments."))
    hidden = _flag(request, "hidden")
    hidden = (not comment.is_hidden) if hidden is None else hidden
    services.comment_set_hidden(comment=comment, by=request.user, hidden=hidden)
    if _wants_json(request):
        context = {"comment": comment, "moderator": True, "can_delete": True}
        html = render(request, "engagement/_comment.html", context).content.decode()
        return JsonResponse({"comment": comment.pk, "hidden": hidden, "html": html})
    messages.success(request, _("Comment hidden.") if hidden else _("Comment shown again."))
    return HttpResponseRedirect(f"{_discussion_url(comment.discussion)}#comment-{comment.pk}")


@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, _rights = access_comment_by_id(request.user, comment_id)
    discussion = comment.discussion
    services.comment_delete(comment=comment)
    if _wants_json(request):
        return JsonResponse({"comment": comment_id, "deleted": True})
    messages.success(request, _("Comment deleted."))
    return HttpResponseRedirect(_discussion_url(discussion))
