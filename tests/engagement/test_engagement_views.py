"""Done, like, notes and discussions through the pages, as forms and as JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import CitationStatus
from readings.citations.services import citation_update
from readings.engagement import services
from readings.engagement.models import Comment, Completion, Discussion, Like, PrivateNote

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(name, *args):
    return reverse(f"engagement:{name}", args=args)


def _state(client, reading_list) -> dict:
    response = client.get(_url("list_state", reading_list.pk), **JSON)
    assert response.status_code == 200
    return response.json()


def test_a_form_post_marks_done_and_returns_to_the_item_with_a_message(client, readers):
    client.force_login(readers.users["student"])
    response = client.post(_url("done", readers.first.pk), follow=True)
    list_url = reverse("lists:detail", args=[readers.reading_list.pk])
    assert response.redirect_chain[-1][0] == f"{list_url}#c{readers.first.pk}"
    assert "Marked “The Age of Extremes” as done." in response.content.decode()
    # Without JavaScript the button toggles: a second press undoes it.
    client.post(_url("done", readers.first.pk))
    assert not Completion.objects.exists()


def test_json_done_and_like_answer_with_the_new_state(client, readers):
    client.force_login(readers.users["classmate"])
    client.post(_url("like", readers.first.pk), {"liked": "1"}, **JSON)
    client.force_login(readers.users["student"])
    done = client.post(_url("done", readers.first.pk), {"done": "1"}, **JSON)
    assert done.json() == {"citation": readers.first.pk, "done": True}
    liked = client.post(_url("like", readers.first.pk), {"liked": "1"}, **JSON)
    assert liked.json() == {"citation": readers.first.pk, "liked": True, "likes": 2}
    # An explicit value is idempotent: a double click does not undo it.
    again = client.post(_url("like", readers.first.pk), {"liked": "1"}, **JSON)
    assert again.json()["likes"] == 2
    state = _state(client, readers.reading_list)
    assert state["done"] == [readers.first.pk]
    assert state["liked"] == [readers.first.pk]
    assert state["likes"] == {str(readers.first.pk): 2}
    assert state["can_take_part"] is True


def test_a_private_note_is_saved_and_shown_only_to_its_author(client, readers):
    client.force_login(readers.users["student"])
    saved = client.post(_url("note", readers.first.pk), {"text": "Sam's own thoughts"}, **JSON)
    assert saved.json()["note"] == "Sam's own thoughts"
    assert "Sam&#x27;s own thoughts" in client.get(_url("note", readers.first.pk)).content.decode()
    assert _state(client, readers.reading_list)["notes"] == {
        str(readers.first.pk): "Sam's own thoughts"
    }
    for other in ("classmate", "instructor"):
        client.force_login(readers.users[other])
        assert _state(client, readers.reading_list)["notes"] == {}
        assert "Sam" not in client.get(_url("note", readers.first.pk)).content.decode()
        page = client.get(reverse("lists:detail", args=[readers.reading_list.pk]))
        assert "own thoughts" not in page.content.decode()
        assert (
            "own thoughts"
            not in client.get(_url("citation_discussion", readers.first.pk)).content.decode()
        )
    assert PrivateNote.objects.get().user == readers.users["student"]


def test_a_note_form_without_javascript_saves_and_redirects(client, readers):
    client.force_login(readers.users["student"])
    response = client.post(_url("note", readers.first.pk), {"text": "plain form"})
    assert response.status_code == 302
    assert response.url.endswith(f"#c{readers.first.pk}")
    too_long = client.post(_url("note", readers.first.pk), {"text": "x" * 4001})
    assert too_long.status_code == 400
    assert "Keep the note under" in too_long.content.decode()


def test_students_comment_on_the_list_and_on_an_item(client, readers):
    client.force_login(readers.users["student"])
    on_list = client.post(_url("list_discussion", readers.reading_list.pk), {"body": "Week 1?"})
    assert on_list.status_code == 302
    posted = client.post(
        _url("citation_discussion", readers.first.pk), {"body": "Great book"}, **JSON
    )
    assert posted.status_code == 201
    assert "Great book" in posted.json()["html"]
    page = client.get(_url("list_discussion", readers.reading_list.pk)).content.decode()
    assert "Week 1?" in page and "Great book" not in page
    state = _state(client, readers.reading_list)
    assert state["comments"] == {str(readers.first.pk): 1}
    assert state["list_comments"] == 1


def test_an_empty_comment_is_refused_beside_the_field(client, readers):
    client.force_login(readers.users["student"])
    response = client.post(_url("citation_discussion", readers.first.pk), {"body": " "})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    as_json = client.post(_url("citation_discussion", readers.first.pk), {"body": ""}, **JSON)
    assert as_json.status_code == 400
    assert as_json.json()["errors"] == {"body": ["Write something before posting."]}


def test_script_in_a_comment_is_shown_as_text(client, readers):
    client.force_login(readers.users["student"])
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    client.post(_url("citation_discussion", readers.first.pk), {"body": evil})
    html = client.get(_url("citation_discussion", readers.first.pk)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def _comment(readers, who="student", body="A comment"):
    discussion = services.discussion_get_or_create(citation=readers.first)
    return services.comment_post(user=readers.users[who], discussion=discussion, body=body)


def test_the_instructor_hides_a_comment_from_readers_and_can_show_it_again(client, readers):
    comment = _comment(readers, body="Off-topic rant")
    discussion_url = _url("citation_discussion", readers.first.pk)
    client.force_login(readers.users["instructor"])
    assert client.post(_url("comment_hide", comment.pk), {"hidden": "1"}).status_code == 302
    moderator_view = client.get(discussion_url).content.decode()
    assert "Off-topic rant" in moderator_view and "Hidden from readers" in moderator_view
    client.force_login(readers.users["classmate"])
    assert "Off-topic rant" not in client.get(discussion_url).content.decode()
    assert _state(client, readers.reading_list)["comments"] == {}
    client.force_login(readers.users["instructor"])
    client.post(_url("comment_hide", comment.pk), {"hidden": "0"})
    client.force_login(readers.users["classmate"])
    assert "Off-topic rant" in client.get(discussion_url).content.decode()


def test_the_instructor_deletes_any_comment_and_closes_the_discussion(client, readers):
    comment = _comment(readers)
    client.force_login(readers.users["instructor"])
    assert client.post(_url("comment_delete", comment.pk)).status_code == 302
    assert not Comment.objects.exists()
    discussion = Discussion.objects.get()
    client.post(_url("discussion_close", discussion.pk), {"closed": "1"})
    client.force_login(readers.users["student"])
    page = client.get(_url("citation_discussion", readers.first.pk)).content.decode()
    assert "This discussion is closed" in page
    assert 'name="body"' not in page
    refused = client.post(_url("citation_discussion", readers.first.pk), {"body": "Hi"}, **JSON)
    assert refused.status_code == 409
    assert refused.json()["error"] == "discussion_closed"


def test_students_delete_their_own_comments_but_not_others(client, readers):
    own = _comment(readers, "student")
    theirs = _comment(readers, "classmate")
    client.force_login(readers.users["student"])
    assert client.post(_url("comment_delete", theirs.pk), **JSON).status_code == 403
    assert client.post(_url("comment_delete", own.pk), **JSON).json()["deleted"] is True
    assert list(Comment.objects.all()) == [theirs]


@pytest.mark.parametrize("action", ["comment_hide", "comment_delete"])
def test_students_cannot_moderate(client, readers, action):
    comment = _comment(readers, "classmate")
    client.force_login(readers.users["student"])
    assert client.post(_url(action, comment.pk), **JSON).status_code == 403
    discussion = comment.discussion
    assert client.post(_url("discussion_close", discussion.pk), **JSON).status_code == 403
    assert Comment.objects.get().hidden_at is None
    assert Discussion.objects.get().closed_at is None


def test_engagement_leaves_the_list_version_and_the_reader_cache_alone(client, readers):
    client.force_login(readers.users["student"])
    list_url = reverse("lists:detail", args=[readers.reading_list.pk])
    client.get(list_url)
    readers.reading_list.refresh_from_db()
    version = readers.reading_list.version
    client.post(_url("done", readers.first.pk), {"done": "1"}, **JSON)
    client.post(_url("like", readers.first.pk), {"liked": "1"}, **JSON)
    client.post(_url("note", readers.first.pk), {"text": "n"}, **JSON)
    client.post(_url("citation_discussion", readers.first.pk), {"body": "b"}, **JSON)
    readers.reading_list.refresh_from_db()
    assert readers.reading_list.version == version
    with CaptureQueriesContext(connection) as queries:
        client.get(list_url)
    assert "citations_citation" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_an_item_made_inactive_drops_out_of_a_students_state(client, readers):
    client.force_login(readers.users["student"])
    client.post(_url("like", readers.second.pk), {"liked": "1"}, **JSON)
    client.post(_url("note", readers.second.pk), {"text": "keep"}, **JSON)
    citation_update(citation_id=readers.second.pk, fields={"status": CitationStatus.INACTIVE})
    state = _state(client, readers.reading_list)
    assert state["liked"] == [] and state["likes"] == {} and state["notes"] == {}
    assert client.post(_url("like", readers.second.pk), **JSON).status_code == 404
    client.force_login(readers.users["instructor"])
    assert _state(client, readers.reading_list)["likes"] == {str(readers.second.pk): 1}
    assert Like.objects.count() == 1


def test_moderating_by_json_answers_with_the_comment_as_it_now_shows(client, readers):
    comment = _comment(readers, body="Spoilers")
    client.force_login(readers.users["instructor"])
    hidden = client.post(_url("comment_hide", comment.pk), {"hidden": "1"}, **JSON).json()
    assert hidden["hidden"] is True
    assert "Hidden from readers" in hidden["html"] and "Show again" in hidden["html"]
    shown = client.post(_url("comment_hide", comment.pk), {"hidden": "0"}, **JSON).json()
    assert "Hidden from readers" not in shown["html"]
    closed = client.post(_url("discussion_close", comment.discussion_id), **JSON).json()
    assert closed["closed"] is True  # without a value, the button toggles
