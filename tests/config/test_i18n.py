"""The UI ships in English and French: the language switcher, browser language and catalogue.

The catalogue tests read the French .po with a small reader of their own and compare
it with the compiled .mo through Python's gettext, so a .mo that was not recompiled
after an edit of the .po fails here, as does an untranslated, fuzzy or
placeholder-mangled entry.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

import readings

PACKAGE_DIR = Path(readings.__file__).resolve().parent
FRENCH = PACKAGE_DIR / "locale" / "fr" / "LC_MESSAGES"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME

# %(name)s / %(n)d, a doubled %% ({% translate %} doubles a literal %), a bare %s,
# the {name} fields reader and import scripts fill in, and HTML tags kept in messages.
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sdif]|%[sdif]|\{\w+\}|<[^>]+>")


# --- A small reader for the .po file -------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file (the header and obsolete #~ entries left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)

    def finish() -> None:
        if entry is not None and entry.msgid:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry is None or entry.msgstr:
                finish()
                entry = Entry(line=number)
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            finish()
            entry = Entry(line=number)
        assert entry is not None, f"{path}:{number}: text outside an entry"
        if keyword == "msgctxt":
            entry.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            entry.msgstr[index], target = value, ("msgstr", index)
        elif target[0] == "msgstr":
            entry.msgstr[target[1]] += value
        else:
            setattr(entry, target[0], (getattr(entry, target[0]) or "") + value)
    finish()
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def describe(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


@pytest.fixture(scope="module")
def french_entries() -> list[Entry]:
    return read_po(FRENCH / "django.po")


# --- The catalogue -------------------------------------------------------------------


def test_the_french_catalogue_ships_inside_the_package_where_settings_look():
    assert FRENCH.parent.parent in [Path(p).resolve() for p in settings.LOCALE_PATHS]
    assert (FRENCH / "django.po").is_file()
    assert (FRENCH / "django.mo").is_file()


def test_the_french_catalogue_declares_french_plural_rules():
    header = (FRENCH / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[0]

    assert '"Language: fr\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in header
    assert "#, fuzzy" not in header


def test_the_reader_sees_the_whole_catalogue(french_entries):
    # Guards the checks below against a reader that silently skips entries.
    ids_in_file = len(re.findall(r"^msgid ", (FRENCH / "django.po").read_text(), re.M))
    assert len(french_entries) == ids_in_file - 1  # the header has an empty msgid
    assert len(french_entries) > 500
    assert any(e.msgid_plural for e in french_entries)


def test_every_message_has_a_french_translation_and_none_is_fuzzy(french_entries):
    forms = {True: [0, 1], False: [0]}
    untranslated = [
        describe(e)
        for e in french_entries
        if [i for i in forms[e.msgid_plural is not None] if not e.msgstr.get(i, "").strip()]
    ]
    fuzzy = [describe(e) for e in french_entries if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_of_its_message(french_entries):
    mismatched = []
    for e in french_entries:
        pairs = [(e.msgid, e.msgstr.get(0, ""))]
        if e.msgid_plural is not None:
            pairs.append((e.msgid_plural, e.msgstr.get(1, "")))
        mismatched += [
            f"{describe(e)} → {translated!r}"
            for source, translated in pairs
            if placeholders(source) != placeholders(translated)
        ]

    assert mismatched == []


def test_the_compiled_catalogue_matches_the_po_file(french_entries):
    with (FRENCH / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    def lookup(e: Entry, n: int | None) -> str:
        if n is None:
            if e.msgctxt is not None:
                return compiled.pgettext(e.msgctxt, e.msgid)
            return compiled.gettext(e.msgid)
        if e.msgctxt is not None:
            return compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
        return compiled.ngettext(e.msgid, e.msgid_plural, n)

    stale = []
    for e in french_entries:
        if e.msgid_plural is None:
            expected = {None: e.msgstr.get(0)}
        else:
            # French: one and zero take the singular form, two and more the plural.
            expected = {1: e.msgstr.get(0), 2: e.msgstr.get(1)}
        stale += [describe(e) for n, text in expected.items() if lookup(e, n) != text]

    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_string_marked_for_translation_is_in_the_french_catalogue(tmp_path, settings):
    # Extract from a copy of the package so the shipped catalogue is never rewritten.
    copy = tmp_path / "readings"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=["tests/*"],
            no_obsolete=True,
            verbosity=0,
        )
    extracted = read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")

    missing = [describe(e) for e in extracted if not e.msgstr.get(0, "").strip()]
    fuzzy = [describe(e) for e in extracted if "fuzzy" in e.flags]
    assert missing == [], "run makemessages -l fr and translate the new messages"
    assert fuzzy == [], "run makemessages -l fr and review the changed messages"


# --- Pages in French ------------------------------------------------------------------


class FooterLanguageForm(HTMLParser):
    """Collects the language switcher's form: its action, fields, labels and options."""

    def __init__(self) -> None:
        super().__init__()
        self.in_footer = False
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.options: dict[str, bool] = {}
        self.select_id: str | None = None
        self.buttons: list[str] = []
        self._label_for: str | None = None
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "footer":
            self.in_footer = True
        if not self.in_footer:
            return
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif tag == "label":
            self._label_for = a.get("for")
            self.labels[self._label_for] = ""
        elif tag == "select" and a.get("name") == "language":
            self.select_id = a.get("id")
        elif tag == "option":
            self.options[a["value"]] = "selected" in a
        elif tag == "button" and a.get("type") == "submit":
            self._in_button = True
            self.buttons.append("")

    def handle_endtag(self, tag):
        if tag == "footer":
            self.in_footer = False
        elif tag == "label":
            self._label_for = None
        elif tag == "button":
            self._in_button = False

    def handle_data(self, data):
        if self._label_for is not None:
            self.labels[self._label_for] += data.strip()
        if self._in_button:
            self.buttons[-1] += data.strip()


