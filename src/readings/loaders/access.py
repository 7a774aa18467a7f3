"""Who may load files and read loads: the institution's librarians and administrators.

Everyone else gets "not found", for the pages and for any load id alike, so
nothing tells them that loads exist.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext

from readings.accounts.models import User
from readings.core.exceptions import NotFound
from readings.institutions.models import Institution
from readings.loaders.models import Load


def can_load(user: User | AnonymousUser) -> bool:
    # A platform superuser belongs to no institution, so has nothing to load into.
    return bool(user.is_authenticated and user.institution_id and user.is_library_staff)


def access_loads(user: User | AnonymousUser) -> Institution:
    """The institution whose files this user may load; NotFound for anyone else."""
    if not can_load(user):
        raise NotFound(gettext("No such page."))
    return user.institution


def access_load_by_id(
    user: User | AnonymousUser, load_id: int, *, with_report: bool = True
) -> Load:
    """One load of the user's institution; NotFound if missing, another's, or not allowed."""
    if not can_load(user):
        raise NotFound(gettext("No such load."))
    loads = Load.objects.select_related("institution", "started_by")
    if not with_report:
        loads = loads.defer("report")
    load = loads.filter(pk=load_id, institution_id=user.institution_id).first()
    if load is None:
        raise NotFound(gettext("No such load."))
    return load
