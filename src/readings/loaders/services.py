"""Writes for loaders: load a file (checked, then applied atomically) and record the load.

Every load, dry run or not, leaves a ``Load`` row saying who loaded which
file (by name and content hash), when, what was found and what was done. Two
loads of one kind never run at once for an institution (see ``locking``).
"""

from __future__ import annotations

import datetime
import hashlib
from functools import partial
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from readings.accounts.models import User
from readings.core.exceptions import ApplicationError, InvalidInput
from readings.institutions.models import Institution
from readings.institutions.selectors import institution_setting
from readings.lists.models import ListStatus
from readings.loaders import selectors, uploads, values
from readings.loaders.course_load import UPDATABLE, CourseLoader
from readings.loaders.list_load import ListLoader
from readings.loaders.locking import load_lock
from readings.loaders.models import UNFINISHED_STATUSES, Load, LoadKind, LoadStatus
from readings.loaders.problems import Problem, Report
from readings.loaders.progress import LoadProgress
from readings.loaders.runs import ApplyAborted, LoadOptions, Progress, fewer_collections

_INSTITUTION_SETTING = "(institution setting)"
_FILE_CHANGED = (
    "The file changed while it was being loaded; nothing was applied. Load it again once it "
    "is complete."
)


def courses_load(
    *,
    institution: Institution,
    path: Path,
    options: LoadOptions | None = None,
    acting_user: User | None = None,
    source: str = "cli",
    file_name: str = "",
    progress: Progress | None = None,
    queued: Load | None = None,
) -> Load:
    """Check a course-loader file and, unless it is a dry run or has errors, apply it.

    Raises InvalidInput when the file cannot be opened or the options or the
    institution's loader settings are unusable, LoadRunning when another course
    load runs for the institution; everything wrong inside the file is in the
    returned load's report.
    """
    _check_course_settings(institution)
    return _load(
        kind=LoadKind.COURSES,
        loader_class=CourseLoader,
        institution=institution,
        path=path,
        options=options,
        acting_user=acting_user,
        source=source,
        file_name=file_name,
        progress=progress,
        queued=queued,
    )


def lists_load(
    *,
    institution: Institution,
    path: Path,
    options: LoadOptions | None = None,
    acting_user: User | None = None,
    source: str = "cli",
    file_name: str = "",
    progress: Progress | None = None,
    queued: Load | None = None,
) -> Load:
    """Check a reading-list file and, unless it is a dry run or has errors, apply it.

    Raises as ``courses_load`` does; re-loading a file adds only what is missing.
    """
    return _load(
        kind=LoadKind.LISTS,
        loader_class=ListLoader,
        institution=institution,
        path=path,
        options=options,
        acting_user=acting_user,
        source=source,
        file_name=file_name,
        progress=progress,
        queued=queued,
    )


def load_submit(
    *,
    institution: Institution,
    kind: str,
    upload: UploadedFile,
    options: LoadOptions,
    acting_user: User,
) -> Load:
    """Keep an uploaded file and queue its load; the task is enqueued once this commits.

    Raises InvalidInput for an unknown kind, a file over the size limit, or
    options or institution settings the load would refuse.
    """
    if kind not in LoadKind.values:
        raise InvalidInput({"kind": [f"Choose one of {', '.join(LoadKind.values)}."]})
    limit = uploads.max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise InvalidInput({"file": [uploads.too_large_message(upload.size, limit)]})
    options = LoadOptions(
        dry_run=options.dry_run,
        apply_valid=options.apply_valid,
        date_format=_date_format(options.date_format),
        create_departments=options.create_departments,
    )
    if kind == LoadKind.COURSES:
        _check_course_settings(institution)
    stored = uploads.store(upload, institution_id=institution.pk)
    try:
        facts = _file_facts(uploads.path_of(stored))
        with transaction.atomic():
            load = Load.objects.create(
                institution=institution,
                kind=kind,
                started_by=acting_user,
                source="web",
                status=LoadStatus.QUEUED,
                file_name=Path(upload.name or "upload").name[:255],
                file_size=facts.size,
                sha256=facts.sha256,
                options=_recorded(options),
                stored_file=stored,
            )
            transaction.on_commit(partial(_enqueue, load.pk))
    except BaseException:
        uploads.discard(stored)
        raise
    return load


def _enqueue(load_id: int) -> None:
    from readings.loaders.tasks import load_task  # the task module imports this one

    load_task.enqueue(load_id)


