"""A small SRU 1.2 client: CQL from structured queries, paging, MARCXML and Dublin Core.

Plain Python (no Django). Every failure is an ``SRUError`` whose message a
librarian can act on; the time a search may take is bounded by ``timeout`` per
attempt and ``retries`` further attempts on network faults.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests
from lxml import etree
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord
from stdnum import isbn as stdnum_isbn

from readings.citations import identifiers, names
from readings.discovery.marc import Kind, Record, record_from_marc, strip_isbd

MARCXML_SCHEMA = "marcxml"
DC_SCHEMA = "dc"
_MAX_RESPONSE_BYTES = 20 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# Diagnostics from the SRU diagnostics list, in words a librarian understands.
_DIAGNOSTICS = {
    "1": "the catalogue had an internal error",
    "4": "the catalogue does not support this operation",
    "10": "the search could not be understood",
    "16": "the catalogue does not support searching this field",
    "19": "the catalogue does not support this kind of comparison",
    "27": "the search was empty",
    "61": "there are no results at this position",
    "66": "the catalogue does not offer records in this format",
    "235": "the catalogue database does not exist",
}


class SRUError(Exception):
    """A search that did not give results; ``str()`` is the message to show."""


class SRUUnavailable(SRUError):
    """The server could not be reached or did not answer in time."""


class SRUDiagnostic(SRUError):
    """The server answered with an SRU diagnostic."""

    def __init__(self, message: str, *, uri: str = "", details: str = "") -> None:
        super().__init__(message)
        self.uri = uri
        self.details = details


class SRUResponseError(SRUError):
    """The server answered with something that is not an SRU response."""


@dataclass(frozen=True)
class Query:
    """A structured search; every part is user text, never CQL syntax."""

    keyword: str = ""
    title: str = ""
    author: str = ""
    subject: str = ""
    isbn: str = ""
    issn: str = ""

    def is_empty(self) -> bool:
        return not any(
            v.strip()
            for v in (self.keyword, self.title, self.author, self.subject, self.isbn, self.issn)
        )


@dataclass
class SearchResult:
    total: int
    records: list[Record] = field(default_factory=list)
    # The startRecord of the next page, or None when this page was the last.
    next_start: int | None = None
    # True when ``total`` is an estimate (the built-in catalogue on a very large hit set).
    estimated: bool = False


def cql_term(text: str) -> str:
    """Quote user text as one CQL term, so none of it is read as CQL syntax.

    Inside quotes CQL still treats backslash, the double quote and the masking
    characters ``* ? ^`` specially; each is escaped with a backslash.
    """
    words = " ".join(text.split())
    escaped = "".join("\\" + c if c in '\\"*?^' else c for c in words)
    return f'"{escaped}"'


def to_cql(query: Query) -> str:
    """Build CQL: each filled part becomes one clause, joined with ``and``."""
    clauses = []
    for index, value in (
        ("cql.serverChoice", query.keyword),
        ("dc.title", query.title),
        ("dc.creator", query.author),
        ("dc.subject", query.subject),
    ):
        if value.strip():
            clauses.append(f"{index} all {cql_term(value)}")
    if query.isbn.strip():
        forms = isbn_forms(query.isbn)
        clauses.append("(" + " or ".join(f"bath.isbn={cql_term(f)}" for f in forms) + ")")
    if query.issn.strip():
        clauses.append(f"bath.issn={cql_term(query.issn)}")
    return " and ".join(clauses)


def isbn_forms(value: str) -> list[str]:
    """The ISBN-13 and, where one exists, ISBN-10 of a valid ISBN; else the text as given."""
    try:
        isbn13 = identifiers.normalize_isbn(value)
    except identifiers.IdentifierError:
        return [value.strip()]
    isbn10 = stdnum_isbn.to_isbn10(isbn13) if isbn13.startswith("978") else ""
    return [isbn13, isbn10] if isbn10 else [isbn13]


class SRUClient:
    """Search one SRU database: ``SRUClient(url, database="Default").search(Query(title=…))``."""

    def __init__(
        self,
        base_url: str,
        *,
        database: str = "",
        record_schema: str = MARCXML_SCHEMA,
        timeout: float = 5.0,
        retries: int = 1,
        session: requests.Session | None = None,
    ) -> None:
        base = base_url.rstrip("/")
        self.url = f"{base}/{database.strip('/')}" if database else base
        self.record_schema = record_schema
        self.timeout = timeout
        self.retries = max(0, retries)
        self.session = session or requests.Session()

    def search(self, query: Query | str, *, start: int = 1, limit: int = 10) -> SearchResult:
        """Run one page of a search; ``query`` is a Query or CQL the caller built itself."""
        cql = to_cql(query) if isinstance(query, Query) else query
        if not cql.strip():
            raise SRUError("Type something to search for.")
        params = {
            "version": "1.2",
            "operation": "searchRetrieve",
            "query": cql,
            "startRecord": str(max(1, start)),
            "maximumRecords": str(max(0, limit)),
            "recordSchema": self.record_schema,
            "recordPacking": "xml",
        }
        body = self._get(params)
        return parse_response(body, start=max(1, start))

    def _get(self, params: dict[str, str]) -> bytes:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(0.2 * attempt, 1.0))
            try:
                return self._fetch(params)
            except requests.Timeout as exc:
                last = SRUUnavailable(
                    f"The catalogue at {self.url} did not answer within {self.timeout:g} seconds."
                )
                last.__cause__ = exc
            except requests.ConnectionError as exc:
                last = SRUUnavailable(f"The catalogue at {self.url} cannot be reached.")
                last.__cause__ = exc
            except _ServerFault as exc:
                last = SRUUnavailable(str(exc))
            except requests.RequestException as exc:
                # A malformed address, a broken connection mid-answer, too many redirects…
                raise SRUUnavailable(
                    f"The catalogue at {self.url} cannot be used ({type(exc).__name__})."
                ) from exc
        assert last is not None
        raise last

    def _fetch(self, params: dict[str, str]) -> bytes:
        deadline = time.monotonic() + self.timeout
        with self.session.get(
            self.url, params=params, timeout=(self.timeout, self.timeout), stream=True
        ) as response:
            if response.status_code >= 500:
                raise _ServerFault(
                    f"The catalogue at {self.url} failed (HTTP {response.status_code})."
                )
            chunks = []
            size = 0
            # The read timeout applies per chunk; a server trickling bytes is cut off here.
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > _MAX_RESPONSE_BYTES:
                    raise SRUResponseError(f"The catalogue at {self.url} sent too much data.")
                if time.monotonic() > deadline:
                    raise requests.Timeout()
            body = b"".join(chunks)
            if response.status_code >= 400 and b"diagnostic" not in body:
                raise SRUResponseError(
                    f"The catalogue at {self.url} refused the search (HTTP {response.status_code})."
                )
            return body


class _ServerFault(Exception):
    pass


def parse_response(body: bytes, *, start: int = 1) -> SearchResult:
    """Parse a searchRetrieve response (SRU 1.2 or 2.0); raise SRUDiagnostic for diagnostics."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SRUResponseError("The catalogue's answer is not valid XML.") from exc
    if _local(root) != "searchRetrieveResponse":
        diagnostic = _first(root, "diagnostic")
        if diagnostic is not None:
            raise _diagnostic_error(diagnostic)
        raise SRUResponseError("The catalogue's answer is not an SRU search response.")
    # Top-level diagnostics only; a record may carry its own (a surrogate diagnostic).
    diagnostic = _child(_child(root, "diagnostics"), "diagnostic")
    if diagnostic is not None:
        raise _diagnostic_error(diagnostic)
    total_text = _text(_child(root, "numberOfRecords"))
    try:
        total = int(total_text)
    except ValueError as exc:
        raise SRUResponseError("The catalogue's answer has no number of records.") from exc
    records = []
    for record_element in _children(_child(root, "records"), "record"):
        data = _child(record_element, "recordData")
        payload = (
            next((c for c in data if isinstance(c.tag, str)), None) if data is not None else None
        )
        if payload is None:
            continue
        parsed = record_from_xml(payload)
        if parsed is not None:
            records.append(parsed)
    next_text = _text(_child(root, "nextRecordPosition"))
    if next_text.isdigit():
        next_start = int(next_text)
    else:
        following = start + len(records)
        next_start = following if records and following <= total else None
    return SearchResult(total=total, records=records, next_start=next_start)


