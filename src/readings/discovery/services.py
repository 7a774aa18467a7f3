"""Writes for discovery: registering catalogues, and citing a catalogue record in a list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.core.exceptions import Conflict, InvalidInput, NotFound
from readings.core.models import validate
from readings.discovery.catalogue import catalogue_record_to_record
from readings.discovery.marc import Record
from readings.discovery.models import CatalogueRecord, DiscoverySource, SourceKind
from readings.institutions.models import Institution
from readings.lists.models import Section
from readings.lists.services import list_lock


@transaction.atomic
def discovery_source_create(
    *,
    institution: Institution,
    name: str,
    url: str = "",
    database: str = "",
    kind: str = SourceKind.SRU,
    options: dict | None = None,
) -> DiscoverySource:
    """Register a catalogue source; an SRU source needs an http(s) URL."""
    source = DiscoverySource(
        institution=institution,
        name=name.strip(),
        kind=kind,
        url=url.strip(),
        database=database.strip().strip("/"),
        options=options or {},
    )
    if kind == SourceKind.SRU and not source.url:
        raise InvalidInput({"url": ["An SRU source needs the server's address."]})
    validate(source)
    source.save()
    return source


@dataclass(frozen=True)
class ListedCopy:
    """A citation already in the list that is the same work as a catalogue record."""

    citation_id: int
    section_name: str
    title: str


class AlreadyInList(Conflict):
    """The list already cites the record (same ISBN, ISSN, DOI or catalogue record)."""

    code = "duplicate"

    def __init__(self, copies: list[ListedCopy]) -> None:
        self.copies = copies
        described = "; ".join(f"{copy.section_name} — {copy.title}" for copy in copies)
        super().__init__(gettext("Already in this list: %(copies)s") % {"copies": described})


@dataclass(frozen=True)
class AddedRecord:
    citation: Citation
    # False when the add repeated one already made (a double click): nothing new was created.
    created: bool
    list_version: int


@transaction.atomic
def catalogue_record_add(
    *,
    section: Section,
    record_id: str,
    allow_duplicate: bool = False,
    expected_version: int | None = None,
) -> AddedRecord:
    """Cite a record of the list's institution's built-in catalogue at the end of ``section``.

    Refuses with ``AlreadyInList`` when the list already cites the same work,
    unless ``allow_duplicate``. ``expected_version`` is the list's version when
    the person saw the results: if the list has changed since and now cites this
    very record, the request repeats an add already made (a double click or a
    resubmitted form), so the existing citation is given back instead of a copy.
    """
    reading_list = list_lock(list_id=section.reading_list_id)
    row = CatalogueRecord.objects.filter(
        institution_id=reading_list.institution_id, record_id=record_id
    ).first()
    if row is None:
        raise NotFound(gettext("The catalogue has no such record."))
    if expected_version is not None and expected_version != reading_list.version:
        repeated = (
            Citation.objects.filter(reading_list=reading_list, catalogue_record_id=row.record_id)
            .order_by("-pk")
            .first()
        )
        if repeated is not None:
            return AddedRecord(repeated, created=False, list_version=reading_list.version)
    record = catalogue_record_to_record(row)
    if not allow_duplicate:
        copies = listed_copies(reading_list_id=reading_list.pk, record=record)
        if copies:
            raise AlreadyInList(copies)
    citation = citation_create(section=section, fields=record.citation_fields())
    return AddedRecord(citation, created=True, list_version=reading_list.version + 1)


def listed_copies(*, reading_list_id: int, record: Record) -> list[ListedCopy]:
    """Citations of the list that are the record: same catalogue record, ISBN, ISSN or DOI.

    ISBNs are compared as ISBN-13, the form both the mapping and citations store,
    so an ISBN-10 in one and an ISBN-13 in the other are the same book.
    """
    same = Q(catalogue_record_id=record.record_id) if record.record_id else Q()
    for name, values in (("isbn", record.isbns), ("issn", record.issns), ("doi", record.dois)):
        if values:
            same |= Q(**{f"{name}__in": values})
    if not same:
        return []
    rows = (
        Citation.objects.filter(same, reading_list_id=reading_list_id)
        .order_by("section__position", "position")
        .values_list("pk", "section__name", "title")
    )
    return [ListedCopy(pk, section_name, title) for pk, section_name, title in rows]
