"""Background work for LTI: roster syncs triggered by launches."""

from __future__ import annotations

import logging

from django_tasks import task

from readings.lti.errors import RosterUnavailable
from readings.lti.models import ContextLink
from readings.lti.roster import roster_sync, roster_sync_due

log = logging.getLogger("readings.lti")


@task()
def roster_sync_task(context_id: int) -> None:
    context = ContextLink.objects.select_related("platform", "course").filter(pk=context_id).first()
    if context is None or not roster_sync_due(context):
        return  # gone, or another launch's sync already ran
    try:
        roster_sync(context=context)
    except RosterUnavailable as exc:
        log.warning("LTI roster sync failed for context %s: %s", context_id, exc.detail)
