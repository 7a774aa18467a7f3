"""One error hierarchy for domain failures, rendered in one place (core.middleware)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    """A failure the user can understand and act on."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        # A lazy translation is fixed in the language of the request that raised it, so
        # logs and JSON get a plain string.
        message = str(message)
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(ApplicationError):
    """Missing, or hidden from this user: both answer the same so nothing leaks."""

    status = 404
    code = "not_found"


class Forbidden(ApplicationError):
    """Visible to this user, but not changeable by them."""

    status = 403
    code = "forbidden"


class Conflict(ApplicationError):
    """Someone else changed the object since this user loaded it."""

    status = 409
    code = "conflict"


class InvalidInput(ApplicationError):
    """Field-level errors, keyed by field name (``__all__`` for the whole object)."""

    status = 400
    code = "invalid"

    def __init__(self, errors: Mapping[str, Sequence[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = {field: list(messages) for field, messages in errors.items()}
        summary = "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in self.errors.items()
        )
        super().__init__(summary)

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> InvalidInput:
        if hasattr(exc, "error_dict"):
            return cls(exc.message_dict)
        return cls({"__all__": exc.messages})
