"""Writes for users and their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from readings.accounts.models import Role, RoleAssignment, User
from readings.core.exceptions import InvalidInput
from readings.core.models import validate
from readings.institutions.models import Institution


@transaction.atomic
def user_create(
    *,
    institution: Institution | None,
    username: str,
    email: str = "",
    primary_id: str = "",
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[str] = (),
    password: str | None = None,
) -> User:
    """Create a user; without a password the account can only sign in through SSO/LTI."""
    user = User(
        institution=institution,
        username=username.strip(),
        email=email.strip(),
        primary_id=primary_id.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    validate(user, exclude=["password"])
    _check_primary_id_free(user)
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


def user_set_roles(*, user: User, roles: Iterable[str]) -> User:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        allowed = ", ".join(Role.values)
        raise InvalidInput({"roles": [f"Unknown role(s) {sorted(unknown)}; use {allowed}."]})
    current = set(user.roles.values_list("role", flat=True))
    user.roles.filter(role__in=current - wanted).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for role in sorted(wanted - current)]
    )
    user.__dict__.pop("role_set", None)
    return user


def user_grant_role(*, user: User, role: str) -> User:
    return user_set_roles(user=user, roles={*user.role_set, role})


def _check_primary_id_free(user: User) -> None:
    # The database enforces this too; checking first gives a field-level message.
    if not user.primary_id:
        return
    taken = User.objects.filter(institution=user.institution, primary_id=user.primary_id)
    if user.pk:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise InvalidInput(
            {"primary_id": [f"Primary id '{user.primary_id}' already belongs to another user."]}
        )
