"""Links and notes written by people: only safe web links, only harmless markup."""

from __future__ import annotations

import pytest

from readings.core.text import check_url, sanitize_note


@pytest.mark.parametrize("url", ["", "https://example.org/x", "HTTP://EXAMPLE.ORG"])
def test_web_links_pass(url):
    assert check_url(url) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("javascript:alert(1)", "http://"),
        ("data:text/html,x", "http://"),
        ("mailto:a@example.org", "http://"),
        ("example.org/page", "http://"),
        ("https:///path-only", "no host"),
    ],
)
def test_other_links_are_refused_with_a_reason(url, says):
    assert says in check_url(url)


def test_a_note_keeps_reading_markup():
    note = "<p><strong>Read</strong> <em>pp. 1-20</em></p><ol><li>a</li></ol>"
    note += "<blockquote>q</blockquote><code>x</code><br>"
    assert sanitize_note(note) == note


def test_a_note_loses_scripts_handlers_and_unsafe_links():
    cleaned = sanitize_note(
        '<script>steal()</script><b onmouseover="x()">bold</b>'
        '<a href="javascript:x()">bad</a><iframe src="https://e.example"></iframe>'
    )
    assert cleaned == '<b>bold</b><a rel="noopener noreferrer nofollow">bad</a>'


def test_an_empty_note_stays_empty():
    assert sanitize_note(None) == ""
