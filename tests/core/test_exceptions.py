"""The one error hierarchy: statuses, codes and field-level messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from readings.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotFound("x"), 404, "not_found"),
        (Forbidden("x"), 403, "forbidden"),
        (Conflict("x"), 409, "conflict"),
        (Conflict("x", code="stale_version"), 409, "stale_version"),
        (InvalidInput("x"), 400, "invalid"),
    ],
)
def test_each_error_carries_its_http_status_and_code(error, status, code):
    assert (error.status, error.code) == (status, code)


def test_a_plain_message_is_an_error_on_the_whole_object():
    error = InvalidInput("Something is off.")
    assert error.errors == {"__all__": ["Something is off."]}
    assert error.message == "Something is off."


def test_the_summary_names_each_field_with_its_messages():
    error = InvalidInput({"code": ["Taken.", "Too long."], "__all__": ["Ends too early."]})
    assert error.message == "code: Taken. Too long.; Ends too early."


def test_django_field_errors_keep_their_fields():
    error = InvalidInput.from_django(ValidationError({"name": ["Required."]}))
    assert error.errors == {"name": ["Required."]}


def test_django_errors_without_fields_apply_to_the_whole_object():
    error = InvalidInput.from_django(ValidationError(["One.", "Two."]))
    assert error.errors == {"__all__": ["One.", "Two."]}
