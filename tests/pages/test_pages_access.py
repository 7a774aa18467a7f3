"""Who gets which page over HTTP: invisible answers 404 (or sign-in), never a hint."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

SIGN_IN = 302
OK = 200
HIDDEN = 404

WHO = (
    "anonymous",
    "student",
    "other_student",
    "instructor",
    "other_instructor",
    "collaborator",
    "librarian",
    "administrator",
    "outsider",
)

# page -> expected status for each entry of WHO, in order.
EXPECTED = {
    "home": (SIGN_IN, OK, OK, OK, OK, OK, OK, OK, OK),
    "search": (SIGN_IN, OK, OK, OK, OK, OK, OK, OK, OK),
    "course": (SIGN_IN, OK, OK, OK, OK, OK, OK, OK, HIDDEN),
    "published_list": (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, OK, OK, HIDDEN),
    # The collaborator works on the published list only.
    "draft_list": (SIGN_IN, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN, OK, OK, HIDDEN),
    "open_list": (OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "missing_list": (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "missing_course": (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
}


def _url(page: str, campus) -> str:
    return {
        "home": reverse("courses:home"),
        "search": reverse("courses:search"),
        "course": reverse("courses:detail", args=[campus.course.pk]),
        "published_list": reverse("lists:detail", args=[campus.published.pk]),
        "draft_list": reverse("lists:detail", args=[campus.draft.pk]),
        "open_list": reverse("lists:detail", args=[campus.open_list.pk]),
        "missing_list": reverse("lists:detail", args=[campus.open_list.pk + 1000]),
        "missing_course": reverse("courses:detail", args=[campus.course.pk + 1000]),
    }[page]


@pytest.mark.parametrize("page", list(EXPECTED))
def test_each_role_gets_the_designed_answer_for_each_page(client, campus, page):
    """One campus per page; every role in turn (a table is quicker to read than 72 tests)."""
    url = _url(page, campus)
    wrong = []
    for who, expected in zip(WHO, EXPECTED[page], strict=True):
        client.logout()
        if who != "anonymous":
            client.force_login(campus.users[who])
        response = client.get(url)
        if response.status_code != expected:
            wrong.append(f"{who}: {response.status_code}, expected {expected}")
        elif expected == SIGN_IN and not response["Location"].startswith(
            reverse("accounts:login") + "?next="
        ):
            wrong.append(f"{who}: redirected to {response['Location']}")
    assert wrong == []


def test_a_hidden_list_and_a_missing_list_answer_alike(client, campus):
    client.force_login(campus.users["other_student"])
    hidden = client.get(_url("draft_list", campus))
    missing = client.get(_url("missing_list", campus))
    assert hidden.status_code == missing.status_code == HIDDEN
    assert _without_tokens(hidden.content) == _without_tokens(missing.content)
    assert campus.draft.name.encode() not in hidden.content


def _without_tokens(html: bytes) -> bytes:
    # The language switcher sends people back to the address they asked for.
    html = re.sub(rb'name="next" value="[^"]+"', b"", html)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_signed_out_the_login_page_leads_back_to_the_list(client, campus):
    url = _url("published_list", campus)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next={url}"
    response = client.post(
        response.redirect_chain[-1][0],
        {"username": "stu", "password": "correct-horse-battery", "next": url},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == OK
