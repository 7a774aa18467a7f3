from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readings.courses.access import access_course_by_id
from readings.courses.selectors import course_search, courses_of_user
from readings.lists.selectors import lists_of_course, lists_of_user

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/home.html",
        {
            "courses": courses_of_user(user=request.user),
            "lists": lists_of_user(user=request.user),
        },
    )


@login_required
def course_search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(course_search(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "courses/search.html", {"query": query, "page": page})


@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access_course_by_id(request.user, course_id)
    return render(
        request,
        "courses/detail.html",
        {"course": course, "lists": lists_of_course(user=request.user, course=course)},
    )
