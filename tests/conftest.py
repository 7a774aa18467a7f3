"""Shared fixtures: a small institution built through the services, as users build it."""

from __future__ import annotations

import pytest

from readings.accounts.services import user_create
from readings.institutions.services import institution_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers cost ~0.4 s a user; tests prove behaviour, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The reader page cache lives in process memory; tests must not see each other's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in French leaves French active in this thread; the next test must start in English.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def institution(db):
    return institution_create(code="UNI", name="Test University", time_zone="Europe/London")


@pytest.fixture
def other_institution(db):
    return institution_create(code="OTHER", name="Other University")


@pytest.fixture
def make_user(institution):
    """make_user("alice", roles=["instructor"]) → a user of the test institution."""
    counter = {"n": 0}

    def make(username: str | None = None, *, roles=(), inst=None, **fields):
        counter["n"] += 1
        name = username or f"user{counter['n']}"
        return user_create(
            institution=inst if inst is not None else institution,
            username=name,
            email=f"{name}@example.edu",
            primary_id=fields.pop("primary_id", f"P{name.upper()}"),
            roles=roles,
            password=fields.pop("password", "correct-horse-battery"),
            **fields,
        )

    return make
