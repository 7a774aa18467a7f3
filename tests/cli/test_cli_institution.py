"""`readings institution add | list | show`, and the shared --institution CODE option."""

from __future__ import annotations

import sqlite3


def _rows(data_dir, query: str, *params) -> list[tuple]:
    with sqlite3.connect(data_dir / "readings.sqlite3") as db:
        return db.execute(query, params).fetchall()


def test_add_creates_the_institution_with_standard_tags_and_main_department(readings, migrated):
    result = readings(
        "institution", "add", "UNI", "Test University", "--time-zone", "Europe/London"
    )

    assert result.returncode == 0, result.stderr
    assert "Added Test University (UNI)" in result.stdout
    [(institution_id, name, zone)] = _rows(
        migrated, "SELECT id, name, time_zone FROM institutions_institution WHERE code = 'UNI'"
    )
    assert (name, zone) == ("Test University", "Europe/London")
    tags = _rows(
        migrated,
        "SELECT name FROM lists_tag WHERE institution_id = ? ORDER BY position",
        institution_id,
    )
    assert [t for (t,) in tags] == ["Essential", "Recommended", "Optional"]
    departments = _rows(
        migrated,
        "SELECT code FROM institutions_processingdepartment WHERE institution_id = ?",
        institution_id,
    )
    assert departments == [("MAIN",)]


def test_add_refuses_a_duplicate_code(readings, migrated):
    assert readings("institution", "add", "UNI", "First").returncode == 0

    result = readings("institution", "add", "UNI", "Second")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "already exists" in result.stderr
    assert _rows(migrated, "SELECT name FROM institutions_institution") == [("First",)]


def test_add_refuses_a_code_with_other_characters(readings, migrated):
    result = readings("institution", "add", "UNI VERSITY!", "Test University")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Use letters, digits" in result.stderr
    assert _rows(migrated, "SELECT count(*) FROM institutions_institution") == [(0,)]


def test_list_prints_each_institution_by_code(readings, migrated):
    readings("institution", "add", "UNI", "Test University")
    readings("institution", "add", "OTHER", "Other University", "--time-zone", "Europe/Paris")

    result = readings("institution", "list")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "OTHER\tOther University\tEurope/Paris",
        "UNI\tTest University\tUTC",
    ]


def test_show_defaults_to_the_only_institution(readings, migrated):
    readings("institution", "add", "UNI", "Test University", "--citation-style", "harvard")

    result = readings("institution", "show")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "code: UNI" in lines
    assert "default_citation_style: harvard" in lines
    assert "tags: ESSENTIAL (Essential), RECOMMENDED (Recommended), OPTIONAL (Optional)" in lines
    assert "processing_departments: MAIN (Main library)" in lines
    assert "  create_unknown_instructors: true" in lines


def test_show_with_several_institutions_needs_a_code(readings, migrated):
    readings("institution", "add", "UNI", "Test University")
    readings("institution", "add", "OTHER", "Other University")

    unnamed = readings("institution", "show")
    named = readings("institution", "show", "--institution", "OTHER")

    assert unnamed.returncode != 0
    assert "--institution CODE" in unnamed.stderr
    assert named.returncode == 0, named.stderr
    assert "code: OTHER" in named.stdout.splitlines()


def test_show_without_any_institution_says_how_to_add_one(readings, migrated):
    result = readings("institution", "show")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "readings institution add" in result.stderr


def test_show_with_an_unknown_code_names_it(readings, migrated):
    readings("institution", "add", "UNI", "Test University")

    result = readings("institution", "show", "--institution", "NOPE")

    assert result.returncode != 0
    assert "No institution has the code 'NOPE'" in result.stderr
