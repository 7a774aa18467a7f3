"""Formatted bibliography entries: APA 7, Harvard, Chicago author-date, MLA 9, Vancouver.

A small formatter per style, not citeproc-py: citeproc-py costs 16-38 ms an
entry and gets Chicago and MLA wrong (given names cut to initials, commas and
full stops left outside closing quotes), and the five styles over the types a
reading list holds (book, chapter, article, web page, video/audio) are a few
rules each, checked against hand-verified strings in the tests.

Titles are printed with the capitals they were stored with, except that
Chicago and MLA raise the first letter of major words (title case); nothing is
ever lowered, because sentence-casing a stored title would mangle proper nouns.
Each entry is a list of segments, so the same rules give plain text and safe
HTML (escaped text, titles in ``<i>``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count, repeat
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from readings.citations.models import CitationKind
from readings.citations.names import Name

STYLES = {
    "apa": "APA 7th edition",
    "harvard": "Harvard (Cite Them Right)",
    "chicago": "Chicago author-date",
    "mla": "MLA 9th edition",
    "vancouver": "Vancouver",
}
# Institution settings name Chicago by its full CSL name (institutions.models.CitationStyle).
STYLE_ALIASES = {"chicago-author-date": "chicago"}
# Vancouver lists references by number in the order they are cited, "1. Author AA. …"
# (NLM, Citing Medicine, 2nd ed., "Reference lists"); the author-date styles are unnumbered.
NUMBERED_STYLES = frozenset({"vancouver"})
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "from",
        "into",
        "onto",
        "over",
        "with",
    ]
)
DASH = "\u2013"  # en dash, between page numbers
# Typographic quotes: single for Harvard (British), double for the US styles.
_LSQ, _RSQ, _LDQ, _RDQ = "\u2018", "\u2019", "\u201c", "\u201d"
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Formatted:
    text: str
    html: SafeString


class _Entry:
    """Segments of one formatted entry; each is text, optionally italic."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bool]] = []
        self.pending = ""  # text held back until flush(), e.g. a year placed after the title

    def flush(self) -> _Entry:
        self.add(self.pending)
        self.pending = ""
        return self

    def add(self, text: str, *, italic: bool = False) -> _Entry:
        if text:
            self.parts.append((text, italic))
        return self

    def formatted(self) -> Formatted:
        text = "".join(t for t, _ in self.parts).strip()
        html = "".join(f"<i>{escape(t)}</i>" if i else escape(t) for t, i in self.parts).strip()
        return Formatted(text, mark_safe(html))  # every segment escaped above


@dataclass(frozen=True)
class _Ref:
    """What the styles need from a citation, already normalised."""

    form: str  # book | chapter | article | webpage | video
    medium: str  # "Video" or "Audio" for media
    authors: list[Name]
    editors: list[Name]
    title: str
    chapter: str
    container: str
    publisher: str
    place: str
    year: str
    month: int | None
    day: int | None
    edition: str
    volume: str
    issue: str
    pages: str
    link: str  # https://doi.org/… or the URL
    doi: str


def resolve_style(style: str) -> str:
    """The key in ``STYLES`` for a style code, accepting the institution setting's names."""
    return STYLE_ALIASES.get(style, style)


def format_citation(citation: Any, style: str) -> Formatted:
    """Return one bibliography entry; cached per (citation id, updated_at, style)."""
    style = resolve_style(style)
    if style not in _RENDERERS:
        raise ValueError(f"Unknown citation style '{style}'; use one of {', '.join(STYLES)}.")
    key = None
    if getattr(citation, "pk", None) and getattr(citation, "updated_at", None):
        key = (citation.pk, citation.updated_at, style)
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
    result = _RENDERERS[style](_ref(citation)).formatted()
    if key:
        with _LOCK:
            _CACHE[key] = result
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return result


def entry_labels(style: str) -> Iterator[str]:
    """Yield the label printed before each successive bibliography entry.

    "1. ", "2. " … in a numbered style, continuing across a bibliography's
    headings since each number names one reference; "" forever otherwise.
    """
    if resolve_style(style) in NUMBERED_STYLES:
        return (f"{n}. " for n in count(1))
    return repeat("")


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


_CACHE: OrderedDict[tuple, Formatted] = OrderedDict()
_LOCK = threading.Lock()


