"""What a loader row refers to: departments, terms and people, looked up once per load.

Unknown academic departments and terms are created just in time when the
institution allows it, unknown instructors become users with no password
(they sign in through SSO or LTI, matched by primary id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from readings.accounts.models import Role, RoleAssignment, User
from readings.institutions.models import (
    AcademicDepartment,
    Institution,
    ProcessingDepartment,
    Term,
    code_validator,
)
from readings.loaders import selectors

_USERNAME_UNSAFE = re.compile(r"[^\w.+-]")
_USERNAME_LENGTH = 150


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot name a new department or term, or None."""
    try:
        code_validator(code)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


class References:
    """The institution's departments, terms and users by code, filled as rows need them."""

    def __init__(self, institution: Institution) -> None:
        self.institution = institution
        self.processing = dict(
            ProcessingDepartment.objects.filter(institution=institution).values_list("code", "id")
        )
        self.academic = dict(
            AcademicDepartment.objects.filter(institution=institution).values_list("code", "id")
        )
        self.terms = dict(Term.objects.filter(institution=institution).values_list("code", "id"))
        self.users: dict[str, int] = {}
        self._looked_up: set[str] = set()

    def find_users(self, primary_ids: Iterable[str]) -> None:
        wanted = {p for p in primary_ids if p not in self._looked_up}
        if not wanted:
            return
        self.users.update(
            selectors.user_ids_by_primary_id(
                institution_id=self.institution.pk, primary_ids=sorted(wanted)
            )
        )
        self._looked_up |= wanted

    def create_academic_departments(self, codes: Iterable[str]) -> None:
        new = sorted({c for c in codes if c and c not in self.academic})
        made = AcademicDepartment.objects.bulk_create(
            [AcademicDepartment(institution=self.institution, code=c, name=c) for c in new]
        )
        self.academic.update((d.code, d.pk) for d in made)

    def create_terms(self, codes: Iterable[str]) -> None:
        new = sorted({c for c in codes if c and c not in self.terms})
        made = Term.objects.bulk_create(
            [Term(institution=self.institution, code=c, name=c) for c in new]
        )
        self.terms.update((t.code, t.pk) for t in made)

    def create_users(self, primary_ids: Iterable[str]) -> None:
        """Create an instructor account for each primary id no user has yet."""
        self.find_users(primary_ids)
        new = sorted({p for p in primary_ids if p and p not in self.users})
        if not new:
            return
        names = _usernames(new, self.institution.code)
        users = [
            User(
                institution=self.institution,
                username=names[pid],
                primary_id=pid,
                password=make_password(None),
            )
            for pid in new
        ]
        User.objects.bulk_create(users)
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=u.pk, role=Role.INSTRUCTOR) for u in users]
        )
        self.users.update((u.primary_id, u.pk) for u in users)


def _usernames(primary_ids: list[str], institution_code: str) -> dict[str, str]:
    """A readable, free username per primary id: 'jsmith@uni', 'jsmith@uni-2'…"""
    suffix = "@" + _USERNAME_UNSAFE.sub("_", institution_code.lower())
    wanted = {
        pid: _USERNAME_UNSAFE.sub("_", pid)[: _USERNAME_LENGTH - len(suffix) - 6] + suffix
        for pid in primary_ids
    }
    taken = selectors.usernames_taken(wanted.values())
    names: dict[str, str] = {}
    for pid, name in wanted.items():
        candidate, n = name, 1
        # Clashes are rare (two ids that differ only in unsafe characters, or
        # an account named so by hand): look each further candidate up.
        while candidate in taken or (n > 1 and selectors.usernames_taken([candidate])):
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate)
        names[pid] = candidate
    return names
