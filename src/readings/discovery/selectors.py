"""Reads for discovery: holdings of catalogue records, and which lists cite an item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from readings.citations import identifiers
from readings.citations.models import Citation
from readings.core.exceptions import Forbidden, InvalidInput, NotFound
from readings.courses.access import can_view_courses_of
from readings.discovery.backends import CatalogueUnavailable, parse_query
from readings.discovery.marc import Holding, Record
from readings.discovery.models import CatalogueRecord
from readings.discovery.recording import search_recorded
from readings.institutions.models import Institution
from readings.lists.access import AnyUser, access_list_by_id, visible_lists
from readings.lists.models import ListCourse, ReadingList, Section


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
    """The reading lists this user may see that cite the item, with their courses.

    Three short queries, each driven from an index whatever the planner thinks
    of the item: the citations by identifier, counted by list (few rows for any
    one item, however many citations there are); those lists the user may see,
    by primary key; the courses of the lists found. Plain values, no model
    instances for the lists: this answers catalogues, many times a second.
    """
    condition = identifier_filter(isbn=isbn, issn=issn, doi=doi)
    counts = dict(
        Citation.objects.filter(condition)
        .values_list("reading_list")
        .annotate(count=Count("pk"))
        .order_by()
    )
    if not counts:
        return []
    # Not joined to the citations in one query, so that no misjudged count of
    # the lists citing a core text can make PostgreSQL start from the visible
    # lists (20,000 at 1M citations) and read their citations.
    rows = [
        (list_id, code, name, institution, counts[list_id])
        for list_id, code, name, institution in visible_lists(user)
        .filter(pk__in=list(counts))
        .values_list("pk", "code", "name", "institution__code")
        .order_by("institution__code", "code", "pk")
    ]
    if not rows:
        return []
    courses: dict[int, list[dict[str, str]]] = {}
    links = (
        ListCourse.objects.filter(reading_list__in=[row[0] for row in rows])
        .order_by("course__code", "course__pk")
        .values_list("reading_list_id", "course__code", "course__title", "course__institution_id")
    )
    for list_id, code, title, institution_id in links:
        if can_view_courses_of(user, institution_id):
            courses.setdefault(list_id, []).append({"code": code, "title": title})
    return [
        CitedBy(
            list_id=list_id,
            list_code=code,
            list_name=name,
            institution=institution,
            citations=count,
            courses=courses.get(list_id, []),
        )
        for list_id, code, name, institution, count in rows
    ]


SEARCH_PAGE_SIZE = 20
# Catalogues page by record position; beyond this a person refines the search instead.
MAX_SEARCH_PAGE = 50


@dataclass
class CatalogueSearchPage:
    query: str
    number: int
    total: int = 0
    # The catalogue gave an estimate of the total ("about N records").
    estimated: bool = False
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
    *, institution: Institution, text: str, page: str | None, user: AnyUser | None = None
) -> CatalogueSearchPage:
    """One page of results from the institution's catalogue; a failure becomes a message.

    The search is recorded (``discovery.recording``): one insert, the evidence
    of the readiness check ``discovery_search`` and of the production error rate.
    """
    number = _page_number(page)
    result = CatalogueSearchPage(query=" ".join(text.split())[:300], number=number)
    if not result.query:
        return result
    start = (number - 1) * SEARCH_PAGE_SIZE + 1
    try:
        found = search_recorded(
            institution=institution,
            query=parse_query(result.query),
            text=result.query,
            start=start,
            limit=SEARCH_PAGE_SIZE,
            user=user,
        )
    except InvalidInput:
        result.error = "Type a word of the title, an author's name, a subject or an ISBN."
        return result
    except CatalogueUnavailable as exc:
        result.error = str(exc)
        return result
    result.total = found.total
    result.estimated = found.estimated
    result.records = found.records
    result.has_next = found.next_start is not None and number < MAX_SEARCH_PAGE
    return result


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SEARCH_PAGE)


@dataclass(frozen=True)
class AddTarget:
    """The list (and section of it) that search results can be added to."""

    reading_list: ReadingList
    section: Section
    sections: list[Section]


def add_target(user: AnyUser, *, list_id: str | int, section_id: str | int | None) -> AddTarget:
    """The list a person searches the catalogue for, if they may edit it.

    404 for a list they cannot see or of another institution (it would search
    another catalogue), 403 for one they see but may not change, 404 for a
    section of another list. Without a section the first one is the target.
    """
    try:
        list_pk = int(list_id)
    except (TypeError, ValueError):
        raise NotFound("No such reading list.") from None
    reading_list, access = access_list_by_id(user, list_pk)
    if reading_list.institution_id != user.institution_id:
        raise NotFound("No such reading list.")
    if not access.edit:
        raise Forbidden("You can see this reading list but not change it.")
    sections = list(reading_list.sections.order_by("position"))
    if not sections:
        raise NotFound("This reading list has no section to add to.")
    chosen = next((s for s in sections if str(s.pk) == str(section_id or "")), None)
    if section_id and chosen is None:
        raise NotFound("No such section in this reading list.")
    return AddTarget(reading_list, chosen or sections[0], sections)
