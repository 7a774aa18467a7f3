"""Writes for users and their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str]) -> User:
    """Give the user exactly these roles (one assignment per role)."""
    wanted = {roles} if isinstance(roles, str) else set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        allowed = ", ".join(Role.values)
        message = ngettext(
            "Unknown role %(roles)s; use %(allowed)s.",
            "Unknown roles %(roles)s; use %(allowed)s.",
            len(unknown),
        ) % {"roles": ", ".join(sorted(unknown)), "allowed": allowed}
        raise InvalidInput({"roles": [message]})
    current = set(user.roles.values_list("role", flat=True))
    user.roles.filter(role__in=current - wanted).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for role in sorted(wanted - current)]
    )
    user.__dict__.pop("role_set", None)
    return user


def user_grant_role(*, user: User, role: str) -> User:
    return user_set_roles(user=user, roles={*user.role_set, role})


def user_set_password_hash(*, user: User, password_hash: str) -> User:
    """Store an already-hashed password (bulk provisioning hashes once for many users)."""
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def user_set_site_admin(*, user: User, enabled: bool) -> User:
    """Grant or withdraw the Django admin (staff + superuser) for platform operators."""
    user.is_staff = user.is_superuser = enabled
    user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("role_set", None)
    return user


def librarian_set_departments(*, user: User, departments: Iterable[object]) -> User:
    """Tie a librarian to the processing departments whose lists they work on."""
    departments = list(departments)
    if any(d.institution_id != user.institution_id for d in departments):
        raise InvalidInput(
            {"processing_departments": [_("Departments must belong to the user's institution.")]}
        )
    user.processing_departments.set(departments)
    return user
