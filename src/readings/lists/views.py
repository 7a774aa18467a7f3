from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from readings.core.exceptions import NotFound
from readings.courses.access import can_view_course
from readings.institutions.selectors import institution_today
from readings.lists.access import ListAccess, access_list_by_id
from readings.lists.models import ReadingList
from readings.lists.page_cache import CSRF_PLACEHOLDER, reader_sections, with_csrf_token
from readings.lists.selectors import list_page


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
    if access.reader_only:
        context = _reader_context(reading_list, access, today, get_token(request))
    else:
        page = list_page(reading_list=reading_list, access=access, today=today)
        context = {
            "page": page,
            "courses": page.courses,
            "citation_count": page.citation_count,
            "sections_html": None,
        }
    # A list's courses are its institution's; show them to whoever may open those courses.
    courses = context["courses"]
    context.update(
        list=reading_list,
        editor=access.edit,
        access=access,
        show_courses=bool(courses) and can_view_course(request.user, courses[0]),
    )
    return render(request, "lists/detail.html", context)


def _reader_context(reading_list: ReadingList, access: ListAccess, today, csrf_token: str) -> dict:
    def render_sections() -> tuple[str, int]:
        page = list_page(reading_list=reading_list, access=access, today=today)
        context = {"page": page, "editor": False, "csrf_token": CSRF_PLACEHOLDER}
        html = render_to_string("lists/_sections.html", context)
        return html, page.citation_count

    html, count = reader_sections(reading_list, today, render_sections)
    courses = list(reading_list.courses.order_by("code", "section"))
    # Rendered by our own autoescaping template, so safe to insert as it is.
    html = with_csrf_token(html, csrf_token)
    return {"sections_html": mark_safe(html), "citation_count": count, "courses": courses}
