"""Fixtures for LTI tests: a test LMS with its own keys, a course and its list."""

from __future__ import annotations

import pytest

from lti.platform import TestPlatform
from readings.courses.services import course_create
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create
from readings.lti.launch import reset_keyset_cache


@pytest.fixture(autouse=True)
def fresh_keyset_cache():
    """Each test starts with no cached platform keys (the cache is per process)."""
    reset_keyset_cache()
    yield
    reset_keyset_cache()


@pytest.fixture
def lms(institution):
    platform = TestPlatform()
    platform.register(institution)
    yield platform
    platform.stop()


@pytest.fixture
def other_lms(institution):
    platform = TestPlatform(issuer="https://other-lms.example.org", client_id="other-client")
    platform.register(institution)
    yield platform
    platform.stop()


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="HIST101", title="Modern History")


@pytest.fixture
def reading_list(institution, course):
    return list_create(
        institution=institution,
        name="Modern History readings",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
