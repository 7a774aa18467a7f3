"""Done, likes, private notes and comments as services: idempotent, bounded, list left alone."""

from __future__ import annotations

import datetime

import pytest

from readings.core.exceptions import Conflict, InvalidInput
from readings.engagement import services
from readings.engagement.models import Comment, Completion, Like, PrivateNote
from readings.engagement.selectors import discussion_comments, list_engagement_state
from readings.lists.models import ReadingList


def test_marking_done_twice_keeps_one_row_and_a_toggle_undoes_it(readers):
    student = readers.users["student"]
    assert services.citation_mark_done(user=student, citation=readers.first, done=True)
    assert services.citation_mark_done(user=student, citation=readers.first, done=True)
    assert Completion.objects.filter(user=student).count() == 1
    assert services.citation_mark_done(user=student, citation=readers.first) is False
    assert not Completion.objects.filter(user=student).exists()


def test_likes_are_counted_once_per_person(readers):
    student, mate = readers.users["student"], readers.users["classmate"]
    assert services.citation_like(user=student, citation=readers.first, liked=True) == (True, 1)
    assert services.citation_like(user=student, citation=readers.first, liked=True) == (True, 1)
    assert services.citation_like(user=mate, citation=readers.first, liked=True) == (True, 2)
    assert services.citation_like(user=student, citation=readers.first, liked=False) == (False, 1)
    assert Like.objects.count() == 1


def test_a_private_note_is_saved_replaced_and_deleted_when_emptied(readers):
    student = readers.users["student"]
    services.private_note_save(user=student, citation=readers.first, text="  Read ch. 2  ")
    services.private_note_save(user=student, citation=readers.first, text="Read ch. 3")
    assert PrivateNote.objects.get(user=student).text == "Read ch. 3"
    assert services.private_note_save(user=student, citation=readers.first, text=" ") is None
    assert not PrivateNote.objects.exists()


def test_an_overlong_note_or_an_empty_comment_is_refused(readers):
    student = readers.users["student"]
    with pytest.raises(InvalidInput) as note_error:
        services.private_note_save(user=student, citation=readers.first, text="x" * 4001)
    assert "text" in note_error.value.errors
    discussion = services.discussion_get_or_create(citation=readers.first)
    with pytest.raises(InvalidInput) as comment_error:
        services.comment_post(user=student, discussion=discussion, body="   ")
    assert "body" in comment_error.value.errors


def test_a_closed_discussion_refuses_new_comments_until_reopened(readers):
    student, instructor = readers.users["student"], readers.users["instructor"]
    discussion = services.discussion_get_or_create(reading_list=readers.reading_list)
    services.discussion_set_closed(discussion=discussion, by=instructor, closed=True)
    with pytest.raises(Conflict) as closed:
        services.comment_post(user=student, discussion=discussion, body="Late thought")
    assert closed.value.code == "discussion_closed"
    services.discussion_set_closed(discussion=discussion, by=instructor, closed=False)
    services.comment_post(user=student, discussion=discussion, body="Late thought")
    assert Comment.objects.count() == 1


def test_one_discussion_per_list_and_per_citation(readers):
    first = services.discussion_get_or_create(citation=readers.first)
    assert services.discussion_get_or_create(citation=readers.first) == first
    of_list = services.discussion_get_or_create(reading_list=readers.reading_list)
    assert of_list != first
    assert services.discussion_get_or_create(reading_list=readers.reading_list) == of_list


def test_hidden_comments_are_left_out_for_readers_only(readers):
    student, instructor = readers.users["student"], readers.users["instructor"]
    discussion = services.discussion_get_or_create(citation=readers.first)
    kept = services.comment_post(user=student, discussion=discussion, body="Useful")
    rude = services.comment_post(user=student, discussion=discussion, body="Rude")
    services.comment_set_hidden(comment=rude, by=instructor, hidden=True)
    assert discussion_comments(discussion=discussion, moderator=False) == [kept]
    assert discussion_comments(discussion=discussion, moderator=True) == [kept, rude]


def test_engagement_never_bumps_the_list_version(readers):
    student = readers.users["student"]
    before = ReadingList.objects.get(pk=readers.reading_list.pk).version
    services.citation_mark_done(user=student, citation=readers.first, done=True)
    services.citation_like(user=student, citation=readers.first, liked=True)
    services.private_note_save(user=student, citation=readers.first, text="mine")
    discussion = services.discussion_get_or_create(citation=readers.first)
    services.comment_post(user=student, discussion=discussion, body="Hello")
    assert ReadingList.objects.get(pk=readers.reading_list.pk).version == before


def test_the_state_holds_only_the_users_own_marks_and_notes(readers):
    student, mate = readers.users["student"], readers.users["classmate"]
    services.citation_mark_done(user=student, citation=readers.first, done=True)
    services.citation_like(user=student, citation=readers.first, liked=True)
    services.citation_like(user=mate, citation=readers.first, liked=True)
    services.private_note_save(user=student, citation=readers.first, text="Sam's secret")
    state = list_engagement_state(
        user=mate,
        reading_list=readers.reading_list,
        reader_only=True,
        today=datetime.date.today(),
    )
    assert state["done"] == []
    assert state["liked"] == [readers.first.pk]
    assert state["likes"] == {readers.first.pk: 2}
    assert state["notes"] == {}
