"""Read and write BibTeX (and the common biblatex fields) with bibtexparser 2.

Names are split here rather than by bibtexparser's name middleware, because a
corporate author written ``{World Health Organization}`` must stay one name,
and the braces that say so are gone once LaTeX is decoded. LaTeX accents are
decoded with pylatexenc (bibtexparser's own decoder); math such as ``$x^2$``
is kept verbatim, as text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import bibtexparser
from bibtexparser import model
from django.utils.translation import gettext as _
from pylatexenc.latex2text import LatexNodes2Text

from readings.citations.csl import EntryError, ImportResult, clean_entries
from readings.citations.models import CitationKind
from readings.citations.names import Name

KIND_FOR_BIBTEX_TYPE = {
    "book": CitationKind.BOOK,
    "mvbook": CitationKind.BOOK,
    "collection": CitationKind.BOOK,
    "inbook": CitationKind.CHAPTER,
    "incollection": CitationKind.CHAPTER,
    "inproceedings": CitationKind.CHAPTER,
    "conference": CitationKind.CHAPTER,
    "article": CitationKind.ARTICLE,
    "periodical": CitationKind.JOURNAL,
    "online": CitationKind.WEBSITE,
    "electronic": CitationKind.WEBSITE,
    "www": CitationKind.WEBSITE,
    "video": CitationKind.VIDEO,
    "movie": CitationKind.VIDEO,
    "audio": CitationKind.AUDIO,
    "music": CitationKind.AUDIO,
    "techreport": CitationKind.DOCUMENT,
    "report": CitationKind.DOCUMENT,
    "manual": CitationKind.DOCUMENT,
    "thesis": CitationKind.DOCUMENT,
    "phdthesis": CitationKind.DOCUMENT,
    "mastersthesis": CitationKind.DOCUMENT,
    "unpublished": CitationKind.DOCUMENT,
}
BIBTEX_TYPE_FOR_KIND = {
    CitationKind.BOOK: "book",
    CitationKind.EBOOK: "book",
    CitationKind.CHAPTER: "incollection",
    CitationKind.ARTICLE: "article",
    CitationKind.EARTICLE: "article",
    CitationKind.JOURNAL: "periodical",
    CitationKind.WEBSITE: "online",
    CitationKind.VIDEO: "video",
    CitationKind.AUDIO: "audio",
}
# BibTeX field -> citation field, for plain text values.
_SIMPLE = {
    "publisher": "publisher",
    "edition": "edition",
    "volume": "volume",
    "number": "issue",
    "pages": "pages",
    "isbn": "isbn",
    "issn": "issn",
    "doi": "doi",
    "pmid": "pmid",
    "url": "url",
}
_MONTHS = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_DECODER = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)
_LATEX_SPECIALS = re.compile(r"([\\{}%&$#_~^])")


def import_bibtex(text: str) -> ImportResult:
    """Read every entry of a BibTeX file into cleaned citation fields, reporting broken ones."""
    library = bibtexparser.parse_string(text)
    raw: list[Mapping[str, Any] | EntryError] = []
    position = 0
    for block in library.blocks:
        if isinstance(block, model.ParsingFailedBlock):
            position += 1
            raw.append(EntryError(position, _failure(block)))
        elif isinstance(block, model.Entry):
            position += 1
            raw.append(_fields(block))
    return clean_entries(raw)


def export_bibtex(citations: Iterable[Any]) -> str:
    """Write citations as BibTeX entries with unique keys such as ``kuhn1962``."""
    library = bibtexparser.Library()
    used: set[str] = set()
    for citation in citations:
        key = _unique_key(citation, used)
        fields = [model.Field(k, v) for k, v in _entry_values(citation)]
        library.add(
            model.Entry(BIBTEX_TYPE_FOR_KIND.get(citation.secondary_type, "misc"), key, fields)
        )
    return bibtexparser.write_string(library)


def _failure(block: model.ParsingFailedBlock) -> str:
    if isinstance(block, model.DuplicateBlockKeyBlock):
        return _("Another entry already uses the key '%(key)s'.") % {"key": block.key}
    detail = (getattr(block.error, "abort_reason", "") or str(block.error)).strip()
    if not detail:
        return _("This entry cannot be read.")
    # The parser's own detail stays in English: it quotes the library, not us.
    return _("This entry cannot be read: %(detail)s") % {"detail": detail}


def _fields(entry: model.Entry) -> dict[str, Any]:
    values = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
    text = {k: _decode(v) for k, v in values.items()}
    kind = KIND_FOR_BIBTEX_TYPE.get(entry.entry_type.lower(), CitationKind.OTHER)
    if kind == CitationKind.OTHER and text.get("url"):
        kind = CitationKind.WEBSITE
    fields: dict[str, Any] = {"secondary_type": kind, "title": text.get("title", "")}
    if kind == CitationKind.CHAPTER and text.get("booktitle"):
        fields.update(title=text["booktitle"], chapter_title=text.get("title", ""))
    elif kind == CitationKind.CHAPTER and text.get("chapter"):
        fields["chapter_title"] = text["chapter"]
    container = text.get("journal") or text.get("journaltitle")
    if container:
        fields["container_title"] = container
    fields["authors"] = _names(values.get("author", ""))
    fields["editors"] = _names(values.get("editor", ""))
    for key, name in _SIMPLE.items():
        if text.get(key):
            fields[name] = text[key]
    place = text.get("address") or text.get("location")
    if place:
        fields["place"] = place
    fields["publication_date"] = _date(text)
    if text.get("note"):
        # A note from a file is text: escaped, so markup in it is shown, not interpreted.
        fields["public_note"] = html.escape(text["note"])
    return fields


def _date(text: Mapping[str, str]) -> str:
    if text.get("date"):
        return text["date"]
    year = text.get("year", "")
    month = _MONTHS.get(text.get("month", "").strip().lower().rstrip("."))
    if not month and text.get("month", "").strip().isdigit():
        month = int(text["month"])
    return f"{year}-{month:02d}" if year.isdigit() and month else year


def _names(value: str) -> list[Name]:
    names: list[Name] = []
    for part in _split_and(value):
        part = part.strip()
        if not part:
            continue
        if part.startswith("{") and part.endswith("}") and _balanced(part[1:-1]):
            names.append({"literal": _decode(part[1:-1])})
            continue
        decoded = _decode(part)
        if "," in decoded:
            family, given = (s.strip() for s in decoded.split(",", 1))
            names.append({"family": family, "given": given} if given else {"family": family})
        elif " " in decoded:
            given, family = decoded.rsplit(" ", 1)
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": decoded})
    return names


def _split_and(value: str) -> list[str]:
    """Split a BibTeX name list on ' and ' outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    lowered = value.lower()
    while i < len(value):
        char = value[i]
        depth += (char == "{") - (char == "}")
        if depth == 0 and lowered.startswith(" and ", i):
            parts.append(value[start:i])
            i += 5
            start = i
            continue
        i += 1
    parts.append(value[start:])
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _decode(value: str) -> str:
    return " ".join(_DECODER.latex_to_text(value).split())


