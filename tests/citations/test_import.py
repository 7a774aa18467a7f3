"""Importing RIS, BibTeX and CSL-JSON files: preview, confirm, access and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from readings.citations import importing
from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create, section_create

FILES = Path(__file__).resolve().parent / "fixtures" / "imports"


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())


@pytest.fixture
def setup(institution, make_user):
    course = course_create(institution=institution, code="READ101", title="Reading")
    owner = make_user("owner", roles=["instructor"])
    student = make_user("student", roles=["student"])
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Reading readings",
        courses=[course],
        acting_user=owner,
        publication_status=PublicationStatus.PUBLISHED,
        first_section="Week 1",
    )
    week1 = reading_list.sections.get()
    week2 = section_create(reading_list=reading_list, name="Week 2")
    citation_create(section=week2, fields={"title": "Already here"})
    reading_list.refresh_from_db()
    return reading_list, owner, student, week1, week2


def _start(client, reading_list, *files, section=None) -> str:
    """Upload files; return the preview page's URL."""
    data = {"files": list(files)}
    if section is not None:
        data["section"] = str(section.pk)
    response = client.post(reverse("imports:upload", args=[reading_list.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def _keys(html: str) -> list[str]:
    return re.findall(r'name="entry" value="(\d+)"', html)


def _titles(section) -> list[str]:
    return list(
        Citation.objects.filter(section=section)
        .order_by("position")
        .values_list("title", flat=True)
    )


# -- Preview and confirm ------------------------------------------------------------


def test_the_preview_lists_every_entry_of_every_file_with_its_status(client, setup):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    preview = _start(
        client, reading_list, _upload("week1.ris"), _upload("week2.bib"), _upload("extra.json")
    )
    html = client.get(preview).content.decode()
    assert "6 entries can be imported." in html
    assert "4 entries have problems and will be skipped." in html
    assert "Links must start with http:// or https://" in html
    assert "The file ends inside this record (no ER line)." in html
    assert "title: A citation needs a title." in html
    assert "is not a valid ISBN" in html
    assert len(_keys(html)) == 6
    # Nothing is added before the instructor confirms.
    assert Citation.objects.filter(reading_list=reading_list).count() == 1


def test_confirming_adds_the_good_entries_in_order_and_bumps_the_version_once(
    client, setup, check_structure
):
    reading_list, owner, _, _, week2 = setup
    client.force_login(owner)
    version = reading_list.version
    preview = _start(
        client, reading_list, _upload("week1.ris"), _upload("week2.bib"), section=week2
    )
    keys = _keys(client.get(preview).content.decode())
    response = client.post(preview, {"section": week2.pk, "entry": keys})
    assert response.status_code == 302
    assert _titles(week2) == [
        "Already here",
        "The structure of scientific revolutions",
        'Deep learning <script>alert("ris")</script>',
        "Attention and reading: a review",
        "Guidelines on reading & health",
    ]
    reading_list.refresh_from_db()
    assert reading_list.version == version + 1
    check_structure()

    done = client.get(response["Location"]).content.decode()
    assert "4 imported into “Week 2”, 3 skipped." in done
    assert "week1.ris, entry 3" in done
    assert "week1.ris, entry 4" in done
    assert "week2.bib, entry 3" in done


def test_deselected_entries_are_left_out_and_counted(client, setup):
    reading_list, owner, _, week1, _ = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("extra.json"))
    keys = _keys(client.get(preview).content.decode())
    response = client.post(preview, {"section": week1.pk, "entry": keys[1:]})
    assert _titles(week1) == ["Accessible reading lists"]
    done = client.get(response["Location"]).content.decode()
    assert "1 imported into “Week 1”, 2 skipped." in done
    assert "1 entry was not selected." in done


def test_the_section_can_be_changed_on_the_preview(client, setup):
    reading_list, owner, _, week1, week2 = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("extra.json"), section=week2)
    html = client.get(preview).content.decode()
    assert f'<option value="{week2.pk}" selected>' in html
    client.post(preview, {"section": week1.pk, "entry": _keys(html)})
    assert _titles(week1) == ["Literacy in context", "Accessible reading lists"]
    assert Citation.objects.get(title="Literacy in context").chapter_title == (
        "Reading as a social practice"
    )


def test_confirming_twice_adds_the_entries_once(client, setup):
    reading_list, owner, _, week1, _ = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("extra.json"))
    keys = _keys(client.get(preview).content.decode())
    first = client.post(preview, {"section": week1.pk, "entry": keys})
    second = client.post(preview, {"section": week1.pk, "entry": keys})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert _titles(week1) == ["Literacy in context", "Accessible reading lists"]


