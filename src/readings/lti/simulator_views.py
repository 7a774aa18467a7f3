"""The LMS simulator's pages: choose who launches into what, then a real signed launch."""

from __future__ import annotations

from urllib.parse import urlencode

import jwt
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from readings.accounts.models import User
from readings.core.exceptions import Forbidden, NotFound
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lti import claims as c
from readings.lti.configuration import base_url, tool_urls
from readings.lti.models import Platform
from readings.lti.selectors import tool_jwks
from readings.lti.simulator import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    ROLES,
    id_token,
    message_hint,
    read_message_hint,
    simulator_enabled,
    simulator_platform,
)

_CHOICES = ("user_id", "name", "email", "course_id", "context_label", "role", "readings_target")


def _require_simulator(request: HttpRequest) -> Institution:
    if not simulator_enabled():
        raise NotFound("The LMS simulator is off.")
    user = request.user
    if not (user.is_staff or user.is_superuser or user.is_administrator):
        raise Forbidden("The LMS simulator is for administrators.")
    institution = user.institution or Institution.objects.order_by("pk").first()
    if institution is None:
        raise NotFound("There is no institution yet.")
    return institution


@login_required
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    """Pick a person, a course and a role; launch as the LMS would."""
    institution = _require_simulator(request)
    base = base_url(request)
    platform = simulator_platform(institution, base)
    if request.method == "GET":
        return render(
            request,
            "lti/simulator.html",
            {
                "platform": platform,
                "users": User.objects.filter(institution=institution).order_by("username")[:300],
                "courses": Course.objects.filter(institution=institution)[:300],
                "roles": ROLES,
            },
        )
    choices = {key: request.POST.get(key, "") for key in _CHOICES}
    choices["role"] = choices["role"] if choices["role"] in ROLES else "Learner"
    deep_linking = request.POST.get("message_type") == "deep_linking"
    urls = tool_urls(base)
    if deep_linking:
        choices["message_type"] = c.DEEP_LINKING_REQUEST
        choices["return_url"] = base + reverse("lti:simulator_deep_links")
    login_url = (
        urls["login_url"]
        + "?"
        + urlencode(
            {
                "iss": platform.issuer,
                "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT_ID,
                "login_hint": "simulated-person",
                "target_link_uri": urls["deep_linking_url" if deep_linking else "launch_url"],
                "lti_message_hint": message_hint(**choices),
            }
        )
    )
    if request.POST.get("frame") == "iframe":
        return render(request, "lti/simulator_frame.html", {"src": login_url, "platform": platform})
    return redirect(login_url)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def simulator_auth(request: HttpRequest) -> HttpResponse:
    """The simulated LMS's OIDC authorisation endpoint: answers with a signed id_token."""
    if not simulator_enabled():
        raise NotFound("The LMS simulator is off.")
    params = request.POST if request.method == "POST" else request.GET
    platform = Platform.objects.filter(
        client_id=params.get("client_id", ""), is_simulator=True
    ).first()
    urls = tool_urls(base_url(request))
    if platform is None or params.get("redirect_uri") not in (
        urls["launch_url"],
        urls["deep_linking_url"],
    ):
        raise NotFound("Unknown client or redirect URI.")
    try:
        choices = read_message_hint(params.get("lti_message_hint", ""))
    except signing.BadSignature as exc:
        raise NotFound("This simulated launch expired; start again.") from exc
    token = id_token(
        platform=platform,
        nonce=params.get("nonce", ""),
        target_link_uri=params["redirect_uri"],
        choices=choices,
    )
    return render(
        request,
        "lti/autopost.html",
        {
            "action": params["redirect_uri"],
            "fields": {"id_token": token, "state": params.get("state", "")},
        },
    )


@csrf_exempt
@xframe_options_exempt
@require_POST
def simulator_deep_links(request: HttpRequest) -> HttpResponse:
    """Where the simulated LMS receives deep links: verified with Readings' published keys."""
    if not simulator_enabled():
        raise NotFound("The LMS simulator is off.")
    token = request.POST.get("JWT", "")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        jwk = next(k for k in tool_jwks()["keys"] if k["kid"] == kid)
        payload = jwt.decode(
            token,
            jwt.PyJWK(jwk).key,
            algorithms=["RS256"],
            audience=[p.issuer for p in Platform.objects.filter(is_simulator=True)],
        )
    except (jwt.InvalidTokenError, StopIteration) as exc:
        return render(request, "lti/simulator_links.html", {"error": str(exc)}, status=400)
    items = payload.get("https://purl.imsglobal.org/spec/lti-dl/claim/content_items", [])
    return render(request, "lti/simulator_links.html", {"items": items})