def load_run(*, load_id: int) -> Load | None:
    """Run a load queued from the web (the task's body); None if it is gone or has run.

    A load that cannot start (another load of its kind is running, the
    institution's settings are unusable) ends as failed, saying why. The
    uploaded file is deleted however the load ends.
    """
    load = (
        Load.objects.select_related("institution", "started_by")
        .filter(pk=load_id, status=LoadStatus.QUEUED)
        .first()
    )
    if load is None:
        return None
    run = courses_load if load.kind == LoadKind.COURSES else lists_load
    try:
        with LoadProgress(load.pk) as progress:
            return run(
                institution=load.institution,
                path=uploads.path_of(load.stored_file),
                options=_from_record(load.options),
                acting_user=load.started_by,
                source=load.source,
                file_name=load.file_name,
                progress=progress,
                queued=load,
            )
    except ApplicationError as exc:
        report = Report(kind=load.kind)
        report.error(Problem(0, "", "", exc.message))
        _load_finish(load, report, LoadStatus.FAILED, applied=False)
        return load
    finally:
        uploads.discard(load.stored_file)
        Load.objects.filter(pk=load.pk).update(stored_file="")
        # Whatever cut the load short, it applied nothing (the apply is one transaction).
        Load.objects.filter(pk=load.pk, status__in=UNFINISHED_STATUSES).update(
            status=LoadStatus.FAILED, finished_at=timezone.now()
        )


def _load(
    *,
    kind: str,
    loader_class: type[CourseLoader] | type[ListLoader],
    institution: Institution,
    path: Path,
    options: LoadOptions | None,
    acting_user: User | None,
    source: str,
    file_name: str,
    progress: Progress | None,
    queued: Load | None = None,
) -> Load:
    options = options or LoadOptions()
    options = LoadOptions(
        dry_run=options.dry_run,
        apply_valid=options.apply_valid,
        date_format=_date_format(options.date_format),
        create_departments=options.create_departments,
    )
    facts = _file_facts(path)
    with load_lock(institution.pk, kind, institution.code), fewer_collections():
        load = _load_start(
            institution=institution,
            kind=kind,
            acting_user=acting_user,
            source=source,
            file_name=file_name or path.name,
            facts=facts,
            queued=queued,
            options=_recorded(options),
        )
        report = Report(kind=kind)
        _note_previous(load, report)
        loader = loader_class(
            institution=institution, path=path, options=options, report=report, progress=progress
        )
        status = LoadStatus.FAILED
        try:
            loader.check()
            if loader.sha256 and loader.sha256 != facts.sha256 and not report.fatal:
                # The apply writes what the check read (never the file again); that
                # must be the content the load is recorded with.
                report.error(Problem(0, "", "", _FILE_CHANGED), fatal=True)
            aborted = False
            if loader.may_apply:
                if progress:
                    progress("applying", 0, facts.size)
                try:
                    loader.apply()
                except ApplyAborted as exc:
                    report.error(Problem(0, "", "", exc.message))
                    aborted = True
                except DatabaseError as exc:
                    # Kept with the load, so its history says why it failed; the caller
                    # (the command, the task) still sees the error.
                    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    report.error(
                        Problem(
                            0,
                            "",
                            "",
                            f"The database refused the apply ({first_line}); nothing was applied.",
                        )
                    )
                    raise
            status = _status(report, options, applied=loader.applied, aborted=aborted)
        finally:
            loader.close()
            _load_finish(load, report, status, applied=loader.applied)
    return load


def _recorded(options: LoadOptions) -> dict:
    return {
        "dry_run": options.dry_run,
        "apply_valid": options.apply_valid,
        "date_format": options.date_format or _INSTITUTION_SETTING,
        "create_departments": options.create_departments,
    }


def _from_record(record: dict) -> LoadOptions:
    date_format = record.get("date_format", "")
    return LoadOptions(
        dry_run=bool(record.get("dry_run")),
        apply_valid=bool(record.get("apply_valid")),
        date_format="" if date_format == _INSTITUTION_SETTING else date_format,
        create_departments=bool(record.get("create_departments")),
    )


def _status(report: Report, options: LoadOptions, *, applied: bool, aborted: bool) -> str:
    if applied:
        return LoadStatus.APPLIED_VALID if report.has_errors else LoadStatus.APPLIED
    if aborted:
        return LoadStatus.FAILED
    if options.dry_run:
        return LoadStatus.CHECKED
    return LoadStatus.REJECTED


