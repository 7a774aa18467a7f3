from __future__ import annotations

import pytest


@pytest.fixture
def make_user(make_user):
    """The shared factory without a password: hashing is slow and irrelevant here."""

    def make(*args, **kwargs):
        kwargs.setdefault("password", "")
        return make_user(*args, **kwargs)

    return make