def _ref(c: Any) -> _Ref:
    kind = c.secondary_type
    form = {
        CitationKind.CHAPTER: "chapter",
        CitationKind.ARTICLE: "article",
        CitationKind.EARTICLE: "article",
        CitationKind.WEBSITE: "webpage",
        CitationKind.VIDEO: "video",
        CitationKind.AUDIO: "video",
    }.get(kind, "book")
    chapter = c.chapter_title if form == "chapter" else ""
    if form == "chapter" and not chapter:
        form = "book"
    match = _ISO.match((c.publication_date or "").strip())
    year = match.group(1) if match else str(c.year or "")
    month = int(match.group(2)) if match and match.group(2) else None
    day = int(match.group(3)) if match and match.group(3) else None
    pages = c.pages or DASH.join(p for p in (c.start_page, c.end_page) if p)
    link = f"https://doi.org/{c.doi}" if c.doi else c.url
    return _Ref(
        form=form,
        medium="Audio" if kind == CitationKind.AUDIO else "Video",
        authors=[n for n in c.authors or [] if isinstance(n, dict)],
        editors=[n for n in c.editors or [] if isinstance(n, dict)],
        title=(c.title or "").strip(),
        chapter=chapter.strip(),
        container=c.container_title,
        publisher=c.publisher,
        place=c.place,
        year=year,
        month=month if month and 1 <= month <= 12 else None,
        day=day,
        edition=c.edition,
        volume=c.volume,
        issue=c.issue,
        pages=re.sub(r"\s*(?:--|-|\u2013)\s*", DASH, pages),
        link=link if link.lower().startswith(("https://", "http://")) else "",
        doi=c.doi,
    )


# --- small helpers shared by the styles -------------------------------------------------


def _stop(text: str, mark: str = ".") -> str:
    """Append ``mark`` unless the text already ends a sentence."""
    return text if not text or text[-1] in ".?!" else text + mark


def _initials(given: str, *, dots: bool = True, space: bool = True) -> str:
    out = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        if dots:
            out.append("-".join(p[0] + "." for p in pieces))
        else:
            out.append("".join(p[0] for p in pieces))
    return (" " if space and dots else "").join(out)


def _series(items: list[str], *, conj: str, serial: bool) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]}{',' if serial and conj == '&' else ''} {conj} {items[1]}"
    return ", ".join(items[:-1]) + f"{',' if serial else ''} {conj} {items[-1]}"


def _inverted(name: Name, given: str) -> str:
    if "literal" in name:
        return name["literal"]
    return f"{name.get('family', '')}, {given}" if given else name.get("family", "")


def _direct(name: Name, given: str) -> str:
    if "literal" in name:
        return name["literal"]
    return f"{given} {name.get('family', '')}".strip()


def _ordinal_edition(edition: str, suffix: str) -> str:
    """'2' or '2nd' -> '2nd ed.'; free text is kept as written."""
    text = edition.strip()
    if not text:
        return ""
    if text.isdigit():
        n = int(text)
        end = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        text = f"{n}{end}"
    elif re.search(r"\bed(ition|n)?\.?$", text, re.IGNORECASE):
        return text
    return f"{text} {suffix}"


def _title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        after_colon = i > 0 and words[i - 1].endswith((":", "?", "!", "—"))
        edge = i == 0 or i == len(words) - 1 or after_colon
        if word and (edge or word.lower() not in _MINOR_WORDS) and word[0].islower():
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)


def _month_day(ref: _Ref, *, day_first: bool, abbreviate: bool = False) -> str:
    if not ref.month:
        return ""
    month = _MONTHS[ref.month - 1]
    if abbreviate and len(month) > 4:
        month = month[:3] + "."
    if not ref.day:
        return month
    return f"{ref.day} {month}" if day_first else f"{month} {ref.day}"


# --- APA 7 ------------------------------------------------------------------------------


def _apa_names(names: list[Name]) -> str:
    items = [_inverted(n, _initials(n.get("given", ""))) for n in names]
    if len(items) > 20:
        items = [*items[:19], "…", items[-1]]
        return ", ".join(items[:-1]) + " " + items[-1]
    return _series(items, conj="&", serial=True)


def _apa_editors_direct(names: list[Name]) -> str:
    items = [_direct(n, _initials(n.get("given", ""))) for n in names]
    label = "Ed." if len(items) == 1 else "Eds."
    return f"{_series(items, conj='&', serial=len(items) > 2)} ({label})"


