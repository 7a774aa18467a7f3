"""LTI endpoints: login initiation, launch, key set, configuration, landing pages."""

from __future__ import annotations

from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readings.core.exceptions import Forbidden, InvalidInput, NotFound
from readings.courses.access import access_course_by_id
from readings.institutions.selectors import institution_today
from readings.lists.models import ReadingList
from readings.lists.selectors import course_list_rows
from readings.lti import errors
from readings.lti.configuration import base_url, tool_configuration, tool_urls
from readings.lti.context_setup import (
    context_course_create,
    context_list_pick,
    context_list_rollover,
)
from readings.lti.launch import (
    AcceptedLaunch,
    frame_ancestors,
    handoff_reference,
    handoff_token,
    is_framed,
    launch_validate,
    login_start,
    record_login_refusal,
    set_state_cookie,
    state_cookie_clear,
)
from readings.lti.middleware import EMBED_SESSION_KEY, embedding_enabled
from readings.lti.models import ContextLink, LaunchRecord
from readings.lti.registration import invitation_institution, register_dynamically
from readings.lti.roster import roster_sync_due
from readings.lti.selectors import (
    context_list_choices,
    context_rollover_source,
    deep_linking_choices,
    tool_jwks,
)
from readings.lti.services import deep_linking_answer, new_reference, tool_key_current
from readings.lti.tasks import roster_sync_task

