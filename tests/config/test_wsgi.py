"""The WSGI application as production servers load it."""

from __future__ import annotations

import gc

from readings.config import wsgi
from readings.loaders.runs import fewer_collections


def test_the_application_sets_what_it_loaded_aside_from_the_garbage_collector():
    gc.unfreeze()

    wsgi._application()

    assert gc.get_freeze_count() > 0


def test_a_load_in_a_web_process_leaves_what_the_process_froze_frozen():
    gc.freeze()

    with fewer_collections():
        pass

    assert gc.get_freeze_count() > 0


def test_a_load_in_a_process_that_froze_nothing_hands_everything_back():
    gc.unfreeze()

    with fewer_collections():
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0
