"""Only the institution's librarians and administrators reach the loads pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from loader_files import course

from readings.loaders.models import Load
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load


@pytest.fixture
def a_load(uni, course_file) -> Load:
    return courses_load(
        institution=uni, path=course_file([course("A1")]), options=LoadOptions(dry_run=True)
    )


def _urls(load: Load) -> list[str]:
    return [
        reverse("loaders:history"),
        reverse("loaders:new"),
        reverse("loaders:detail", args=[load.pk]),
        reverse("loaders:progress", args=[load.pk]),
        reverse("loaders:report_csv", args=[load.pk]),
        reverse("loaders:report_json", args=[load.pk]),
    ]


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_students_and_instructors_get_not_found_on_every_loads_page(
    client, make_user, a_load, role
):
    client.force_login(make_user(roles=[role]))

    statuses = {url: client.get(url).status_code for url in _urls(a_load)}

    assert set(statuses.values()) == {404}, statuses


def test_an_instructor_cannot_upload_a_file(client, make_user, course_file):
    client.force_login(make_user(roles=["instructor"]))

    with course_file([course("A1")]).open("rb") as stream:
        response = client.post(
            reverse("loaders:new"), {"kind": "courses", "mode": "apply", "file": stream}
        )

    assert response.status_code == 404
    assert not Load.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, a_load):
    for url in _urls(a_load):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), url


@pytest.mark.parametrize("role", ["librarian", "administrator"])
def test_librarians_and_administrators_reach_every_loads_page(client, make_user, a_load, role):
    client.force_login(make_user(roles=[role]))

    statuses = {url: client.get(url).status_code for url in _urls(a_load)}

    assert set(statuses.values()) == {200}, statuses


def test_a_librarian_of_another_institution_gets_not_found_for_this_ones_load(
    client, make_user, other_institution, a_load
):
    client.force_login(make_user(roles=["librarian"], inst=other_institution))

    assert client.get(reverse("loaders:history")).status_code == 200
    for url in _urls(a_load)[2:]:
        assert client.get(url).status_code == 404, url


def test_the_top_navigation_links_to_loads_for_library_staff_only(client, make_user, uni):
    link = f'<a href="{reverse("loaders:history")}"'
    client.force_login(make_user("stu", roles=["student"]))
    assert link not in client.get(reverse("courses:home")).content.decode()

    client.force_login(make_user("lib", roles=["librarian"]))
    assert link in client.get(reverse("courses:home")).content.decode()
    here = client.get(reverse("loaders:history")).content.decode()
    assert f'{link} aria-current="page">Loads</a>' in here


def test_an_upload_without_the_csrf_token_is_refused(make_user, course_file, uni):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(roles=["librarian"]))

    with course_file([course("A1")]).open("rb") as stream:
        response = client.post(
            reverse("loaders:new"), {"kind": "courses", "mode": "apply", "file": stream}
        )

    assert response.status_code == 403
    assert not Load.objects.exists()
