"""Reads for loaders: load history, and the lookups a file is checked against."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import OuterRef, QuerySet, Subquery

from readings.accounts.models import User
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.loaders.models import APPLIED_STATUSES, Load, LoadStatus

T = TypeVar("T")
# Under SQLite's and PostgreSQL's limits on query parameters, with room to spare.
CHUNK = 500


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def unapplied_migrations() -> list[str]:
    """The migrations of this code the database lacks (``app.name``), in the order they apply.

    A load writes every column the models have; against an older schema the
    apply would fail only after the whole file was checked.
    """
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [
        f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards
    ]


def load_history(*, institution: Institution, kind: str | None = None) -> QuerySet[Load]:
    loads = Load.objects.filter(institution=institution).select_related("started_by")
    if kind:
        loads = loads.filter(kind=kind)
    return loads.order_by("-started_at", "-pk")


def load_history_rows(*, institution: Institution) -> QuerySet[Load]:
    """Loads newest first, each with ``same_as``: the latest earlier applied load of its file.

    The reports (up to thousands of problems each) are left in the database.
    """
    earlier = Load.objects.filter(
        institution=OuterRef("institution"),
        kind=OuterRef("kind"),
        sha256=OuterRef("sha256"),
        status__in=APPLIED_STATUSES,
        started_at__lt=OuterRef("started_at"),
    ).order_by("-started_at", "-pk")
    return (
        load_history(institution=institution)
        .defer("report")
        .annotate(same_as=Subquery(earlier.values("pk")[:1]))
    )


def load_same_file_before(load: Load) -> Load | None:
    """The latest load that applied the same file before this one started, if any."""
    return (
        Load.objects.filter(
            institution_id=load.institution_id,
            kind=load.kind,
            sha256=load.sha256,
            status__in=APPLIED_STATUSES,
            started_at__lt=load.started_at,
        )
        .order_by("-started_at", "-pk")
        .first()
    )


def load_applied_with_hash(
    *, institution: Institution, kind: str, sha256: str, exclude_id: int | None = None
) -> Load | None:
    """The latest applied load of the same content, if any."""
    loads = Load.objects.filter(
        institution=institution, kind=kind, sha256=sha256, status__in=APPLIED_STATUSES
    )
    if exclude_id:
        loads = loads.exclude(pk=exclude_id)
    return loads.order_by("-started_at", "-pk").first()


def loaded_hashes(*, institution: Institution, kind: str) -> set[str]:
    return set(
        Load.objects.filter(
            institution=institution, kind=kind, status__in=APPLIED_STATUSES
        ).values_list("sha256", flat=True)
    )


def courses_by_key(
    *, institution_id: int, keys: Collection[tuple[str, str]], fields: Sequence[str] = ()
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(code, section): {"id": …, field: …}} for the keys that exist."""
    wanted = set(keys)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for codes in chunked(sorted({code for code, _ in wanted})):
        for row in Course.objects.filter(institution_id=institution_id, code__in=codes).values(
            "id", "code", "section", *fields
        ):
            key = (row["code"], row["section"])
            if key in wanted:
                found[key] = row
    return found


def user_ids_by_primary_id(*, institution_id: int, primary_ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunked(primary_ids):
        found.update(
            User.objects.filter(institution_id=institution_id, primary_id__in=chunk).values_list(
                "primary_id", "id"
            )
        )
    return found


def usernames_taken(names: Iterable[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in chunked(names):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    return taken


def related_values(
    model: type, owner: str, others: Sequence[str], owner_ids: Iterable[int]
) -> dict[int, set[Any]]:
    """{owner id: {value, …}} from a through or child table; several ``others`` give tuples."""
    found: dict[int, set[Any]] = {}
    for chunk in chunked(owner_ids):
        rows = model.objects.filter(**{f"{owner}__in": chunk}).values_list(owner, *others)
        for owner_id, *value in rows:
            found.setdefault(owner_id, set()).add(value[0] if len(value) == 1 else tuple(value))
    return found


_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", "~")


def files_to_load(*, institution: Institution, kind: str, directory: Path) -> list[Path]:
    """Files in ``directory`` newer than the last one applied from it, oldest name first.

    Hidden and partly transferred files (.tmp, .part…) are left for a later
    run, and so is content already applied under another name.
    """
    last = (
        Load.objects.filter(
            institution=institution, kind=kind, source="schedule", status__in=APPLIED_STATUSES
        )
        .order_by("-file_modified_at")
        .first()
    )
    since = last.file_modified_at if last else None
    done = loaded_hashes(institution=institution, kind=kind)
    found = []
    for path in directory.iterdir():
        if path.name.startswith(".") or path.name.endswith(_PARTIAL_SUFFIXES) or not path.is_file():
            continue
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if since is not None and modified <= since:
            continue
        with path.open("rb") as stream:
            if hashlib.file_digest(stream, "sha256").hexdigest() in done:
                continue
        found.append((path.name, modified, path))
    return [path for _, _, path in sorted(found)]


_STAGES = {"checking": "Checking the file", "applying": "Applying the file"}


def load_progress(load: Load) -> dict[str, Any]:
    """Where a load stands, for its page and the page's polling (JSON-ready)."""
    total = load.progress_total or load.file_size
    percent = None
    if load.stage and total and not (load.stage == "applying" and not load.progress_done):
        percent = min(100, load.progress_done * 100 // total)
    if load.status == LoadStatus.QUEUED:
        message = "Waiting for the task worker to start the load…"
    elif load.status == LoadStatus.RUNNING:
        # Announced to screen readers: the stage only, not every percent.
        message = _STAGES.get(load.stage, "Starting the load") + "…"
    else:
        message = f"Finished: {load.get_status_display()}."
    return {
        "id": load.pk,
        "status": load.status,
        "status_label": load.get_status_display(),
        "finished": load.finished,
        "stage": load.stage,
        "done": load.progress_done,
        "total": total,
        "percent": percent,
        "message": message,
    }