def record_from_xml(element) -> Record | None:
    """A MARCXML or Dublin Core record element → Record; None for other schemas."""
    kind = _local(element)
    if kind == "record":
        return record_from_marc(marc_from_xml(element))
    if kind == "dc":
        return _record_from_dc(element)
    return None


def marc_from_xml(element) -> MarcRecord:
    """Build a pymarc record from a MARCXML ``record`` element."""
    marc = MarcRecord(force_utf8=True)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "leader":
            marc.leader = (child.text or "").ljust(24)[:24]
        elif name == "controlfield":
            marc.add_field(Field(tag=child.get("tag", ""), data=child.text or ""))
        elif name == "datafield":
            subfields = [
                Subfield(sub.get("code", ""), sub.text or "")
                for sub in child
                if isinstance(sub.tag, str) and _local(sub) == "subfield"
            ]
            indicators = Indicators(
                child.get("ind1", " ")[:1] or " ", child.get("ind2", " ")[:1] or " "
            )
            marc.add_field(
                Field(tag=child.get("tag", ""), indicators=indicators, subfields=subfields)
            )
    return marc


def _record_from_dc(element) -> Record:
    values: dict[str, list[str]] = {}
    for child in element:
        if isinstance(child.tag, str) and child.text and child.text.strip():
            values.setdefault(_local(child), []).append(child.text.strip())
    record = Record(kind=Kind.BOOK)
    record.title = strip_isbd(values.get("title", [""])[0])
    record.authors = [names.parse_name(strip_isbd(v)) for v in values.get("creator", [])]
    record.publisher = strip_isbd(values.get("publisher", [""])[0])
    record.publication_date = strip_isbd(values.get("date", [""])[0])
    record.year = identifiers.year_from_date(record.publication_date)
    for value in values.get("identifier", []):
        if value.upper().startswith("URN:ISBN:"):
            try:
                isbn = identifiers.normalize_isbn(value[9:])
            except identifiers.IdentifierError:
                record.rejected_identifiers.append(value)
                continue
            if isbn not in record.isbns:
                record.isbns.append(isbn)
        elif value.startswith(("http://", "https://")):
            record.urls.append(value)
        elif not record.record_id:
            record.record_id = value
    return record


def _diagnostic_error(element) -> SRUDiagnostic:
    uri = _text(_child(element, "uri"))
    details = _text(_child(element, "details"))
    server_message = _text(_child(element, "message"))
    code = uri.rsplit("/", 1)[-1]
    reason = _DIAGNOSTICS.get(code) or server_message or "the catalogue reported a problem"
    extra = f" ({details})" if details else ""
    return SRUDiagnostic(
        f"The catalogue could not run this search: {reason}{extra}.", uri=uri, details=details
    )


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element, name: str):
    if element is None:
        return None
    return next((c for c in element if isinstance(c.tag, str) and _local(c) == name), None)


def _children(element, name: str) -> list:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and _local(c) == name]


def _first(element, name: str):
    if element is None:
        return None
    return next((e for e in element.iter() if isinstance(e.tag, str) and _local(e) == name), None)


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""
