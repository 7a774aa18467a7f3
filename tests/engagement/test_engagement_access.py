"""Who may take part: readers of the list, at its institution, on items they can see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from readings.engagement import services
from readings.engagement.models import Completion

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(name, *args):
    return reverse(f"engagement:{name}", args=args)


def _citation_urls(citation_id):
    return [
        ("post", _url("done", citation_id)),
        ("post", _url("like", citation_id)),
        ("get", _url("note", citation_id)),
        ("post", _url("note", citation_id)),
        ("get", _url("citation_discussion", citation_id)),
        ("post", _url("citation_discussion", citation_id)),
    ]


@pytest.mark.parametrize("who", ["other_student", "outsider"])
def test_readers_outside_the_course_or_institution_find_nothing(client, readers, who):
    client.force_login(readers.users[who])
    for method, url in [
        *_citation_urls(readers.first.pk),
        ("get", _url("list_state", readers.reading_list.pk)),
        ("get", _url("list_discussion", readers.reading_list.pk)),
        ("post", _url("list_discussion", readers.reading_list.pk)),
    ]:
        response = getattr(client, method)(
            url, {"body": "x", "text": "x"} if method == "post" else {}, **JSON
        )
        assert response.status_code == 404, (method, url)
    assert not Completion.objects.exists()


@pytest.mark.parametrize("hidden", ["inactive", "not_yet_open"])
def test_items_hidden_from_students_cannot_be_engaged_with(client, readers, hidden):
    client.force_login(readers.users["student"])
    citation = getattr(readers, hidden)
    for method, url in _citation_urls(citation.pk):
        response = getattr(client, method)(url, **JSON)
        assert response.status_code == 404, (method, url)


def test_a_comment_id_of_a_list_the_user_cannot_see_is_not_found(client, readers):
    discussion = services.discussion_get_or_create(citation=readers.first)
    comment = services.comment_post(user=readers.users["student"], discussion=discussion, body="x")
    for who in ("other_student", "outsider"):
        client.force_login(readers.users[who])
        assert client.post(_url("comment_delete", comment.pk), **JSON).status_code == 404
        assert client.post(_url("comment_hide", comment.pk), **JSON).status_code == 404
        assert client.post(_url("discussion_close", discussion.pk), **JSON).status_code == 404


def test_a_hidden_comment_is_not_found_by_its_author_either(client, readers):
    discussion = services.discussion_get_or_create(citation=readers.first)
    comment = services.comment_post(user=readers.users["student"], discussion=discussion, body="x")
    services.comment_set_hidden(comment=comment, by=readers.users["instructor"], hidden=True)
    client.force_login(readers.users["student"])
    assert client.post(_url("comment_delete", comment.pk), **JSON).status_code == 404


def test_signed_out_readers_of_an_open_list_read_but_are_asked_to_sign_in(client, readers):
    item = readers.public_item
    state = client.get(_url("list_state", readers.open_list.pk), **JSON).json()
    assert state["can_take_part"] is False and state["done"] == [] and state["notes"] == {}
    discussion = client.get(_url("citation_discussion", item.pk))
    assert discussion.status_code == 200
    assert "Sign in to comment" in discussion.content.decode()
    response = client.post(_url("done", item.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.post(_url("like", item.pk), **JSON).status_code == 403
    assert not Completion.objects.exists()


def test_signed_out_visitors_find_no_course_list(client, readers):
    assert client.get(_url("list_state", readers.reading_list.pk), **JSON).status_code == 404
    assert client.post(_url("done", readers.first.pk), **JSON).status_code == 404


def test_people_of_another_institution_may_read_an_open_list_but_not_take_part(client, readers):
    client.force_login(readers.users["outsider"])
    assert (
        client.get(_url("list_state", readers.open_list.pk), **JSON).json()["can_take_part"]
        is False
    )
    assert client.post(_url("done", readers.public_item.pk), **JSON).status_code == 403
    assert client.get(_url("citation_discussion", readers.public_item.pk)).status_code == 200


def test_only_post_changes_anything(client, readers):
    client.force_login(readers.users["student"])
    assert client.get(_url("done", readers.first.pk)).status_code == 405
    assert client.get(_url("like", readers.first.pk)).status_code == 405
    assert not Completion.objects.exists()


def test_actions_need_the_csrf_token(readers):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(readers.users["student"])
    assert client.post(_url("done", readers.first.pk)).status_code == 403
    assert not Completion.objects.exists()


def test_signed_out_a_discussion_link_asks_for_sign_in_and_leads_back(client, readers):
    url = _url("citation_discussion", readers.first.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
    assert client.get(_url("note", readers.first.pk)).status_code == 302
