"""``readings load`` in-process: summaries, exit statuses, reports and the drop directory."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.core.management import call_command
from loader_files import DATA, course, write_lines

from readings.courses.models import Course
from readings.loaders.models import Load, LoadStatus


def run(*args: str) -> int:
    """The exit status the command would give (0 when it returns normally)."""
    try:
        call_command("load", *args)
    except SystemExit as exc:
        return exc.code
    return 0


def test_a_clean_file_exits_0_and_prints_what_it_did(uni, course_file, capsys):
    status = run("courses", str(course_file([course("HIST101"), course("HIST102")])))
    out = capsys.readouterr().out
    assert status == 0
    assert "created 2 · updated 0 · deleted 0 · skipped 0" in out
    assert out.rstrip().endswith("Applied.")


def test_errors_exit_1_list_each_problem_and_apply_nothing(uni, capsys, tmp_path):
    status = run("courses", str(DATA / "lancaster-courses-new.tsv"))
    out = capsys.readouterr().out
    assert status == 1
    assert "  line 3, END_DATE '2017-03-31' is before START_DATE '2018-01-14'." in out
    assert "Nothing was applied" in out
    assert not Course.objects.exists()


def test_the_json_report_has_the_documented_shape(uni, course_file, tmp_path):
    report_path = tmp_path / "report.json"
    run("courses", str(course_file([course("A1"), course("A1")])), "--report", str(report_path))
    report = json.loads(report_path.read_text())
    for key in ("rows", "created", "updated", "deleted", "rolled_over", "skipped"):
        assert isinstance(report[key], int)
    assert report["errors"] == [
        {
            "line": 3,
            "column": "COURSE_CODE",
            "value": "A1",
            "message": "COURSE_CODE/SECTION_ID A1 section 1 repeats the course of line 2; only "
            "the first row for a course is used.",
        }
    ]
    assert isinstance(report["warnings"], list)
    assert report["status"] == LoadStatus.REJECTED
    assert report["load"] == Load.objects.get().pk


def test_apply_valid_applies_and_still_exits_1(uni, course_file):
    path = course_file([course("A1"), course("B1", NUM_OF_PARTICIPANTS="x")])
    assert run("courses", str(path), "--apply-valid") == 1
    assert list(Course.objects.values_list("code", flat=True)) == ["A1"]


def test_a_clean_dry_run_exits_0_and_prints_the_profile(uni, course_file, capsys):
    assert run("courses", str(course_file([course("A1", ACAD_DEPT="CRS")])), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would create 1" in out
    assert "academic departments: CRS (1)" in out
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("courses",),
        ("courses", "missing.tsv"),
        ("courses", "x.tsv", "--from-dir", "."),
        ("courses", "x.tsv", "--institution", "NOPE"),
    ],
)
def test_unusable_invocations_exit_2(uni, args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.tsv").write_text("header\n")
    assert run(*args) == 2
    assert capsys.readouterr().err.startswith("readings load: ")


def test_the_institution_option_chooses_among_several(uni, other_institution, course_file):
    path = str(course_file([course("A1", PROC_DEPT="MAIN")]))
    assert run("courses", path) == 2
    assert run("courses", path, "--institution", "OTHER") == 0
    assert Course.objects.get().institution == other_institution


# The drop directory --------------------------------------------------------------------


def _stamp(path, seconds):
    os.utime(path, (seconds, seconds))
    return path


def test_from_dir_loads_new_files_oldest_name_first_and_only_once(uni, tmp_path, capsys):
    drop = tmp_path / "drop"
    drop.mkdir()
    write_lines(drop / "20260901120000.txt", [course("A1", NUM_OF_PARTICIPANTS="1")])
    write_lines(drop / "20260902120000.txt", [course("A1", NUM_OF_PARTICIPANTS="2")])
    write_lines(drop / ".hidden.txt", [course("H1")])
    write_lines(drop / "20260903120000.txt.part", [course("P1")])
    _stamp(drop / "20260901120000.txt", 1_000_000)
    _stamp(drop / "20260902120000.txt", 1_000_100)

    assert run("courses", "--from-dir", str(drop)) == 0
    assert Course.objects.get(code="A1").participants == 2
    assert set(Course.objects.values_list("code", flat=True)) == {"A1"}
    assert list(Load.objects.order_by("pk").values_list("file_name", "source")) == [
        ("20260901120000.txt", "schedule"),
        ("20260902120000.txt", "schedule"),
    ]

    assert run("courses", "--from-dir", str(drop)) == 0
    assert "No new files" in capsys.readouterr().out
    assert Load.objects.count() == 2

    newer = write_lines(drop / "20260903120000.txt", [course("A1", NUM_OF_PARTICIPANTS="3")])
    _stamp(newer, 1_000_200)
    older_copy = shutil.copy(drop / "20260901120000.txt", drop / "20260801000000.txt")
    _stamp(older_copy, 1_000_300)
    assert run("courses", "--from-dir", str(drop)) == 0
    assert Course.objects.get(code="A1").participants == 3
    assert Load.objects.count() == 3  # the copy of an applied file is not loaded again


def test_from_dir_stops_at_a_file_with_errors(uni, tmp_path, capsys):
    drop = tmp_path / "drop"
    drop.mkdir()
    _stamp(write_lines(drop / "a.txt", [course("A1", NUM_OF_PARTICIPANTS="bad")]), 1_000_000)
    _stamp(write_lines(drop / "b.txt", [course("B1")]), 1_000_100)

    assert run("courses", "--from-dir", str(drop)) == 1
    assert "Stopped: 1 newer files were not loaded." in capsys.readouterr().out
    assert not Course.objects.exists()


def test_from_dir_of_a_missing_directory_exits_2(uni, tmp_path):
    assert run("courses", "--from-dir", str(tmp_path / "nope")) == 2


def test_loads_are_listed_and_shown_in_the_admin(uni, course_file, admin_client):
    run("courses", str(course_file([course("A1", COURSE_TITLE="<script>x</script>")])))
    run("courses", str(course_file([course("A1", NUM_OF_PARTICIPANTS="x")])))
    load = Load.objects.order_by("pk").last()

    listing = admin_client.get("/admin/loaders/load/")
    page = admin_client.get(f"/admin/loaders/load/{load.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert b"NUM_OF_PARTICIPANTS" in page.content
    assert admin_client.get("/admin/loaders/load/add/").status_code == 403


def test_load_history_lists_the_newest_load_first(uni, course_file):
    from readings.loaders.selectors import load_history

    run("courses", str(course_file([course("A1")])), "--dry-run")
    run("courses", str(course_file([course("A1")])))
    assert [load.status for load in load_history(institution=uni, kind="courses")] == [
        LoadStatus.APPLIED,
        LoadStatus.CHECKED,
    ]


def test_a_database_missing_a_migration_is_refused_before_the_file_is_read(
    uni, course_file, capsys
):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    latest = MigrationRecorder(connection).migration_qs.filter(app="loaders").latest("id")
    latest.delete()  # as if the code were updated and 'readings migrate' not run

    status = run("courses", str(course_file([course("HIST101")])))

    err = capsys.readouterr().err
    assert status == 2
    assert f"loaders.{latest.name}" in err
    assert "run 'readings migrate' first. Nothing was loaded." in err
    assert not Load.objects.exists()
    assert not Course.objects.exists()