def footer_form(html: str) -> FooterLanguageForm:
    parser = FooterLanguageForm()
    parser.feed(html)
    return parser


@pytest.fixture
def student(make_user):
    return make_user("camille", roles=["student"])


@pytest.mark.django_db
def test_the_sign_in_page_is_english_by_default(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page


@pytest.mark.django_db
def test_a_browser_asking_for_french_gets_the_sign_in_page_in_french(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content
    html = page.decode()

    assert '<html lang="fr">' in html
    assert "<h1>Se connecter</h1>" in html
    assert "Aller au contenu principal" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_the_footer_switcher_is_a_labelled_form_that_returns_to_the_current_page(client):
    url = reverse("accounts:login") + "?next=/lists/"
    form = footer_form(client.get(url).content.decode())

    assert form.action == reverse("set_language")
    assert form.hidden["next"] == url
    assert "csrfmiddlewaretoken" in form.hidden
    assert form.select_id and form.labels.get(form.select_id) == "Language"
    assert form.options == {"en": True, "fr": False}
    assert form.buttons == ["Change language"]


@pytest.mark.django_db
def test_choosing_french_in_the_switcher_turns_the_pages_french(client, student):
    client.force_login(student)
    home = reverse("courses:home")

    response = client.post(reverse("set_language"), {"language": "fr", "next": home})

    assert response.status_code == 302
    assert response["Location"] == home
    assert client.cookies[LANGUAGE_COOKIE].value == "fr"
    html = client.get(home).content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Mes cours</h1>" in html
    assert "Se déconnecter" in html
    assert footer_form(html).options == {"en": False, "fr": True}
    assert footer_form(html).labels.get("language-choice") == "Langue"


@pytest.mark.django_db
def test_the_chosen_language_wins_over_the_browser_language(client, student):
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = client.get(reverse("courses:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "<h1>My courses</h1>" in html


@pytest.mark.django_db
def test_the_switcher_does_not_send_people_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_an_unknown_language_leaves_the_pages_in_english(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    html = client.get(reverse("accounts:login")).content.decode()

    assert "<h1>Sign in</h1>" in html
