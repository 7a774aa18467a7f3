"""A reader's repeat visit is answered from a pass after one query, while nothing changed."""

from __future__ import annotations

import io
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readings.accounts.models import Session
from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.config.wsgi import ReadingsHandler
from readings.courses.models import Enrollment
from readings.institutions.services import institution_update
from readings.lists import reader_pass
from readings.lists.models import PublicationStatus
from readings.lists.services import list_update


@pytest.fixture(autouse=True)
def _no_passes_left_over():
    reader_pass.forget_all()
    yield
    reader_pass.forget_all()


@pytest.fixture
def handler():
    # As Django's test client does: the test's transaction holds the connection open.
    request_started.disconnect(close_old_connections)
    try:
        yield ReadingsHandler()
    finally:
        request_started.connect(close_old_connections)


class Browser:
    """A browser at the WSGI door: keeps its cookies, sends them back, records each answer."""

    def __init__(self, handler: ReadingsHandler, cookies: dict[str, str] | None = None) -> None:
        self.handler = handler
        self.cookies = dict(cookies or {})
        self.headers: dict[str, str] = {}

    def get(self, path: str, **environ: str) -> tuple[int, dict[str, str], bytes]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            "HTTP_COOKIE": cookie,
            **environ,
        }
        answer: dict = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            answer["status"], answer["headers"] = int(status.split()[0]), headers

        body = b"".join(self.handler(request, start_response))
        for name, value in answer["headers"]:
            if name == "Set-Cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        headers = {name: value for name, value in answer["headers"] if name != "Set-Cookie"}
        return answer["status"], headers, body


def _signed_in(handler: ReadingsHandler, user) -> Browser:
    client = Client()
    client.force_login(user)
    return Browser(handler, {"sessionid": client.cookies["sessionid"].value})


def _visits(browser: Browser, path: str) -> tuple[list[int], bytes]:
    """Three visits; the query counts of the second and third, and the last page."""
    browser.get(path)  # the first visit sets the CSRF cookie
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status, _headers, body = browser.get(path)
        assert status == 200
        counts.append(len(queries))
    return counts, body


def _path(reading_list) -> str:
    return f"/lists/{reading_list.pk}/"


