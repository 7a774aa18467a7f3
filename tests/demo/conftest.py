"""The demo, built once per test module and rolled back after it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from readings.demo.build import build_demo

# The same fast hasher tests/conftest.py sets for each test: this fixture runs
# before that one, and the accounts it makes must sign in during the tests.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Build the demo once for a module, as Django's setUpTestData would.

    Each test's own transaction nests inside this one, so tests see the demo
    and roll back their changes; the demo itself is rolled back at the end.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield build_demo()
        transaction.set_rollback(True)