SESSION_KEY = "lti"
BACKEND = "readings.accounts.backends.AccountBackend"


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party initiated login: check the platform, redirect to its auth endpoint."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        start = login_start(request, params)
    except errors.LtiError as exc:
        return _refused(request, exc, record_login_refusal(request, exc))
    response = HttpResponseRedirect(start.url)
    set_state_cookie(request, response, start.state)
    return response


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform posts the id_token here; only a fully valid launch signs anyone in."""
    reference = new_reference()
    try:
        accepted = launch_validate(
            request, reference, sign_in=lambda accepted: _sign_in_here(request, accepted)
        )
    except errors.LtiError as exc:
        return _refused(request, exc, reference)
    outcome = accepted.outcome
    landing = outcome.record.landing
    if outcome.context is not None and roster_sync_due(outcome.context):
        context_id = outcome.context.pk
        transaction.on_commit(lambda: roster_sync_task.enqueue(context_id))
    if outcome.user is None:
        return redirect(landing)  # anonymous launch allowed by the platform: public view only
    if not _session_possible(request, accepted):
        # No session can live in this frame: continue in a first-party window.
        return _new_window(request, outcome.record)
    if is_framed(request):
        request.session[EMBED_SESSION_KEY] = frame_ancestors(accepted.platform)
        landing = reverse("lti:check", args=[handoff_token(outcome.record.reference)])
    response = redirect(landing)
    state_cookie_clear(request, response, request.POST["state"])
    return response


def _session_possible(request: HttpRequest, accepted: AcceptedLaunch) -> bool:
    """False when the browser kept no cookie from the login, or frames may not hold one."""
    return accepted.browser_bound and not (is_framed(request) and not embedding_enabled())


def _sign_in_here(request: HttpRequest, accepted: AcceptedLaunch) -> None:
    # In the launch's transaction: the session and last_login are written with the launch
    # record, in one commit (SessionMiddleware then finds the session already saved).
    if accepted.outcome.user is not None and _session_possible(request, accepted):
        _sign_in(request, accepted)
        request.session.save()


def _new_window(request: HttpRequest, record: LaunchRecord) -> HttpResponse:
    url = reverse("lti:handoff", args=[handoff_token(record.reference)])
    return render(request, "lti/new_window.html", {"url": url, "record": record})


@xframe_options_exempt
@never_cache
@require_GET
def check(request: HttpRequest, token: str) -> HttpResponse:
    """After a launch in a frame: land if the session cookie stuck, else offer a new window."""
    try:
        record = LaunchRecord.objects.filter(reference=handoff_reference(token)).first()
    except errors.LtiError as exc:
        return _refused(request, exc, "")
    if record is None or record.user_id is None:
        return _refused(request, errors.UnknownState("No such launch."), "")
    if request.user.is_authenticated and request.user.pk == record.user_id:
        return redirect(record.landing or reverse("courses:home"))
    return _new_window(request, record)


def _sign_in(request: HttpRequest, accepted: AcceptedLaunch) -> None:
    # login() gives the session a new key: nothing from before the launch carries over.
    auth_login(request, accepted.outcome.user, backend=BACKEND)
    request.session[SESSION_KEY] = _session_data(
        accepted.outcome.record, context=accepted.outcome.context
    )


def _session_data(record: LaunchRecord, *, context: ContextLink | None = None) -> dict:
    if context is None and record.context_id:
        context = ContextLink.objects.filter(
            platform_id=record.platform_id, context_id=record.context_id
        ).first()
    return {
        "platform": record.platform_id,
        "reference": record.reference,
        "role": record.role,
        "course": record.course_id,
        "context": context.pk if context and record.context_id else None,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def handoff(request: HttpRequest, token: str) -> HttpResponse:
    """Continue a cookie-less launch in a new window: confirm who, then sign in once."""
    try:
        reference = handoff_reference(token)
        record = LaunchRecord.objects.select_related("user").filter(reference=reference).first()
        if record is None or record.user is None or record.handoff_used_at is not None:
            raise errors.UnknownState("This link was already used; open the LMS link again.")
    except errors.LtiError as exc:
        return _refused(request, exc, "")
    if request.method == "GET":
        return render(request, "lti/handoff.html", {"record": record})
    used = LaunchRecord.objects.filter(pk=record.pk, handoff_used_at__isnull=True).update(
        handoff_used_at=timezone.now()
    )
    if not used:
        return _refused(request, errors.UnknownState("This link was already used."), "")
    auth_login(request, record.user, backend=BACKEND)
    request.session[SESSION_KEY] = _session_data(record)
    return redirect(record.landing or reverse("courses:home"))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (current and recently rotated), for platforms to verify us."""
    tool_key_current()
    response = JsonResponse(tool_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def config_page(request: HttpRequest) -> HttpResponse:
    return render(request, "lti/config.html", {"config": tool_configuration(request)})


@require_GET
def config_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(tool_configuration(request), json_dumps_params={"indent": 2})


@xframe_options_exempt
@login_required
def course_landing(request: HttpRequest, course_id: int) -> HttpResponse:
    """After a launch into a course with several lists (a chooser) or none."""
    course = access_course_by_id(request.user, course_id)
    rows = course_list_rows(
        user=request.user, course=course, today=institution_today(course.institution)
    )
    if len(rows) == 1:
        return redirect("lists:detail", rows[0].reading_list.pk)
    launch_data = request.session.get(SESSION_KEY) or {}
    return render(
        request,
        "lti/course.html",
        {
            "course": course,
            "rows": rows,
            "instructor": launch_data.get("course") == course.pk
            and launch_data.get("role") == "instructor",
        },
    )


@xframe_options_exempt
@login_required
@require_http_methods(["GET", "POST"])
def context_landing(request: HttpRequest, context_id: int) -> HttpResponse:
    """An LMS course with no Readings course yet: students are told, instructors set it up."""
    launch_data = request.session.get(SESSION_KEY) or {}
    if launch_data.get("context") != context_id:
        raise NotFound("No such LMS course in this session.")
    context = get_object_or_404(
        ContextLink.objects.select_related("platform__institution"), pk=context_id
    )
    if context.course_id is not None:
        return redirect("lti:course", context.course_id)
    instructor = launch_data.get("role") == "instructor"
    if request.method == "POST":
        if not instructor:
            raise Forbidden("Only an instructor of this LMS course can set up its reading list.")
        return redirect("lists:detail", _set_up_context(request, context).pk)
    if not instructor:
        return render(request, "lti/context.html", {"context": context})
    today = institution_today(context.platform.institution)
    return render(
        request,
        "lti/context.html",
        {
            "context": context,
            "instructor": True,
            "choices": context_list_choices(user=request.user, context=context),
            "rollover": context_rollover_source(user=request.user, context=context, today=today),
        },
    )


def _set_up_context(request: HttpRequest, context: ContextLink) -> ReadingList:
    """Create the course with a new list, an existing list, or last term's list copied."""
    choice = request.POST.get("choice", "create")
    if choice == "create":
        return context_course_create(context=context, acting_user=request.user)
    raw_id = request.POST.get("list", "")
    list_id = int(raw_id) if raw_id.isdigit() else 0
    if choice == "pick":
        return context_list_pick(context=context, list_id=list_id, acting_user=request.user)
    if choice == "rollover":
        return context_list_rollover(context=context, list_id=list_id, acting_user=request.user)
    raise InvalidInput({"choice": ["Choose one of the offered ways."]})


@xframe_options_exempt
@login_required
@require_http_methods(["GET", "POST"])
def deep_linking_pick(request: HttpRequest, reference: str) -> HttpResponse:
    """An instructor picks lists, sections or citations; the LMS gets signed links back."""
    record = (
        LaunchRecord.objects.select_related("platform", "course")
        .filter(reference=reference, user=request.user, deep_linking__isnull=False)
        .first()
    )
    if record is None or record.deep_linking_answered_at is not None:
        raise NotFound("No open deep-linking request.")
    if request.method == "POST":
        return_url, token = deep_linking_answer(
            record=record,
            acting_user=request.user,
            targets=request.POST.getlist("item"),
            launch_url=tool_urls(base_url(request))["launch_url"],
        )
        return render(
            request, "lti/deep_linking_return.html", {"return_url": return_url, "jwt": token}
        )
    lists = deep_linking_choices(user=request.user, course=record.course)
    return render(
        request,
        "lti/deep_linking.html",
        {"record": record, "lists": lists, "multiple": record.deep_linking["accept_multiple"]},
    )


def _refused(request: HttpRequest, exc: errors.LtiError, reference: str) -> HttpResponse:
    return render(
        request,
        "lti/refused.html",
        {"error": exc, "reference": reference},
        status=exc.status,
    )


@xframe_options_exempt
@never_cache
@require_GET
def dynamic_registration(request: HttpRequest) -> HttpResponse:
    """LTI Dynamic Registration: the LMS opens this with its configuration URL and a token."""
    try:
        institution = invitation_institution(request.GET.get("invitation", ""))
        if not request.GET.get("openid_configuration"):
            raise errors.RegistrationRefused("The LMS did not send openid_configuration.")
        platform = register_dynamically(
            institution=institution,
            openid_configuration=request.GET["openid_configuration"],
            registration_token=request.GET.get("registration_token", ""),
            base=base_url(request),
        )
    except errors.LtiError as exc:
        return _refused(request, exc, "")
    return render(request, "lti/registered.html", {"platform": platform})
