"""`readings lti purge`: launch records past their retention go, with spent nonces."""

from __future__ import annotations

import datetime
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from readings.lti.errors import UnknownState
from readings.lti.models import LaunchRecord, UsedNonce
from readings.lti.services import launch_record_refusal, nonce_use

pytestmark = pytest.mark.django_db


def _record_aged(days: int) -> LaunchRecord:
    record = launch_record_refusal(error=UnknownState("test"))
    LaunchRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return record


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("lti", "purge", *args, stdout=out)
    return out.getvalue()


def test_launch_records_are_kept_400_days_by_default():
    kept = [_record_aged(0), _record_aged(399)]
    _record_aged(401)
    _record_aged(800)

    output = _purge()

    assert set(LaunchRecord.objects.values_list("pk", flat=True)) == {r.pk for r in kept}
    assert "Deleted 2 launch records" in output


def test_the_retention_comes_from_the_setting_or_the_command_line(settings):
    settings.LTI_LAUNCH_RETENTION_DAYS = 30
    recent, month_old = _record_aged(1), _record_aged(31)
    _record_aged(61)

    _purge("--retention-days", "60")
    assert set(LaunchRecord.objects.values_list("pk", flat=True)) == {recent.pk, month_old.pk}

    _purge()
    assert list(LaunchRecord.objects.values_list("pk", flat=True)) == [recent.pk]


def test_spent_nonces_go_too_live_ones_stay(lms):
    now = int(time.time())
    nonce_use(issuer=lms.issuer, nonce="spent", expires_at=now - 3600)
    nonce_use(issuer=lms.issuer, nonce="live", expires_at=now + 300)

    output = _purge()

    assert list(UsedNonce.objects.values_list("nonce", flat=True)) == ["live"]
    assert "and 1 expired nonces" in output


def test_a_retention_under_one_day_is_refused():
    record = _record_aged(2)
    with pytest.raises(CommandError, match="at least one day"):
        _purge("--retention-days", "0")
    assert LaunchRecord.objects.filter(pk=record.pk).exists()