def _encode(value: str) -> str:
    return _LATEX_SPECIALS.sub(lambda m: "\\" + m.group(1), value)


def _entry_values(citation: Any) -> list[tuple[str, str]]:
    kind = citation.secondary_type
    out: list[tuple[str, str]] = []
    if kind == CitationKind.CHAPTER and citation.chapter_title:
        out += [("title", citation.chapter_title), ("booktitle", citation.title)]
    else:
        out.append(("title", citation.title))
        if citation.container_title:
            out.append(("journal", citation.container_title))
    for key, names in (("author", citation.authors), ("editor", citation.editors)):
        if names:
            out.append((key, " and ".join(_name_text(n) for n in names)))
    if citation.year:
        out.append(("year", str(citation.year)))
    if citation.publication_date and citation.publication_date != str(citation.year or ""):
        out.append(("date", citation.publication_date))
    if citation.place:
        out.append(("address", citation.place))
    for key, name in _SIMPLE.items():
        value = getattr(citation, name)
        if key == "pages" and not value and citation.start_page:
            value = "--".join(p for p in (citation.start_page, citation.end_page) if p)
        if value:
            out.append((key, value))
    # URLs and DOIs are verbatim in BibTeX; names are encoded part by part (their
    # grouping braces must survive); everything else is LaTeX text.
    verbatim = ("url", "doi", "author", "editor")
    return [(k, v if k in verbatim else _encode(v)) for k, v in out]


def _name_text(name: Name) -> str:
    if "literal" in name:
        return "{" + _encode(name["literal"]) + "}"
    if name.get("given"):
        return f"{_encode(name.get('family', ''))}, {_encode(name['given'])}"
    return _encode(name.get("family", ""))


def _unique_key(citation: Any, used: set[str]) -> str:
    first = (citation.authors or citation.editors or [{}])[0]
    word = first.get("family") or first.get("literal") or citation.title or "item"
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]", "", ascii_word.lower().split(" ")[0] or "") or "item"
    stem += str(citation.year or "")
    key, suffix = stem, ord("a")
    while key in used:
        key = stem + chr(suffix)
        suffix += 1
    used.add(key)
    return key