def _apa(ref: _Ref) -> _Entry:
    e = _Entry()
    if ref.authors:
        who = _apa_names(ref.authors)
    elif ref.editors and ref.form == "book":
        who = _apa_names(ref.editors) + (" (Ed.)" if len(ref.editors) == 1 else " (Eds.)")
    else:
        who = ""
    date = ref.year or "n.d."
    if ref.form in ("webpage", "video") and ref.month and ref.year:
        date += ", " + _month_day(ref, day_first=False)
    head_title = ref.chapter if ref.form == "chapter" else ref.title
    if who:
        e.add(_stop(who) + f" ({date}). ")
    italic_title = ref.form in ("book", "webpage", "video")
    bracket = f" [{ref.medium}]" if ref.form == "video" else ""
    edition = _ordinal_edition(ref.edition, "ed.") if ref.form == "book" else ""
    if italic_title:
        e.add(head_title, italic=True)
        e.add((f" ({edition})" if edition else "") + bracket)
        e.add("" if head_title.endswith(("?", "!")) and not (edition or bracket) else ". ")
    else:
        e.add(_stop(head_title) + " ")
    if not who:
        e.add(f"({date}). ")
    if ref.form == "chapter":
        e.add("In ")
        if ref.editors:
            e.add(_apa_editors_direct(ref.editors) + ", ")
        e.add(ref.title, italic=True)
        details = ", ".join(
            x for x in (_ordinal_edition(ref.edition, "ed."), ref.pages and f"pp. {ref.pages}") if x
        )
        e.add(f" ({details})" if details else "")
        e.add(". ")
        e.add(_stop(ref.publisher) + " " if ref.publisher else "")
    elif ref.form == "article":
        e.add(ref.container, italic=True)
        if ref.volume:
            e.add(", ").add(ref.volume, italic=True)
        e.add(f"({ref.issue})" if ref.issue else "")
        e.add(f", {ref.pages}" if ref.pages else "")
        e.add(". ")
    else:
        source = ref.container if ref.form in ("webpage", "video") else ""
        source = source or ref.publisher
        if source and source != who:
            e.add(_stop(source) + " ")
    e.add(ref.link)
    return e


# --- Harvard (Cite Them Right) ------------------------------------------------------------


def _harvard_names(names: list[Name]) -> str:
    items = [_inverted(n, _initials(n.get("given", ""), space=False)) for n in names]
    if len(items) >= 4:
        return items[0] + " et al."
    return _series(items, conj="and", serial=False)


def _harvard(ref: _Ref) -> _Entry:
    e = _Entry()
    year = ref.year or "no date"
    has_who = bool(ref.authors or (ref.editors and ref.form == "book"))
    if ref.authors:
        e.add(f"{_harvard_names(ref.authors)} ({year}) ")
    elif has_who:
        label = "(ed.)" if len(ref.editors) == 1 else "(eds)"
        e.add(f"{_harvard_names(ref.editors)} {label} ({year}) ")
    if ref.form == "chapter":
        e.add(f"{_LSQ}{ref.chapter}{_RSQ}, in ")
        if ref.editors:
            label = "(ed.)" if len(ref.editors) == 1 else "(eds)"
            e.add(f"{_harvard_names(ref.editors)} {label} ")
        e.add(ref.title, italic=True)
        e.add(". ")
    elif ref.form == "article":
        e.add(f"{_LSQ}{ref.title}{_RSQ}, ")
        e.add(ref.container, italic=True)
        volume = ref.volume + (f"({ref.issue})" if ref.issue else "")
        e.add(f", {volume}" if volume else "")
        e.add(f", pp. {ref.pages}" if ref.pages else "")
        e.add(". ")
    else:
        e.add(ref.title, italic=True)
        e.add(f" [{ref.medium}]" if ref.form == "video" else "")
        if not has_who:  # the title leads, the year follows it
            e.add(f" ({year}) ")
        else:
            e.add(". " if not (ref.title.endswith(("?", "!")) and ref.form != "video") else " ")
    if not has_who and ref.form in ("chapter", "article"):
        e.add(f"({year}) ")
    edition = _ordinal_edition(ref.edition, "edn.")
    if edition and ref.form in ("book", "chapter"):
        e.add(f"{edition} ")
    if ref.form in ("book", "chapter") and ref.publisher:
        e.add(f"{ref.place}: " if ref.place else "").add(ref.publisher)
        e.add(f", pp. {ref.pages}. " if ref.form == "chapter" and ref.pages else ". ")
    # Cite Them Right gives web pages and videos no site or platform name, only the link.
    if ref.link:
        e.add(f"Available at: {ref.link}")
    return e


