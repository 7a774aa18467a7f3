"""Assertions shared by the LTI tests."""

from __future__ import annotations

from readings.lti.models import LaunchRecord, LaunchResult


def assert_refused(response, client, error_id: str, *, status: int = 401) -> LaunchRecord:
    """Refused with this status and error id on the page, recorded, and nobody signed in."""
    body = response.content.decode()
    assert response.status_code == status, body[:1500]
    assert error_id in body
    assert "_auth_user_id" not in client.session
    record = LaunchRecord.objects.order_by("-created_at", "-pk").first()
    assert record is not None
    assert record.result == LaunchResult.REFUSED
    assert record.error_id == error_id
    if record.reference:
        assert record.reference in body
    return record


def assert_signed_in(response, client) -> LaunchRecord:
    assert response.status_code == 302, response.content.decode()[:1500]
    assert "_auth_user_id" in client.session
    record = LaunchRecord.objects.order_by("-created_at", "-pk").first()
    assert record.result == LaunchResult.ACCEPTED
    assert int(client.session["_auth_user_id"]) == record.user_id
    return record