def test_an_expired_or_unknown_preview_says_so(client, setup):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    url = reverse("imports:preview", args=[reading_list.pk, "no-such-token"])
    response = client.get(url)
    assert response.status_code == 404
    assert "upload the files again" in response.content.decode()


def test_a_preview_belongs_to_its_own_list(client, setup, institution):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("extra.json"))
    other = list_create(institution=institution, name="Other", acting_user=owner)
    token = preview.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(reverse("imports:preview", args=[other.pk, token])).status_code == 404


# -- Bad input ----------------------------------------------------------------------


def test_markup_in_imported_text_is_stored_as_text_and_shown_escaped(client, setup):
    reading_list, owner, _, week1, _ = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("week1.ris"), _upload("week2.bib"))
    html = client.get(preview).content.decode()
    assert "<script>alert" not in html
    assert "Deep learning &lt;script&gt;alert(&quot;ris&quot;)&lt;/script&gt;" in html
    client.post(preview, {"section": week1.pk, "entry": _keys(html)})
    book = Citation.objects.get(title="Guidelines on reading & health")
    assert book.public_note == "&lt;img src=x onerror=alert(1)&gt;"
    page = client.get(reverse("lists:detail", args=[reading_list.pk])).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page


def test_a_file_in_no_known_format_is_reported_in_the_preview(client, setup):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    preview = _start(
        client,
        reading_list,
        _upload("notes.txt", b"Just some notes, not a bibliography."),
        _upload("empty.ris", b""),
        _upload("broken.json", b"[{"),
    )
    html = client.get(preview).content.decode()
    assert "This is not a RIS, BibTeX or CSL-JSON file." in html
    assert "The file is empty." in html
    assert "The file is not valid JSON" in html
    assert "data-import-submit disabled" in html


def test_the_format_is_found_from_the_content_when_the_extension_says_nothing(client, setup):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    preview = _start(
        client,
        reading_list,
        _upload("export.txt", (FILES / "week2.bib").read_bytes()),
        _upload("zotero", (FILES / "week1.ris").read_bytes()),
    )
    assert len(_keys(client.get(preview).content.decode())) == 4


def test_no_files_is_refused_with_a_message(client, setup):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    response = client.post(reverse("imports:upload", args=[reading_list.pk]), {})
    assert response.status_code == 400
    assert "Choose at least one RIS, BibTeX or CSL-JSON file." in response.content.decode()


def test_an_oversized_file_is_refused_with_the_limit(client, setup, monkeypatch):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024 * 1024)
    big = _upload("big.ris", b"TY  - BOOK\nTI  - x\nER  - \n" * 60000)
    response = client.post(reverse("imports:upload", args=[reading_list.pk]), {"files": [big]})
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_too_many_entries_are_refused_with_the_limit(client, setup, monkeypatch):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    monkeypatch.setattr(importing, "MAX_ENTRIES", 5)
    many = _upload("many.ris", b"TY  - BOOK\nTI  - x\nER  - \n" * 6)
    response = client.post(reverse("imports:upload", args=[reading_list.pk]), {"files": [many]})
    assert response.status_code == 400
    assert "more than 5 entries" in response.content.decode()


