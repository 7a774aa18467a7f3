from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readings.courses.access import access_course_by_id
from readings.courses.forms import CourseSearchForm
from readings.courses.selectors import course_for_page, course_search, courses_of_user
from readings.institutions.selectors import institution_today
from readings.lists.access import can_create_list_for_course, can_create_lists
from readings.lists.selectors import course_list_rows, my_list_rows

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "courses": courses_of_user(user=request.user),
        "list_rows": my_list_rows(user=request.user),
        "can_create_lists": can_create_lists(request.user),
    }
    return render(request, "courses/home.html", context)


@login_required
def course_search_page(request: HttpRequest) -> HttpResponse:
    form = CourseSearchForm(request.GET)
    courses = course_search(user=request.user, query=form.query())
    # get_page() turns a missing, malformed or too-large page number into a real page.
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "courses/search.html", {"form": form, "query": form.query(), "page": page}
    )


@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for_page(course=access_course_by_id(request.user, course_id))
    rows = course_list_rows(
        user=request.user, course=course, today=institution_today(course.institution)
    )
    context = {
        "course": course,
        "rows": rows,
        "can_create_list": can_create_list_for_course(request.user, course),
    }
    return render(request, "courses/detail.html", context)