def _date_format(text: str) -> str:
    if not text:
        return ""
    for known in values.DATE_FORMATS:
        if text.strip().upper() == known.upper():
            return known
    raise InvalidInput(
        {"date_format": [f"'{text}' is not a date format; use {', '.join(values.DATE_FORMATS)}."]}
    )


def _check_course_settings(institution: Institution) -> None:
    errors: list[str] = []
    fields = institution_setting(institution, "course_update_fields")
    unknown = [f for f in fields or () if f not in UPDATABLE] if isinstance(fields, list) else None
    if unknown is None or unknown:
        errors.append(
            f"The institution setting course_update_fields names {unknown or fields!r}; "
            f"list some of {', '.join(UPDATABLE)}."
        )
    status = institution_setting(institution, "rollover_list_status")
    if status not in ListStatus.values:
        errors.append(
            f"The institution setting rollover_list_status is '{status}'; use one of "
            f"{', '.join(ListStatus.values)}."
        )
    date_format = institution_setting(institution, "course_date_format")
    if date_format not in values.DATE_FORMATS:
        errors.append(
            f"The institution setting course_date_format is '{date_format}'; use one of "
            f"{', '.join(values.DATE_FORMATS)}."
        )
    if errors:
        raise InvalidInput({"settings": errors})


class _FileFacts:
    def __init__(self, size: int, modified: datetime.datetime, sha256: str) -> None:
        self.size = size
        self.modified = modified
        self.sha256 = sha256


def _file_facts(path: Path) -> _FileFacts:
    try:
        with path.open("rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        stat = path.stat()
    except IsADirectoryError as exc:
        raise InvalidInput({"file": [f"{path} is a directory, not a file."]}) from exc
    except OSError as exc:
        raise InvalidInput({"file": [f"Cannot read {path}: {exc.strerror or exc}."]}) from exc
    modified = datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC)
    return _FileFacts(stat.st_size, modified, digest)


def _load_start(
    *,
    institution: Institution,
    kind: str,
    acting_user: User | None,
    source: str,
    file_name: str,
    facts: _FileFacts,
    options: dict,
    queued: Load | None,
) -> Load:
    # The lock is held, so a load still marked running was cut short (killed).
    Load.objects.filter(institution=institution, kind=kind, status=LoadStatus.RUNNING).update(
        status=LoadStatus.INTERRUPTED, finished_at=timezone.now()
    )
    if queued is not None:
        queued.status = LoadStatus.RUNNING
        queued.file_size = facts.size
        queued.sha256 = facts.sha256
        queued.options = options
        queued.save(update_fields=["status", "file_size", "sha256", "options"])
        return queued
    return Load.objects.create(
        institution=institution,
        kind=kind,
        started_by=acting_user,
        source=source,
        file_name=file_name[:255],
        file_size=facts.size,
        file_modified_at=facts.modified,
        sha256=facts.sha256,
        options=options,
    )


def _note_previous(load: Load, report: Report) -> None:
    previous = selectors.load_applied_with_hash(
        institution=load.institution, kind=load.kind, sha256=load.sha256, exclude_id=load.pk
    )
    if previous is None:
        return
    when = timezone.localtime(previous.started_at).strftime("%Y-%m-%d %H:%M")
    report.notes.append(
        f"This file was already loaded on {when} (load {previous.pk}, {previous.file_name}); "
        "loading it again changes only what differs from it now."
    )
    report.profile["previous_load"] = previous.pk


def _load_finish(load: Load, report: Report, status: str, *, applied: bool) -> None:
    data = report.as_dict()
    data.update(
        {
            "load": load.pk,
            "file": load.file_name,
            "sha256": load.sha256,
            "status": status,
            "applied": applied,
            "dry_run": bool(load.options.get("dry_run")),
        }
    )
    load.status = status
    load.finished_at = timezone.now()
    load.report = data
    for name in ("rows", "created", "updated", "deleted", "rolled_over", "skipped"):
        setattr(load, name, data[name])
    load.error_count = report.error_count
    load.warning_count = report.warning_count
    load.stage = ""
    load.save(
        update_fields=[
            "status",
            "finished_at",
            "report",
            "rows",
            "created",
            "updated",
            "deleted",
            "rolled_over",
            "skipped",
            "error_count",
            "warning_count",
            "stage",
        ]
    )
