"""The editor benchmark's pieces still fit the editor: its page checks, its moves, its opens.

Nothing is timed: at 20 citations this proves the page markers, the move
request (cookie, CSRF token, version) and the browser's ready signal still
match what the editor renders and accepts, so the benchmark cannot quietly
measure an error page or a page that never becomes ready.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from bench.editor_open import (
    CHROMIUM,
    ITEM_MARK,
    SECTION_MARK,
    chromium,
    describe_moves,
    editor_page,
    instructor_session,
    move_times,
    open_times,
)
from bench.fixtures import list_page_data
from bench.harness import BenchError

from readings.citations.models import Citation
from readings.lists.models import ReadingList

CITATIONS, SECTIONS = 20, 2


@pytest.fixture
def data(db):
    return list_page_data(citations=CITATIONS, sections=SECTIONS)


@pytest.fixture
def served(live_server, data):
    """The editor's address on the live server and the instructor's cookie."""
    port = urlsplit(live_server.url).port
    path = f"/lists/{data.list_id}/edit/"
    return port, path, {"Cookie": f"sessionid={instructor_session()}"}


def _first_section_order(list_id: int) -> list[int]:
    section = ReadingList.objects.get(pk=list_id).sections.order_by("position").first()
    return list(
        Citation.objects.filter(section=section).order_by("position").values_list("pk", flat=True)
    )


def test_the_instructor_session_opens_the_whole_list_in_the_editor(data, client):
    client.cookies["sessionid"] = instructor_session()
    html = client.get(f"/lists/{data.list_id}/edit/").content.decode()
    assert len(ITEM_MARK.findall(html)) == CITATIONS
    assert len(SECTION_MARK.findall(html)) == SECTIONS


def test_the_page_check_refuses_an_editor_that_lacks_citations(served):
    port, path, cookie = served
    with pytest.raises(BenchError, match="expected 21 in 2"):
        editor_page(port, path, cookie, citations=CITATIONS + 1, sections=SECTIONS)


def test_moves_are_single_small_requests_the_editor_accepts(served, data):
    port, path, cookie = served
    page = editor_page(port, path, cookie, citations=CITATIONS, sections=SECTIONS)
    first, second = _first_section_order(data.list_id)[:2]
    version = ReadingList.objects.get(pk=data.list_id).version

    moves = move_times(port, path, cookie, page.body, count=3)

    assert len(moves.times_ms) == 3
    # Three moves to the top, alternating: the second citation ends up first.
    assert _first_section_order(data.list_id)[:2] == [second, first]
    # Each move named the version the previous one answered.
    assert ReadingList.objects.get(pk=data.list_id).version == version + 3
    assert 0 < moves.request_bytes < 100
    assert 0 < moves.response_bytes < 2000
    assert describe_moves(moves).startswith("move: 1 request")


@pytest.mark.slow
def test_the_editor_opens_in_the_browser_and_reports_ready(served):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    port, path, cookie = served
    session = cookie["Cookie"].removeprefix("sessionid=")

    def open_once():
        with chromium() as browser:
            return open_times(browser, f"http://127.0.0.1:{port}{path}", opens=1, session=session)

    # Its own thread: Playwright's sync API refuses a thread where another test's browser runs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        (opening,) = pool.submit(open_once).result(timeout=120)

    assert 0 < opening.script_ready <= opening.load <= opening.ready
    assert opening.bytes > 0
