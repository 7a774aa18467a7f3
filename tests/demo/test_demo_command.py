"""`readings demo`: migrate, build once beside existing data, print the accounts, serve."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from readings.citations.models import Citation
from readings.core.management.commands import demo as demo_command
from readings.core.management.commands import serve as serve_command
from readings.demo.build import DemoResult
from readings.demo.credentials import demo_credentials
from readings.institutions.models import Institution

pytestmark = pytest.mark.django_db


def test_demo_no_serve_builds_beside_existing_data_and_prints_the_accounts(institution):
    first = StringIO()
    call_command("demo", "--no-serve", stdout=first)
    demo = Institution.objects.get(code="DEMO")
    assert Institution.objects.filter(pk=institution.pk, name="Test University").exists()
    assert (
        Citation.objects.filter(
            reading_list__institution=demo, reading_list__is_template=False
        ).count()
        == 200
    )
    for credential in demo_credentials():
        assert f"{credential.username} " in first.getvalue()
        assert credential.password in first.getvalue()

    second = StringIO()
    call_command("demo", "--no-serve", stdout=second)
    assert "already exists" in second.getvalue()
    assert "demo-student" in second.getvalue()
    assert Institution.objects.count() == 2
    assert Citation.objects.filter(reading_list__is_template=False).count() == 200


def test_demo_without_no_serve_serves_on_the_given_host_and_port(institution, monkeypatch):
    served = {}
    monkeypatch.setattr(
        demo_command, "build_demo", lambda **_: DemoResult(institution=institution, created=False)
    )
    monkeypatch.setattr(
        serve_command.Command, "handle", lambda self, *args, **options: served.update(options)
    )
    call_command("demo", "--host", "127.0.0.2", "--port", "8123", stdout=StringIO())
    assert (served["host"], served["port"]) == ("127.0.0.2", 8123)


def test_demo_refuses_to_start_when_its_usernames_belong_to_other_accounts(make_user):
    make_user("admin")
    with pytest.raises(CommandError, match="already taken: admin;"):
        call_command("demo", "--no-serve", stdout=StringIO())
    assert not Institution.objects.filter(code="DEMO").exists()
