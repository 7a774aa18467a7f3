import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from readings.core.exceptions import NotFound
from readings.courses.access import can_view_course
from readings.institutions.selectors import institution_today
from readings.lists.access import ListAccess, access_list_by_id
from readings.lists.models import ReadingList
from readings.lists.page_cache import (
    CSRF_PLACEHOLDER,
    NAME_PLACEHOLDER,
    PATH_PLACEHOLDER,
    reader_page,
)
from readings.lists.reader_pass import ReaderPage, list_facts, user_facts
from readings.lists.selectors import ListPage, list_page


def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    """The list as this user may see it: lists open to the world need no sign-in."""
    try:
        reading_list, access = access_list_by_id(request.user, list_id)
    except NotFound:
        if request.user.is_authenticated:
            raise
        # Signed out, every other list id (existing or not) asks for sign-in alike.
        return redirect_to_login(request.get_full_path())
    today = institution_today(reading_list.institution)
    # A message (after a form post without JS) is this user's own: render their page whole.
    if access.reader_only and not get_messages(request):
        return _shared_reader_page(request, reading_list, access, today)
    page = list_page(reading_list=reading_list, access=access, today=today)
    # A list's courses are its institution's; show them to whoever may open those courses.
    show_courses = bool(page.courses) and can_view_course(request.user, page.courses[0])
    return render(request, "lists/detail.html", _page_context(page, show_courses))


def _page_context(page: ListPage, show_courses: bool) -> dict:
    return {
        "page": page,
        "courses": page.courses,
        "citation_count": page.citation_count,
        "list": page.reading_list,
        "editor": page.access.edit,
        "access": page.access,
        "show_courses": show_courses,
    }


def _shared_reader_page(
    request: HttpRequest, reading_list: ReadingList, access: ListAccess, today: datetime.date
) -> HttpResponse:
    """The page every reader of this variant shares, with this reader's own values put in."""
    user = request.user
    if user.is_authenticated:
        library_staff = bool(user.institution_id) and user.is_library_staff
        reader = _SharedReader(library_staff=library_staff, staff=user.is_staff)
        variant = "u" + ("l" if library_staff else "") + ("s" if user.is_staff else "")
    else:
        reader, variant = AnonymousUser(), "a"
    # A list's courses are its institution's: can_view_course(user, any of them), without them.
    show_courses = user.is_authenticated and (
        user.is_superuser or user.institution_id == reading_list.institution_id
    )
    variant += "c" if show_courses else ""

    def render_page() -> str:
        page = list_page(reading_list=reading_list, access=access, today=today)
        context = _page_context(page, bool(page.courses) and show_courses)
        # Nothing of the request (no context processors run): these stand-ins only.
        context.update(
            user=reader,
            request=_SharedRequest(request),
            messages=(),
            csrf_token=CSRF_PLACEHOLDER,
            LANGUAGE_CODE=get_language(),
        )
        return render_to_string("lists/detail.html", context)

    shared = reader_page(reading_list, today, variant, render_page)
    values = {"csrf": get_token(request), "path": escape(request.get_full_path())}
    if user.is_authenticated:
        values["name"] = escape(user.get_full_name() or user.username)
    response = HttpResponse(shared.fill(values))
    # Lets the WSGI handler answer this reader's next visit from a pass (reader_pass).
    response.reader_page = ReaderPage(
        list_id=reading_list.pk,
        user_id=user.pk if user.is_authenticated else None,
        version=reading_list.version,
        time_zone=reading_list.institution.time_zone,
        today=today,
        page=shared,
        values=values,
        user_facts=user_facts(user),
        list_facts=list_facts(reading_list),
    )
    return response


class _SharedReader:
    """A signed-in reader as base.html's header sees them, made only of the page's variant."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    username = NAME_PLACEHOLDER

    def __init__(self, *, library_staff: bool, staff: bool) -> None:
        # base.html links "Loads" for the library staff of an institution, "Admin" for staff.
        self.institution_id = 1 if library_staff else None
        self.is_library_staff = library_staff
        self.is_staff = staff

    def get_full_name(self) -> str:
        return NAME_PLACEHOLDER


class _SharedRequest:
    """The request as base.html reads it: which page this is, its address left to fill in."""

    def __init__(self, request: HttpRequest) -> None:
        self.resolver_match = request.resolver_match

    def get_full_path(self) -> str:
        return PATH_PLACEHOLDER
