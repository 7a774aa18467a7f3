"""Tell what someone pasted: a DOI, an ISBN, a PubMed id or a web address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from readings.citations import identifiers
from readings.core.exceptions import InvalidInput

DOI, ISBN, PMID, URL = "doi", "isbn", "pmid", "url"

_DOI = re.compile(
    r"^(?:doi:\s*|info:doi/|https?://(?:dx\.|www\.)?doi\.org/)?(10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.IGNORECASE)
_PUBMED_PAGE = re.compile(
    r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?"
    r"(?:[?#].*)?$",
    re.IGNORECASE,
)
_ISBN_LABEL = re.compile(r"^isbn(?:-1[03])?:?\s*", re.IGNORECASE)
_ISBN_SHAPE = re.compile(r"^[0-9][0-9\- ]{8,20}[0-9Xx]$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str


def detect_identifier(text: str) -> Identifier:
    """Classify and normalise pasted text; raise InvalidInput saying what is wrong."""
    raw = " ".join((text or "").split())
    if not raw:
        raise _refused(_("Paste a DOI, ISBN, PubMed id or web address."))
    if len(raw) > 2000:
        raise _refused(_("That is too long to be an identifier."))
    found = _doi(raw) or _pubmed(raw) or _isbn(raw) or _url(raw)
    if found is None:
        raise _refused(
            _(
                "'%(text)s' is not a DOI, ISBN, PubMed id or web address (for example "
                "10.1000/xyz123, 978-0-306-40615-7, PMID 31452104 or https://example.org/page)."
            )
            % {"text": raw[:60]}
        )
    return found


def _doi(raw: str) -> Identifier | None:
    # doi.org links often arrive percent-encoded (10.1000%2Fabc).
    match = _DOI.match(unquote(raw))
    if not match:
        return None
    doi = match.group(1).rstrip(".,;")
    return Identifier(DOI, _normalised(identifiers.normalize_doi, doi))


def _pubmed(raw: str) -> Identifier | None:
    match = _PUBMED_PAGE.match(raw) or _PMID.match(raw)
    if not match:
        return None
    digits = match.group(1)
    labelled = not raw.isdigit()
    # Ten or thirteen bare digits are an ISBN; PubMed ids are at most nine.
    if not labelled and len(digits) in (10, 13):
        return None
    return Identifier(PMID, _normalised(identifiers.normalize_pmid, digits))


def _isbn(raw: str) -> Identifier | None:
    labelled = bool(_ISBN_LABEL.match(raw))
    number = _ISBN_LABEL.sub("", raw)
    if not _ISBN_SHAPE.match(number):
        return None
    digits = re.sub(r"[^0-9Xx]", "", number)
    if len(digits) not in (10, 13) and not labelled:
        return None
    return Identifier(ISBN, _normalised(identifiers.normalize_isbn, number))


def _url(raw: str) -> Identifier | None:
    if raw.lower().startswith("www."):
        raw = f"https://{raw}"
    scheme = _SCHEME.match(raw)
    if not scheme:
        return None
    if scheme.group(1).lower() not in ("http", "https"):
        raise _refused(
            _(
                "Only web addresses starting with http:// or https:// can be looked up "
                "(not '%(scheme)s')."
            )
            % {"scheme": f"{scheme.group(1)}:"}
        )
    if not urlsplit(raw).hostname:
        raise _refused(_("The web address has no host name."))
    return Identifier(URL, raw)


def _normalised(normalise, value: str) -> str:
    try:
        return normalise(value)
    except identifiers.IdentifierError as exc:
        raise _refused(str(exc)) from exc


def _refused(message: str) -> InvalidInput:
    return InvalidInput({"identifier": [message]})
