"""Background work for loaders: files uploaded on the web are loaded by the task worker."""

from __future__ import annotations

from django_tasks import task

from readings.loaders import services


@task()
def load_task(load_id: int) -> str | None:
    """Run a queued load; return its final status (None when it was gone or had run)."""
    load = services.load_run(load_id=load_id)
    return load.status if load is not None else None
