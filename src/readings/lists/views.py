from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readings.institutions.selectors import institution_today
from readings.lists.access import access_list_by_id
from readings.lists.selectors import list_page


def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    """The list as this user may see it: open lists need no sign-in."""
    reading_list, access = access_list_by_id(request.user, list_id)
    page = list_page(
        reading_list=reading_list,
        access=access,
        today=institution_today(reading_list.institution),
    )
    return render(request, "lists/detail.html", {"page": page, "list": reading_list})
