"""readings lti: config, rotate-keys, register, registration-url, sync-roster, purge, launches."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.management.base import CommandError

from readings.core.commands import InstitutionCommand
from readings.core.exceptions import InvalidInput
from readings.lti.configuration import base_url, tool_configuration, tool_urls
from readings.lti.errors import RosterUnavailable
from readings.lti.models import ContextLink, RegisteredVia
from readings.lti.registration import invitation_create
from readings.lti.roster import roster_sync
from readings.lti.selectors import launch_records
from readings.lti.services import (
    lti_purge,
    platform_register,
    tool_key_current,
    tool_keys_rotate,
)

_CONFIG_LINES = (
    ("OIDC login URL", "login_url"),
    ("Launch / redirect URL", "launch_url"),
    ("Deep linking URL", "deep_linking_url"),
    ("Key set (JWKS) URL", "jwks_url"),
    ("Dynamic registration URL", "dynamic_registration_url"),
)


class Command(InstitutionCommand):
    help = "LTI 1.3: print the tool configuration, rotate keys, register an LMS."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        config = sub.add_parser("config", help="Print what to enter in the LMS.")
        config.add_argument("--json", action="store_true", help="Print JSON.")
        config.add_argument(
            "--base-url", default="", help="Readings' public address (default: READINGS_BASE_URL)."
        )
        rotate = sub.add_parser("rotate-keys", help="Make a new signing key.")
        rotate.add_argument(
            "--grace-days",
            type=int,
            default=7,
            help="Keep publishing the old key this many days (default: 7).",
        )
        register = sub.add_parser("register", help="Register an LMS platform.")
        for option, text in (
            ("--issuer", "The platform's issuer (iss), exactly as it sends it."),
            ("--client-id", "The client id the LMS gave Readings."),
            ("--auth-login-url", "The LMS's OIDC authentication URL."),
            ("--auth-token-url", "The LMS's OAuth2 access token URL."),
            ("--keyset-url", "The LMS's public key set (JWKS) URL."),
        ):
            register.add_argument(option, required=True, help=text)
        register.add_argument(
            "--deployment-id", action="append", required=True, help="Repeat for several."
        )
        register.add_argument("--name", default="", help="A name people recognise.")
        self.add_institution_option(register)
        invite = sub.add_parser(
            "registration-url", help="A dynamic registration link for an LMS administrator."
        )
        invite.add_argument("--base-url", default="", help="Readings' public address.")
        self.add_institution_option(invite)
        sync = sub.add_parser("sync-roster", help="Pull course rosters from the LMS now.")
        sync.add_argument("--context", type=int, help="One LMS course (context link id).")
        purge = sub.add_parser(
            "purge",
            help="Delete launch records past their retention, and expired nonces.",
        )
        purge.add_argument(
            "--retention-days",
            type=int,
            help="Keep launch records this many days (default: LTI_LAUNCH_RETENTION_DAYS, 400).",
        )
        launches = sub.add_parser("launches", help="Show recent launches.")
        launches.add_argument("--refused", action="store_true", help="Only refused launches.")
        launches.add_argument("--limit", type=int, default=20)

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "config":
            self._config(options)
        elif action == "rotate-keys":
            self._rotate(options)
        elif action == "register":
            self._register(options)
        elif action == "registration-url":
            self._invite(options)
        elif action == "sync-roster":
            self._sync(options)
        elif action == "purge":
            self._purge(options)
        else:
            self._launches(options)

    def _config(self, options: dict) -> None:
        config = tool_configuration(base=options["base_url"].rstrip("/") or base_url())
        if options["json"]:
            self.stdout.write(json.dumps(config, indent=2))
            return
        for label, key in _CONFIG_LINES:
            self.stdout.write(f"{label + ':':28} {config[key]}")
        self.stdout.write(f"{'Signature:':28} RS256 (key id {tool_key_current().kid})")

    def _rotate(self, options: dict) -> None:
        import datetime

        key = tool_keys_rotate(grace=datetime.timedelta(days=options["grace_days"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"New signing key {key.kid}; older keys stay published "
                f"{options['grace_days']} days."
            )
        )

    def _register(self, options: dict) -> None:
        institution = self.institution(options)
        try:
            platform = platform_register(
                institution=institution,
                issuer=options["issuer"],
                client_id=options["client_id"],
                auth_login_url=options["auth_login_url"],
                auth_token_url=options["auth_token_url"],
                keyset_url=options["keyset_url"],
                deployment_ids=options["deployment_id"],
                name=options["name"],
                via=RegisteredVia.CLI,
            )
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        deployments = ", ".join(platform.deployments.values_list("deployment_id", flat=True))
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered {platform.name} for {institution.code}: issuer {platform.issuer}, "
                f"client id {platform.client_id}, deployments {deployments}."
            )
        )

    def _invite(self, options: dict) -> None:
        institution = self.institution(options)
        base = options["base_url"].rstrip("/") or base_url()
        url = tool_urls(base)["dynamic_registration_url"]
        token = invitation_create(institution)
        self.stdout.write(f"{url}?{urlencode({'invitation': token})}")
        self.stderr.write(
            f"Give this link to {institution.name}'s LMS administrator; it works for 7 days."
        )

    def _sync(self, options: dict) -> None:
        contexts = (
            ContextLink.objects.select_related("platform", "course")
            .filter(course__isnull=False)
            .exclude(memberships_url="")
        )
        if options["context"]:
            contexts = contexts.filter(pk=options["context"])
        for context in contexts:
            try:
                result = roster_sync(context=context)
            except (RosterUnavailable, InvalidInput) as exc:
                self.stderr.write(f"{context}: {exc}")
                continue
            self.stdout.write(
                f"{context} → {context.course}: {result.enrolled} enrolled, "
                f"{result.removed} removed, {result.skipped} skipped"
            )

    def _purge(self, options: dict) -> None:
        try:
            purged = lti_purge(retention_days=options["retention_days"])
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Deleted {purged.launches} launch records past their retention "
            f"and {purged.nonces} expired nonces."
        )

    def _launches(self, options: dict) -> None:
        records = launch_records(result="refused" if options["refused"] else "")
        for record in records[: options["limit"]]:
            self.stdout.write(
                f"{record.created_at:%Y-%m-%d %H:%M:%S} {record.reference} {record.result:8} "
                f"{record.error_id or '-':28} {record.platform or '-'} "
                f"{record.user or '-'} {record.role or '-'} {record.course or '-'}"
                f"{' (simulated)' if record.simulated else ''}"
            )
