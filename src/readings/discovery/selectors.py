"""Reads for discovery: holdings of catalogue records, and which lists cite an item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from readings.citations import identifiers
from readings.citations.models import Citation
from readings.core.exceptions import InvalidInput
from readings.courses.access import can_view_course
from readings.courses.models import Course
from readings.discovery.backends import CatalogueUnavailable, backend_for, parse_query
from readings.discovery.marc import Holding, Record
from readings.discovery.models import CatalogueRecord
from readings.institutions.models import Institution
from readings.lists.access import AnyUser, visible_lists


def holdings_by_record_id(
    *, institution: Institution, record_ids: Iterable[str]
) -> dict[str, list[Holding]]:
    """Holdings of the built-in catalogue's records with these ids, in one query (none if none)."""
    wanted = {record_id for record_id in record_ids if record_id}
    if not wanted:
        return {}
    rows = CatalogueRecord.objects.filter(
        institution=institution, record_id__in=wanted
    ).values_list("record_id", "holdings")
    return {record_id: _holdings(holdings) for record_id, holdings in rows}


def _holdings(stored: object) -> list[Holding]:
    # Stored by discovery.marc (Holding as a dict); anything else is skipped, never an error.
    if not isinstance(stored, list):
        return []
    names = Holding.__dataclass_fields__
    return [
        Holding(**{key: str(value) for key, value in item.items() if key in names})
        for item in stored
        if isinstance(item, dict)
    ]


@dataclass(frozen=True)
class CitedBy:
    list_id: int
    list_code: str
    list_name: str
    institution: str
    citations: int
    courses: list[dict[str, str]] = field(default_factory=list)


def identifier_filter(*, isbn: str = "", issn: str = "", doi: str = "") -> Q:
    """The citations carrying any of the identifiers, normalised as citations store them.

    ISBN-10 and ISBN-13 of the same book are the same ISBN-13 once normalised.
    """
    errors: dict[str, list[str]] = {}
    condition = Q()
    for name, value, normalize in (
        ("isbn", isbn, identifiers.normalize_isbn),
        ("issn", issn, identifiers.normalize_issn),
        ("doi", doi, identifiers.normalize_doi),
    ):
        try:
            normalised = normalize(value)
        except identifiers.IdentifierError as exc:
            errors[name] = [str(exc)]
            continue
        if normalised:
            condition |= Q(**{name: normalised})
    if errors:
        raise InvalidInput(errors)
    if not condition:
        raise InvalidInput("Give an ISBN, an ISSN or a DOI.")
    return condition


def lists_citing(user: AnyUser, *, isbn: str = "", issn: str = "", doi: str = "") -> list[CitedBy]:
    """The reading lists this user may see that cite the item, with their courses."""
    citing = Citation.objects.filter(identifier_filter(isbn=isbn, issn=issn, doi=doi))
    lists = (
        visible_lists(user)
        .filter(pk__in=citing.values("reading_list"))
        .select_related("institution")
        .annotate(matching=Count("citations", filter=Q(citations__in=citing)))
        .prefetch_related(Prefetch("courses", queryset=Course.objects.order_by("code")))
        .order_by("institution__code", "code", "pk")
    )
    return [
        CitedBy(
            list_id=reading_list.pk,
            list_code=reading_list.code,
            list_name=reading_list.name,
            institution=reading_list.institution.code,
            citations=reading_list.matching,
            courses=[
                {"code": course.code, "title": course.title}
                for course in reading_list.courses.all()
                if can_view_course(user, course)
            ],
        )
        for reading_list in lists
    ]


SEARCH_PAGE_SIZE = 20
# Catalogues page by record position; beyond this a person refines the search instead.
MAX_SEARCH_PAGE = 50


@dataclass
class CatalogueSearchPage:
    query: str
    number: int
    total: int = 0
    records: list[Record] = field(default_factory=list)
    has_next: bool = False
    error: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_position(self) -> int:
        return (self.number - 1) * SEARCH_PAGE_SIZE + 1


def catalogue_search_page(
    *, institution: Institution, text: str, page: str | None
) -> CatalogueSearchPage:
    """One page of results from the institution's catalogue; a failure becomes a message."""
    number = _page_number(page)
    result = CatalogueSearchPage(query=" ".join(text.split())[:300], number=number)
    if not result.query:
        return result
    start = (number - 1) * SEARCH_PAGE_SIZE + 1
    try:
        found = backend_for(institution).search(
            parse_query(result.query), start=start, limit=SEARCH_PAGE_SIZE
        )
    except InvalidInput:
        result.error = "Type a word of the title, an author's name, a subject or an ISBN."
        return result
    except CatalogueUnavailable as exc:
        result.error = str(exc)
        return result
    result.total = found.total
    result.records = found.records
    result.has_next = found.next_start is not None and number < MAX_SEARCH_PAGE
    return result


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SEARCH_PAGE)
