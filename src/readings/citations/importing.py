"""Import RIS, BibTeX and CSL-JSON files into a list: parse for a preview, then add in bulk.

Two steps, so nothing is added before the instructor has seen it: ``parse_uploads``
turns one or many files into a preview (every entry, good or broken, with its
file and number), kept server-side in the session under a random token
(``stash_preview``/``load_preview``); ``import_entries`` then adds the chosen
good entries at the end of a section in one transaction, bumping the list's
version once.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _

from readings.citations.bibtex import import_bibtex
from readings.citations.csl import ImportResult, import_csl_json
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation, CitationKind
from readings.citations.names import format_names
from readings.citations.ris import import_ris
from readings.core import positions
from readings.core.exceptions import InvalidInput, NotFound
from readings.lists.models import Section
from readings.lists.services import list_bump, list_lock

MAX_FILES = 20
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 1000
PREVIEW_LIFETIME_SECONDS = 60 * 60
MAX_PREVIEWS_PER_SESSION = 3
_SESSION_KEY = "citation_imports"

RIS, BIBTEX, CSL = "ris", "bibtex", "csl"
FORMAT_NAMES = {RIS: "RIS", BIBTEX: "BibTeX", CSL: "CSL-JSON"}
_PARSERS: dict[str, Callable[[str], ImportResult]] = {
    RIS: import_ris,
    BIBTEX: import_bibtex,
    CSL: import_csl_json,
}
_EXTENSIONS = {
    ".ris": RIS,
    ".enw": RIS,
    ".bib": BIBTEX,
    ".bibtex": BIBTEX,
    ".json": CSL,
    ".csl": CSL,
    ".csljson": CSL,
}


@dataclass
class PreviewEntry:
    """One entry of one uploaded file, as the preview shows it."""

    key: int  # position in the whole preview, what the confirm form sends back
    file: str
    number: int  # 1-based within its file; 0 for a problem with the whole file
    fields: dict[str, Any] | None  # cleaned, or None when broken
    error: str = ""
    title: str = ""
    authors: str = ""
    kind: str = ""

    @property
    def ok(self) -> bool:
        return self.fields is not None

    @property
    def kind_label(self) -> str:
        return str(CitationKind(self.kind).label) if self.kind in CitationKind.values else ""


@dataclass
class Preview:
    token: str
    list_id: int
    section_id: int | None
    files: list[str]
    entries: list[PreviewEntry] = field(default_factory=list)
    created: float = field(default_factory=time.time)

    @property
    def good(self) -> list[PreviewEntry]:
        return [e for e in self.entries if e.ok]

    @property
    def broken(self) -> list[PreviewEntry]:
        return [e for e in self.entries if not e.ok]


@dataclass
class ImportOutcome:
    created: list[Citation]
    skipped: list[PreviewEntry]


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def detect_format(name: str, text: str) -> str | None:
    """The format by extension, else by content; None when neither says."""
    by_name = _EXTENSIONS.get(PurePath(name).suffix.lower())
    start = text.lstrip("\ufeff \t\r\n")[:2000]
    if by_name and by_name != CSL:
        return by_name
    if start[:1] in "[{" and start:
        return CSL
    if by_name == CSL:
        return CSL
    if start.startswith("TY  -") or "\nTY  -" in start:
        return RIS
    if start.startswith("@") or "\n@" in start:
        return BIBTEX
    return None


def parse_uploads(uploads: Sequence[Upload], *, list_id: int, section_id: int | None) -> Preview:
    """Read every file into one preview; broken files and entries are kept, with reasons."""
    if not uploads:
        raise InvalidInput({"files": [_("Choose at least one RIS, BibTeX or CSL-JSON file.")]})
    if len(uploads) > MAX_FILES:
        message = _("Import up to %(most)s files at once (you chose %(count)s).")
        raise InvalidInput({"files": [message % {"most": MAX_FILES, "count": len(uploads)}]})
    preview = Preview(
        token=secrets.token_urlsafe(16),
        list_id=list_id,
        section_id=section_id,
        files=[u.name for u in uploads],
    )
    for upload in uploads:
        for number, fields, error in _read_file(upload):
            preview.entries.append(_entry(len(preview.entries), upload.name, number, fields, error))
            if len(preview.entries) > MAX_ENTRIES:
                message = _(
                    "These files hold more than %(most)s entries; import them in smaller parts."
                )
                raise InvalidInput({"files": [message % {"most": MAX_ENTRIES}]})
    return preview


def _read_file(upload: Upload) -> Iterable[tuple[int, dict[str, Any] | None, str]]:
    if len(upload.data) > MAX_FILE_BYTES:
        yield 0, None, _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 2**20}
        return
    if not upload.data.strip():
        yield 0, None, _("The file is empty.")
        return
    text = _decode(upload.data)
    kind = detect_format(upload.name, text)
    if kind is None:
        yield 0, None, _("This is not a RIS, BibTeX or CSL-JSON file.")
        return
    result = _PARSERS[kind](text)
    failures = {e.position: e for e in result.errors}
    if 0 in failures:  # the whole file failed (CSL-JSON that is not JSON)
        yield 0, None, failures[0].reason
        return
    good = iter(result.entries)
    total = len(result.entries) + len(failures)
    if not total:
        yield (
            0,
            None,
            _("No entries were found in this %(format)s file.") % {"format": FORMAT_NAMES[kind]},
        )
        return
    # Parsers number entries 1..n and list good ones in order: interleave them again.
    for number in range(1, total + 1):
        if number in failures:
            yield number, {"title": failures[number].title}, failures[number].reason
        else:
            yield number, next(good), ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _entry(
    key: int, file: str, number: int, fields: dict[str, Any] | None, error: str
) -> PreviewEntry:
    shown = fields or {}
    if error:
        return PreviewEntry(key, file, number, None, error, title=str(shown.get("title", "")))
    # JSON round trip: the preview lives in the (JSON) session until confirmed.
    stored = json.loads(json.dumps(shown, cls=DjangoJSONEncoder))
    return PreviewEntry(
        key,
        file,
        number,
        stored,
        title=_display_title(stored),
        authors=format_names(stored.get("authors") or stored.get("editors") or []),
        kind=str(stored.get("secondary_type", "")),
    )


def _display_title(fields: Mapping[str, Any]) -> str:
    if fields.get("chapter_title"):
        return _("%(chapter)s (in %(book)s)") % {
            "chapter": fields["chapter_title"],
            "book": fields.get("title", ""),
        }
    return str(fields.get("title", ""))


# -- Keeping the preview between the two steps ------------------------------------


def stash_preview(session: Any, preview: Preview) -> None:
    """Keep a preview in the session; the oldest are dropped past the per-session limit."""
    stash = _live(session.get(_SESSION_KEY) or {})
    stash[preview.token] = asdict(preview)
    newest = sorted(stash.items(), key=lambda item: item[1]["created"])[-MAX_PREVIEWS_PER_SESSION:]
    session[_SESSION_KEY] = dict(newest)


def load_preview(session: Any, token: str, *, list_id: int) -> Preview:
    data = _live(session.get(_SESSION_KEY) or {}).get(token)
    if not data or data.get("list_id") != list_id:
        raise NotFound(
            _("This import has expired or was already done; upload the files again to import them.")
        )
    entries = [PreviewEntry(**e) for e in data.pop("entries")]
    return Preview(**data, entries=entries)


def drop_preview(session: Any, token: str) -> None:
    stash = dict(session.get(_SESSION_KEY) or {})
    if stash.pop(token, None) is not None:
        session[_SESSION_KEY] = stash


def _live(stash: Mapping[str, Any]) -> dict[str, Any]:
    cutoff = time.time() - PREVIEW_LIFETIME_SECONDS
    return {k: v for k, v in stash.items() if v.get("created", 0) >= cutoff}


# -- Adding the entries -----------------------------------------------------------


@transaction.atomic
def import_entries(*, section: Section, entries: Sequence[PreviewEntry]) -> ImportOutcome:
    """Add good entries, in order, at the end of ``section``; the list's version bumps once.

    Each entry is cleaned again (it came back from the session) and one that
    no longer passes is skipped with its reason rather than failing the rest.
    """
    locked = list_lock(list_id=section.reading_list_id)
    if not Section.objects.filter(pk=section.pk, reading_list_id=locked.pk).exists():
        raise NotFound(_("No such section."))
    start = len(positions.ordered_ids(Citation.objects.filter(section=section)))
    pending: list[Citation] = []
    skipped: list[PreviewEntry] = []
    for entry in entries:
        if not entry.ok:
            skipped.append(entry)
            continue
        try:
            citation = _citation(entry.fields or {}, section, start + len(pending))
        except InvalidInput as exc:
            entry.error, entry.fields = exc.message, None
            skipped.append(entry)
            continue
        pending.append(citation)
    created = Citation.objects.bulk_create(pending)
    if created:
        list_bump(locked)
    return ImportOutcome(created=created, skipped=skipped)


def _citation(fields: dict[str, Any], section: Section, position: int) -> Citation:
    cleaned = clean_citation_fields(fields)
    citation = Citation(
        reading_list_id=section.reading_list_id, section=section, position=position, **cleaned
    )
    try:
        # Constraints (positions, choices) hold by construction; the fields' own checks run.
        citation.full_clean(
            exclude=["reading_list", "section", "position"], validate_constraints=False
        )
    except DjangoValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
    return citation