# --- Chicago author-date (17th ed.) ------------------------------------------------------


def _full_names(names: list[Name], *, et_al_after: int | None = None) -> str:
    """First name inverted, the rest direct, full given names (as Chicago and MLA want)."""
    items = [
        _inverted(n, n.get("given", "")) if i == 0 else _direct(n, n.get("given", ""))
        for i, n in enumerate(names)
    ]
    if et_al_after and len(items) > et_al_after:
        return f"{items[0]}, et al."
    if len(items) == 2:
        return f"{items[0]}, and {items[1]}"
    return _series(items, conj="and", serial=True)


def _quoted(title: str, mark: str) -> str:
    """Quote a title with the following mark inside the quotes, as US styles require."""
    return f"{_LDQ}{title}{_RDQ}" if title[-1:] in ".?!" else f"{_LDQ}{title}{mark}{_RDQ}"


def _chicago(ref: _Ref) -> _Entry:
    e = _Entry()
    year = _stop(ref.year or "n.d.") + " "
    if ref.authors:
        e.add(_stop(_full_names(ref.authors, et_al_after=10)) + " ").add(year)
    elif ref.editors and ref.form == "book":
        label = "ed." if len(ref.editors) == 1 else "eds."
        e.add(f"{_full_names(ref.editors)}, {label} ").add(year)
    else:
        # With no author the title leads and the year follows it.
        e.pending = year
    if ref.form == "chapter":
        e.add(_quoted(_title_case(ref.chapter), ".") + " ").flush()
        e.add("In ")
        e.add(_title_case(ref.title), italic=True)
        if ref.editors:
            names = _series(
                [_direct(n, n.get("given", "")) for n in ref.editors], conj="and", serial=True
            )
            e.add(f", edited by {names}")
        e.add(f", {ref.pages}" if ref.pages else "")
        e.add(". ")
    elif ref.form == "article":
        e.add(_quoted(_title_case(ref.title), ".") + " ").flush()
        e.add(ref.container, italic=True)
        e.add(f" {ref.volume}" if ref.volume else "")
        e.add(f" ({ref.issue})" if ref.issue else "")
        e.add(f": {ref.pages}" if ref.pages else "")
        e.add(". ")
    elif ref.form == "webpage":
        e.add(_quoted(_title_case(ref.title), ".") + " ").flush()
        e.add(_stop(ref.container or ref.publisher) + " " if ref.container or ref.publisher else "")
    else:
        title = _title_case(ref.title)
        e.add(title, italic=True)
        e.add("" if title.endswith(("?", "!")) else ".")
        e.add(" ").flush()
        e.add(f"{ref.medium}. " if ref.form == "video" else "")
        if ref.form == "video" and (ref.container or ref.publisher):
            e.add(_stop(ref.container or ref.publisher) + " ")
    edition = _ordinal_edition(ref.edition, "ed.")
    if edition and ref.form == "book":
        e.add(_stop(edition) + " ")
    if ref.form in ("book", "chapter") and ref.publisher:
        e.add(f"{ref.place}: " if ref.place else "").add(_stop(ref.publisher) + " ")
    e.add(_stop(ref.link) if ref.link else "")
    return e


# --- MLA 9 -------------------------------------------------------------------------------


