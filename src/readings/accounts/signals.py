"""Receivers of django.contrib.auth's signals."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from readings.core.rows import update


def last_login_record(sender: Any, user: Any, **kwargs: Any) -> None:
    """Note when the person signed in (the readiness checks read it)."""
    user.last_login = timezone.now()
    update(user, "last_login")
