"""Web loads run as background tasks: queued, run by the worker, progress recorded on the row."""

from __future__ import annotations

import contextlib
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.urls import reverse
from loader_files import course

from readings.courses.models import Course
from readings.loaders import services
from readings.loaders.locking import LoadRunning
from readings.loaders.models import Load, LoadStatus
from readings.loaders.progress import LoadProgress
from readings.loaders.runs import LoadOptions

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _stored_files(settings) -> list:
    return [p for p in (settings.MEDIA_ROOT / "loads").rglob("*") if p.is_file()]


@pytest.mark.django_db(transaction=True)
def test_an_upload_waits_for_the_worker_which_runs_it(
    librarian_client, course_file, settings, run_worker
):
    settings.TASKS = DATABASE_TASKS
    with course_file([course("HIST101"), course("HIST102")]).open("rb") as stream:
        response = librarian_client.post(
            reverse("loaders:new"), {"kind": "courses", "mode": "apply", "file": stream}
        )
    load = Load.objects.get()
    progress_url = reverse("loaders:progress", args=[load.pk])

    waiting = librarian_client.get(progress_url).json()
    page = librarian_client.get(response["Location"]).content.decode()
    assert load.status == LoadStatus.QUEUED
    assert len(_stored_files(settings)) == 1
    assert waiting["finished"] is False
    assert waiting["message"] == "Waiting for the task worker to start the load…"
    assert '<p id="load-stage" role="status" aria-live="polite">' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert not Course.objects.exists()

    run_worker()

    load.refresh_from_db()
    assert load.status == LoadStatus.APPLIED
    assert Course.objects.count() == 2
    assert _stored_files(settings) == []
    done = librarian_client.get(progress_url).json()
    assert (done["finished"], done["status"]) == (True, "applied")


@pytest.mark.usefixtures("immediate_tasks")
def test_a_finished_load_recorded_its_progress_to_the_end_of_the_file(submit, course_file):
    path = course_file([course(f"C{n}") for n in range(5)])

    submit(path, mode="dry_run")

    load = Load.objects.get()
    assert load.progress_done == load.progress_total == path.stat().st_size
    assert load.stage == ""  # cleared when the load finished


@pytest.mark.usefixtures("immediate_tasks")
def test_a_load_that_cannot_start_fails_saying_why_and_drops_the_file(
    submit, course_file, settings, monkeypatch
):
    @contextlib.contextmanager
    def busy(institution_id, kind, label):
        raise LoadRunning(
            f"Another {kind} load is running for {label}; wait until it has finished."
        )
        yield

    monkeypatch.setattr(services, "load_lock", busy)

    page = submit(course_file([course("A1")]), mode="apply").content.decode()

    load = Load.objects.get()
    assert load.status == LoadStatus.FAILED
    assert load.finished_at is not None
    assert "Another courses load is running for UNI; wait until it has finished." in page
    assert "Nothing was applied." in page
    assert _stored_files(settings) == []


def test_the_progress_endpoint_reports_stage_and_percent(
    librarian_client, librarian, uni, course_file
):
    # Queued only (this test's transaction never commits, so no task is enqueued):
    # the test plays the worker's part.
    path = course_file([course("A1")])
    load = services.load_submit(
        institution=uni,
        kind="courses",
        upload=SimpleUploadedFile("courses.tsv", path.read_bytes()),
        options=LoadOptions(),
        acting_user=librarian,
    )
    Load.objects.filter(pk=load.pk).update(status=LoadStatus.RUNNING)
    with LoadProgress(load.pk) as progress:
        progress("checking", 50, 200)

    data = librarian_client.get(reverse("loaders:progress", args=[load.pk])).json()

    assert data == {
        "id": load.pk,
        "status": "running",
        "status_label": "Running",
        "finished": False,
        "stage": "checking",
        "done": 50,
        "total": 200,
        "percent": 25,
        "message": "Checking the file…",
    }


def test_progress_is_written_at_most_once_a_second_except_stage_changes_and_ends(
    uni, course_file, django_assert_num_queries
):
    load = services.courses_load(
        institution=uni,
        path=course_file([course("A1")]),
        options=LoadOptions(dry_run=True),
    )
    now = [0.0]
    progress = LoadProgress(load.pk, interval=1.0, clock=lambda: now[0])
    written = []

    with progress:
        for at, call, writes in [
            (0.0, ("checking", 10, 100), True),  # the first call
            (0.5, ("checking", 20, 100), False),  # too soon
            (1.2, ("checking", 30, 100), True),  # a second later
            (1.3, ("checking", 100, 100), True),  # the end of the stage
            (1.4, ("applying", 0, 100), True),  # a new stage
            (1.5, ("applying", 5, 100), False),  # too soon
        ]:
            now[0] = at
            with django_assert_num_queries(1 if writes else 0):
                progress(*call)
            load.refresh_from_db()
            written.append((load.stage, load.progress_done))

    assert written == [
        ("checking", 10),
        ("checking", 10),
        ("checking", 30),
        ("checking", 100),
        ("applying", 0),
        ("applying", 0),
    ]


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_apply_transaction_is_visible_at_once_on_postgresql(uni, course_file):
    load = services.courses_load(
        institution=uni,
        path=course_file([course("A1")]),
        options=LoadOptions(dry_run=True),
    )
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with LoadProgress(load.pk, interval=0) as progress:
            progress("checking", 100, 100)
            with transaction.atomic():  # as the apply pass runs
                progress("applying", 40, 100)
                with observer.cursor() as cursor:
                    cursor.execute(
                        "SELECT stage, progress_done FROM loaders_load WHERE id = %s", [load.pk]
                    )
                    seen = cursor.fetchone()
    finally:
        observer.close()

    if connection.vendor == "postgresql":
        assert tuple(seen) == ("applying", 40)
    else:
        # SQLite has one writer: the row keeps the last figures written before the apply.
        assert tuple(seen) == ("checking", 100)


@pytest.mark.parametrize(
    ("production", "wanted", "backend", "started"),
    [
        (False, None, DATABASE_TASKS, True),  # development: on by default
        (True, None, DATABASE_TASKS, False),  # production runs its own workers
        (True, True, DATABASE_TASKS, True),  # --with-worker
        (False, False, DATABASE_TASKS, False),  # --without-worker
        (False, True, {"default": {"BACKEND": IMMEDIATE}}, False),  # tasks run inline
    ],
)
def test_serve_starts_a_task_worker_beside_it_in_development_only(
    settings, monkeypatch, production, wanted, backend, started
):
    from readings.core.management.commands import serve

    launched = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda command: launched.append(command))
    settings.PRODUCTION = production
    settings.TASKS = backend

    serve._start_task_worker(wanted)

    expected = [[sys.executable, "-m", "readings.config.cli", "db_worker", "--no-reload"]]
    assert launched == (expected if started else [])