def test_a_students_repeat_visit_takes_one_query_and_gives_the_same_page(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    browser.get(path)
    status, headers, rendered = browser.get(path)  # earns the pass
    with CaptureQueriesContext(connection) as queries:
        again_status, again_headers, again = browser.get(path)
    assert (again_status, again_headers, again) == (status, headers, rendered)
    assert len(queries) == 1
    assert "Withdrawn pamphlet" not in again.decode()


def test_a_visit_without_the_csrf_cookie_yet_goes_through_django(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    for _ in range(2):
        browser.cookies.pop("csrftoken", None)
        with CaptureQueriesContext(connection) as queries:
            status, _headers, _body = browser.get(path)
        assert status == 200
        assert len(queries) > 1


def test_a_change_to_the_list_is_seen_on_the_next_visit(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    counts, _ = _visits(browser, path)
    assert counts[-1] == 1
    citation_create(
        section=campus.published.sections.first(),
        fields={"title": "Added after the pass", "status": CitationStatus.COMPLETE},
    )
    _status, _headers, body = browser.get(path)
    assert "Added after the pass" in body.decode()


def test_earning_a_pass_costs_no_query_beyond_the_page_s_own(handler, campus):
    """The facts a pass keeps are those the view read: the session with the reader, the list."""
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    browser.get(path)  # the CSRF cookie
    with CaptureQueriesContext(connection) as earning:
        browser.get(path)
    with CaptureQueriesContext(connection) as served:
        browser.get(path)

    assert len(earning) == 2, [q["sql"] for q in earning.captured_queries]
    assert len(served) == 1


def test_a_change_made_while_the_page_is_built_is_seen_on_the_next_visit(
    handler, campus, monkeypatch
):
    """The facts kept were read before rendering: a change meanwhile no longer matches them."""
    from readings.lists import views

    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    browser.get(path)  # the CSRF cookie
    built = views.reader_page

    def built_then_changed(*args, **kwargs):
        page = built(*args, **kwargs)
        citation_create(
            section=campus.published.sections.first(),
            fields={"title": "Added while rendering", "status": CitationStatus.COMPLETE},
        )
        return page

    monkeypatch.setattr(views, "reader_page", built_then_changed)
    _status, _headers, body = browser.get(path)  # would earn the pass, but the list moved on
    assert "Added while rendering" not in body.decode()
    monkeypatch.setattr(views, "reader_page", built)

    with CaptureQueriesContext(connection) as queries:
        _status, _headers, body = browser.get(path)
    assert "Added while rendering" in body.decode()
    assert len(queries) > 1  # through Django, not a pass


def test_signing_out_elsewhere_ends_the_pass_at_once(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    Session.objects.filter(session_key=browser.cookies["sessionid"]).delete()
    status, headers, _body = browser.get(path)
    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")


def test_a_deactivated_reader_is_refused_on_the_next_visit(handler, campus):
    student = campus.users["student"]
    browser = _signed_in(handler, student)
    path = _path(campus.published)
    _visits(browser, path)
    student.is_active = False
    student.save(update_fields=["is_active"])
    status, headers, _body = browser.get(path)
    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")


def test_a_password_change_signs_the_reader_out_on_the_next_visit(handler, campus):
    student = campus.users["student"]
    browser = _signed_in(handler, student)
    path = _path(campus.published)
    _visits(browser, path)
    student.set_password("a-new-long-passphrase")
    student.save(update_fields=["password"])
    status, _headers, _body = browser.get(path)
    assert status == 302


def test_an_unpublished_list_is_refused_on_the_next_visit(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    reading_list = campus.published
    list_update(list_id=reading_list.pk, publication_status=PublicationStatus.DRAFT)
    status, _headers, _body = browser.get(path)
    assert status in (403, 404)


def test_a_dropped_enrolment_is_honoured_once_the_pass_runs_out(handler, campus, settings):
    student = campus.users["student"]
    browser = _signed_in(handler, student)
    path = _path(campus.published)
    counts, _ = _visits(browser, path)
    assert counts[-1] == 1
    Enrollment.objects.filter(user=student).delete()
    settings.READINGS_READER_PASS_SECONDS = 0.0001  # the pass's life, run out
    reader_pass.forget_all()
    status, _headers, _body = browser.get(path)
    assert status in (403, 404)


def test_a_new_day_re_renders_the_page(handler, campus, monkeypatch):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    counts, _ = _visits(browser, path)
    assert counts[-1] == 1
    monkeypatch.setattr(reader_pass, "_today", lambda zone: None)
    with CaptureQueriesContext(connection) as queries:
        status, _headers, _body = browser.get(path)
    assert status == 200
    assert len(queries) > 1


def test_a_change_to_the_institution_re_renders_the_page(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    institution_update(institution=campus.published.institution, require_library_completion=True)
    with CaptureQueriesContext(connection) as queries:
        browser.get(path)
    assert len(queries) > 1


def test_each_language_has_its_own_pass(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    _status, headers, body = browser.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert headers.get("Content-Language") == "fr"
    assert 'lang="fr"' in body.decode()


def test_a_pending_message_goes_through_django(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    browser.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        browser.get(path)
    assert len(queries) > 1


def test_an_editor_never_gets_a_pass(handler, campus):
    browser = _signed_in(handler, campus.users["instructor"])
    path = _path(campus.published)
    counts, body = _visits(browser, path)
    assert min(counts) > 1
    assert "Withdrawn pamphlet" in body.decode()


def test_another_host_goes_through_django_and_is_checked(handler, campus):
    browser = _signed_in(handler, campus.users["student"])
    path = _path(campus.published)
    _visits(browser, path)
    status, _headers, _body = browser.get(path, HTTP_HOST="evil.example")
    assert status == 400


def test_the_session_user_is_the_one_the_pass_was_earned_by(handler, campus, make_user):
    student = campus.users["student"]
    browser = _signed_in(handler, student)
    path = _path(campus.published)
    _visits(browser, path)
    session = Session.objects.get(session_key=browser.cookies["sessionid"])
    data = session.get_decoded()
    data[SESSION_KEY] = str(make_user("someone-else").pk)
    Session.objects.save(session.session_key, data, session.expire_date)
    with CaptureQueriesContext(connection) as queries:
        browser.get(path)
    assert len(queries) > 1