def test_too_many_files_are_refused_with_the_limit(client, setup, monkeypatch):
    reading_list, owner, *_ = setup
    client.force_login(owner)
    monkeypatch.setattr(importing, "MAX_FILES", 2)
    files = [_upload(f"f{n}.ris", (FILES / "week1.ris").read_bytes()) for n in range(3)]
    response = client.post(reverse("imports:upload", args=[reading_list.pk]), {"files": files})
    assert response.status_code == 400
    assert "Import up to 2 files at once (you chose 3)." in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(setup):
    from django.test import Client

    reading_list, owner, *_ = setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        reverse("imports:upload", args=[reading_list.pk]), {"files": [_upload("extra.json")]}
    )
    assert response.status_code == 403


# -- Access ---------------------------------------------------------------------------


def test_a_student_of_the_course_is_refused(client, setup):
    reading_list, _, student, _, _ = setup
    client.force_login(student)
    url = reverse("imports:upload", args=[reading_list.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"files": [_upload("extra.json")]}).status_code == 403
    assert Citation.objects.filter(reading_list=reading_list).count() == 1


def test_a_student_cannot_confirm_an_editors_preview(client, setup):
    reading_list, owner, student, week1, _ = setup
    client.force_login(owner)
    preview = _start(client, reading_list, _upload("extra.json"))
    client.force_login(student)
    assert client.post(preview, {"section": week1.pk, "entry": ["0"]}).status_code == 403
    assert Citation.objects.filter(reading_list=reading_list).count() == 1


def test_people_of_another_institution_do_not_find_the_list(
    client, setup, make_user, other_institution
):
    reading_list, *_ = setup
    stranger = make_user("admin2", roles=["administrator"], inst=other_institution)
    client.force_login(stranger)
    assert client.get(reverse("imports:upload", args=[reading_list.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, setup):
    reading_list, *_ = setup
    response = client.get(reverse("imports:upload", args=[reading_list.pk]))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_a_librarian_may_import(client, setup, make_user):
    reading_list, _, _, week1, _ = setup
    librarian = make_user("lib", roles=["librarian"])
    client.force_login(librarian)
    preview = _start(client, reading_list, _upload("extra.json"))
    keys = _keys(client.get(preview).content.decode())
    client.post(preview, {"section": week1.pk, "entry": keys})
    assert len(_titles(week1)) == 2


def test_a_section_of_another_list_cannot_be_chosen(client, setup, institution):
    reading_list, owner, _, _, _ = setup
    client.force_login(owner)
    other = list_create(institution=institution, name="Other", acting_user=owner)
    foreign = other.sections.get()
    preview = _start(client, reading_list, _upload("extra.json"))
    keys = _keys(client.get(preview).content.decode())
    response = client.post(preview, {"section": foreign.pk, "entry": keys})
    assert response.status_code == 400
    assert not Citation.objects.filter(section=foreign).exists()


# -- The service on its own ------------------------------------------------------------


def test_import_entries_skips_an_entry_that_no_longer_cleans(setup):
    *_, week1, _ = setup
    good = importing.PreviewEntry(0, "a.ris", 1, {"title": "Fine"})
    tampered = importing.PreviewEntry(1, "a.ris", 2, {"title": "Bad", "url": "javascript:x"})
    outcome = importing.import_entries(section=week1, entries=[good, tampered])
    assert [c.title for c in outcome.created] == ["Fine"]
    assert outcome.skipped == [tampered]
    assert "http:// or https://" in tampered.error


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.ris", "anything", "ris"),
        ("a.bib", "anything", "bibtex"),
        ("a.json", "[]", "csl"),
        ("a.txt", "\ufeffTY  - BOOK", "ris"),
        ("a.txt", "% comment\n@book{x,}", "bibtex"),
        ("a", '  [{"title": "x"}]', "csl"),
        ("a.txt", "hello", None),
    ],
)
def test_file_formats_are_detected_by_extension_then_content(name, text, expected):
    assert importing.detect_format(name, text) == expected
