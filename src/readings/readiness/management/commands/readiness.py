"""readings readiness [--institution CODE] [--json]

The go-live checklist from live state. Exit status 0 when everything required
for go-live holds, 1 otherwise, so monitoring can call it.
"""

from __future__ import annotations

import json
import sys

from readings.core.commands import InstitutionCommand
from readings.readiness.checks import evidence_text, readiness_snapshot

_MARKS = {"pass": "PASS", "fail": "FAIL", "manual": "TODO", "not_applicable": "N/A "}


class Command(InstitutionCommand):
    help = "Show the go-live readiness checks; exit 1 unless everything required holds."

    def add_arguments(self, parser) -> None:
        self.add_institution_option(parser)
        parser.add_argument("--json", action="store_true", help="Print JSON for other tools.")

    def handle(self, *args, **options) -> None:
        institution = self.institution(options)
        snapshot = readiness_snapshot(institution)
        if options["json"]:
            shown = {key: value for key, value in snapshot.items() if key != "ready"}
            self.stdout.write(json.dumps(shown, indent=2, ensure_ascii=False))
        else:
            self._print(institution, snapshot)
        if not snapshot["ready"]:
            # Called from call_command in tests as well: SystemExit carries the status.
            sys.exit(1)

    def _print(self, institution, snapshot: dict) -> None:
        go_live = snapshot["go_live_date"] or "not set (readings plan --go-live YYYY-MM-DD)"
        self.stdout.write(f"{institution.name} ({institution.code}) — go-live {go_live}")
        if snapshot["phase"]:
            self.stdout.write(f"Phase: {snapshot['phase']}")
        for check in snapshot["checks"]:
            optional = "" if check["required"] else " (not required)"
            self.stdout.write(f"[{_MARKS[check['status']]}] {check['title']}{optional}")
            if check["explanation"]:
                self.stdout.write(f"       {check['explanation']}")
            evidence = evidence_text(check["evidence"])
            if evidence != "—":
                self.stdout.write(f"       evidence: {evidence[:300]}")
        verdict = "Ready for go-live." if snapshot["ready"] else "Not ready for go-live."
        style = self.style.SUCCESS if snapshot["ready"] else self.style.WARNING
        self.stdout.write(style(verdict))
