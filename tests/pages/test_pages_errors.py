"""Error pages match the site, and no query string or form input reaches a 500."""

from __future__ import annotations

import types
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.test import Client
from django.urls import include, path, reverse

from readings.config import urls as site_urls
from readings.core.exceptions import InvalidInput

LONG = "x" * 10_000
BAD_QUERIES = [
    ("page-not-a-number", "page=abc"),
    ("page-past-the-end", "page=999999"),
    ("page-negative", "page=-3"),
    ("page-overflowing-float", "page=1e999"),
    ("page-huge", "page=99999999999999999999999999999"),
    ("q-10000-chars", f"q={LONG}"),
    ("q-nul", "q=%00"),
    ("nul-everywhere", "q=a%00b&page=%00"),
    ("q-invalid-utf8", "q=%ED%A0%80"),
    ("q-unicode", "q=%E2%80%AE%F0%9F%93%9A%20caf%C3%A9"),
    ("q-like-wildcards", "q=%25%5F%5C"),
    ("repeated-keys", "q=a&q=b&page=1&page=2"),
    ("bracket-keys", "q[]=x&page[]=1"),
]


def _site_with(**views) -> types.ModuleType:
    """The site's URLs and error handlers plus test-only views that fail on purpose."""
    module = types.ModuleType("error_test_urls")
    module.urlpatterns = [
        *[path(f"fail/{name}/", view) for name, view in views.items()],
        path("", include(site_urls.urlpatterns)),
    ]
    for code in (400, 403, 404, 500):
        setattr(module, f"handler{code}", getattr(site_urls, f"handler{code}"))
    return module


def _boom(request):
    raise RuntimeError("a bug")


def _denied(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("odd")


def _invalid(request):
    raise InvalidInput({"isbn": ["'123' is not a valid ISBN."], "__all__": ["Check the form."]})


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = _site_with(
        boom=_boom, denied=_denied, suspicious=_suspicious, invalid=_invalid
    )


def _looks_like_the_site(html: str) -> None:
    assert "/static/readings/app.css" in html
    assert 'class="brand"' in html


# Health --------------------------------------------------------------------


def test_healthz_answers_ok_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_reports_a_database_that_does_not_answer(client, db):
    with mock.patch("readings.core.views.connection") as broken:
        broken.cursor.side_effect = DatabaseError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_healthz_accepts_only_reads(client, db):
    assert client.post("/healthz").status_code == 405


# Error pages -----------------------------------------------------------------


def test_an_unknown_address_gets_the_sites_not_found_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html
    _looks_like_the_site(html)


def test_a_crash_gets_the_sites_error_page_without_details(db, failing_site):
    client = Client(raise_request_exception=False)
    response = client.get("/fail/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "a bug" not in html
    # Its style is inline: the crash page must render even when static files are broken.
    assert 'class="brand"' in html
    assert "/static/" not in html


def test_permission_denied_gets_the_sites_forbidden_page(client, db, failing_site):
    response = client.get("/fail/denied/")
    assert response.status_code == 403
    _looks_like_the_site(response.content.decode())


def test_a_suspicious_request_gets_the_sites_bad_request_page(client, db, failing_site):
    response = client.get("/fail/suspicious/")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_an_unknown_host_gets_a_bad_request_page(client, db):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_invalid_input_lists_each_field_error(client, db, failing_site):
    response = client.get("/fail/invalid/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<strong>isbn</strong>: &#x27;123&#x27; is not a valid ISBN." in html
    assert "Check the form." in html


def test_invalid_input_answers_json_to_api_clients(client, db, failing_site):
    response = client.get("/fail/invalid/", headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"]["isbn"] == ["'123' is not a valid ISBN."]


def test_a_form_without_its_csrf_token_explains_itself(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form expired" in html
    _looks_like_the_site(html)


# Bad input never crashes -----------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "search", "course", "list", "open_list_signed_out"])
def test_odd_query_strings_never_crash_a_page(client, campus, page):
    if page != "open_list_signed_out":
        client.force_login(campus.users["student"])
    url = {
        "home": reverse("courses:home"),
        "search": reverse("courses:search"),
        "course": reverse("courses:detail", args=[campus.course.pk]),
        "list": reverse("lists:detail", args=[campus.published.pk]),
        "open_list_signed_out": reverse("lists:detail", args=[campus.open_list.pk]),
    }[page]
    statuses = {name: client.get(f"{url}?{query}").status_code for name, query in BAD_QUERIES}
    assert statuses == dict.fromkeys(statuses, 200)


def test_a_page_number_past_the_end_shows_the_last_page(client, campus):
    client.force_login(campus.users["student"])
    response = client.get(reverse("courses:search") + "?page=999999")
    assert response.context["page"].number == response.context["page"].paginator.num_pages


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"q={LONG}", "Ensure this value has at most 200 characters"),
        ("q=ab%00cd", "Null characters are not allowed."),
    ],
)
def test_bad_search_text_is_a_field_error(client, campus, query, message):
    client.force_login(campus.users["student"])
    response = client.get(reverse("courses:search") + "?" + query)
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/courses/99999999999999999999999999/",
        "/lists/99999999999999999999999999/",
        "/courses/0/",
    ],
)
def test_ids_out_of_range_are_simply_not_found(client, campus, path):
    client.force_login(campus.users["student"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        (LONG, "x", "Please enter a correct username and password."),
        ("stu\x00", "x", "Null characters are not allowed."),
        ("stu", "pass\x00word", "Null characters are not allowed."),
        ("stu", "wrong-password", "Please enter a correct username and password."),
        ("", "", "This field is required."),
        ("stu", LONG, "Please enter a correct username and password."),
    ],
)
def test_bad_sign_in_input_is_shown_on_the_form(client, campus, username, password, message):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_sign_in_refuses_to_send_people_to_another_site(client, campus):
    response = client.post(
        reverse("accounts:login"),
        {"username": "stu", "password": "correct-horse-battery", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:home")


@pytest.mark.parametrize(
    "next_url", ["/accounts/login/", "/x%0Ay", "/%0D%0ASet-Cookie:x=1", "%00", "/lists/%00/"]
)
def test_odd_next_addresses_never_crash_sign_in_or_out(client, campus, next_url):
    login = reverse("accounts:login")
    response = client.post(
        f"{login}?next={next_url}", {"username": "stu", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"]
    assert client.get(f"{login}?next={next_url}").status_code == 302  # already signed in
    response = client.post(f"{reverse('accounts:logout')}?next={next_url}")
    assert response.status_code == 302