def _mla(ref: _Ref) -> _Entry:
    e = _Entry()
    if ref.authors:
        e.add(_stop(_full_names(ref.authors, et_al_after=2)) + " ")
    elif ref.editors and ref.form == "book":
        label = "editors" if len(ref.editors) > 1 else "editor"
        e.add(f"{_full_names(ref.editors, et_al_after=2)}, {label}. ")
    # The "containers": each element ends with a comma, the last with a full stop.
    elements: list[tuple[str, bool]] = []
    if ref.form == "chapter":
        e.add(_quoted(_title_case(ref.chapter), ".") + " ")
        elements.append((_title_case(ref.title), True))
        if ref.editors:
            names = _series(
                [_direct(n, n.get("given", "")) for n in ref.editors], conj="and", serial=True
            )
            elements.append((f"edited by {names}", False))
    elif ref.form in ("article", "webpage") or (ref.form == "video" and ref.container):
        e.add(_quoted(_title_case(ref.title), ".") + " ")
        if ref.container:
            elements.append((ref.container, True))
    else:
        title = _title_case(ref.title)
        e.add(title, italic=True).add(" " if title.endswith(("?", "!")) else ". ")
    edition = _ordinal_edition(ref.edition, "ed.")
    if edition and ref.form in ("book", "chapter"):
        elements.append((edition, False))
    if ref.volume:
        elements.append((f"vol. {ref.volume}", False))
    if ref.issue:
        elements.append((f"no. {ref.issue}", False))
    if ref.form in ("book", "chapter", "video") and ref.publisher:
        elements.append((ref.publisher, False))
    if ref.year:
        day_month = _month_day(ref, day_first=True, abbreviate=True)
        date = (
            f"{day_month} {ref.year}"
            if ref.form in ("webpage", "video") and day_month
            else ref.year
        )
        elements.append((date, False))
    if ref.pages:
        elements.append((f"{'pp.' if DASH in ref.pages else 'p.'} {ref.pages}", False))
    if ref.link:
        elements.append((ref.link, False))
    for i, (text, italic) in enumerate(elements):
        last = i == len(elements) - 1
        if italic:
            e.add(text, italic=True).add("." if last else ", ")
        else:
            e.add(_stop(text) if last else f"{text}, ")
    return e


# --- Vancouver (ICMJE / NLM) -------------------------------------------------------------


def _vancouver_names(names: list[Name]) -> str:
    items = [
        n["literal"]
        if "literal" in n
        else f"{n.get('family', '')} {_initials(n.get('given', ''), dots=False)}".strip()
        for n in names
    ]
    if len(items) > 6:
        items = [*items[:6], "et al"]
    return ", ".join(items)


def _vancouver(ref: _Ref) -> _Entry:
    e = _Entry()
    if ref.authors:
        e.add(_stop(_vancouver_names(ref.authors)) + " ")
    elif ref.editors and ref.form == "book":
        e.add(f"{_vancouver_names(ref.editors)}, editor{'s' if len(ref.editors) > 1 else ''}. ")
    online = " [Internet]" if ref.form == "webpage" else ""
    medium = f" [{ref.medium}]" if ref.form == "video" else ""
    if ref.form == "chapter":
        e.add(_stop(ref.chapter) + " In: ")
        if ref.editors:
            label = "editor" if len(ref.editors) == 1 else "editors"
            e.add(f"{_vancouver_names(ref.editors)}, {label}. ")
        e.add(_stop(ref.title) + " ")
    elif ref.form == "article":
        e.add(_stop(ref.title) + " ")
        e.add(_stop(ref.container) + " " if ref.container else "")
        volume = f"{ref.volume}({ref.issue})" if ref.issue else ref.volume
        e.add(ref.year)
        e.add(f";{volume}" if volume else "")
        e.add(f":{ref.pages}" if ref.pages else "")
        e.add(". ")
    else:
        e.add(_stop(f"{ref.title}{online}{medium}") + " ")
    edition = _ordinal_edition(ref.edition, "ed.")
    if edition and ref.form in ("book", "chapter"):
        e.add(_stop(edition) + " ")
    if ref.form != "article":
        publisher = ref.publisher or (ref.container if ref.form in ("webpage", "video") else "")
        place = f"{ref.place}: " if ref.place and publisher else ""
        if publisher or ref.year:
            e.add(place + publisher + ("; " if publisher and ref.year else "") + ref.year + ". ")
        if ref.form == "chapter" and ref.pages:
            e.add(f"p. {ref.pages}. ")
    if ref.doi:
        e.add(f"doi:{ref.doi}")
    elif ref.link:
        e.add(f"Available from: {ref.link}")
    return e


_RENDERERS: dict[str, Callable[[_Ref], _Entry]] = {
    "apa": _apa,
    "harvard": _harvard,
    "chicago": _chicago,
    "mla": _mla,
    "vancouver": _vancouver,
}
