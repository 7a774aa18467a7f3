"""Writes for citations: create, edit, move, delete — positions stay contiguous."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation
from readings.core import positions
from readings.core.exceptions import InvalidInput, NotFound
from readings.core.models import validate
from readings.lists.models import Section, Tag
from readings.lists.services import list_bump, list_lock


@transaction.atomic
def citation_create(
    *,
    section: Section,
    fields: dict[str, Any],
    tags: Iterable[Tag] = (),
    position: int | None = None,
    expected_version: int | None = None,
) -> Citation:
    """Add a citation at the end of a section, or at ``position``."""
    cleaned = clean_citation_fields(fields)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    order = positions.ordered_ids(Citation.objects.filter(section=section))
    citation = Citation(reading_list=locked, section=section, position=len(order), **cleaned)
    validate(citation, exclude=["reading_list", "section"])
    citation.save()
    _set_tags(citation, tags, institution_id=locked.institution_id)
    if position is not None and position < len(order):
        order.insert(max(position, 0), citation.pk)
        positions.place(Citation, "section", {section.pk: order})
        citation.refresh_from_db(fields=["position"])
    list_bump(locked)
    return citation


@transaction.atomic
def citation_update(
    *, citation_id: int, fields: dict[str, Any], expected_version: int | None = None
) -> Citation:
    citation = _citation(citation_id)
    cleaned = clean_citation_fields(fields, partial=True)
    if "title" in cleaned and not cleaned["title"]:
        raise InvalidInput({"title": ["A citation needs a title."]})
    locked = list_lock(list_id=citation.reading_list_id, expected_version=expected_version)
    for name, value in cleaned.items():
        setattr(citation, name, value)
    validate(citation, exclude=["reading_list", "section"])
    citation.save(update_fields=[*cleaned, "updated_at"])
    list_bump(locked)
    return citation


@transaction.atomic
def citation_set_tags(
    *, citation: Citation, tags: Iterable[Tag], expected_version: int | None = None
) -> None:
    locked = list_lock(list_id=citation.reading_list_id, expected_version=expected_version)
    _set_tags(citation, tags, institution_id=locked.institution_id)
    list_bump(locked)


def _set_tags(citation: Citation, tags: Iterable[Tag], *, institution_id: int) -> None:
    tags = list(tags)
    if any(t.institution_id != institution_id for t in tags):
        raise InvalidInput({"tags": ["Tags must belong to the list's institution."]})
    citation.tags.set(tags)


@transaction.atomic
def citation_move(
    *,
    citation_id: int,
    section: Section,
    position: int,
    expected_version: int | None = None,
) -> Citation:
    """Move a citation to ``position`` in ``section`` (same or another section or list)."""
    return citations_move(
        citation_ids=[citation_id],
        section=section,
        position=position,
        expected_version=expected_version,
    )[0]


@transaction.atomic
def citations_move(
    *,
    citation_ids: Sequence[int],
    section: Section,
    position: int,
    expected_version: int | None = None,
) -> list[Citation]:
    """Move several citations, in the given order, to one place in ``section``.

    ``expected_version`` is checked against the target list; any source list
    is locked and bumped too, so neither list's positions can go stale.
    """
    if not citation_ids:
        return []
    moving = list(Citation.objects.filter(pk__in=citation_ids))
    if len(moving) != len(set(citation_ids)):
        raise NotFound("No such citation.")
    target_id = section.reading_list_id
    involved = sorted({c.reading_list_id for c in moving} | {target_id})
    # Lock in a fixed order so two opposite moves between lists cannot deadlock.
    locked = {
        pk: list_lock(list_id=pk, expected_version=expected_version if pk == target_id else None)
        for pk in involved
    }
    target = locked[target_id]
    if any(rl.institution_id != target.institution_id for rl in locked.values()):
        raise InvalidInput({"section": ["Citations cannot move to another institution's list."]})
    sections = {c.section_id for c in moving} | {section.pk}
    ids = list(dict.fromkeys(citation_ids))
    order: dict[int, list[int]] = {}
    for section_id in sorted(sections):
        current = positions.ordered_ids(Citation.objects.filter(section_id=section_id))
        order[section_id] = [pk for pk in current if pk not in ids]
    at = max(0, min(position, len(order[section.pk])))
    order[section.pk][at:at] = ids
    extra = {c.pk: {"reading_list_id": target.pk} for c in moving if c.reading_list_id != target.pk}
    positions.place(Citation, "section", order, extra=extra)
    for reading_list in locked.values():
        list_bump(reading_list)
    return list(Citation.objects.filter(pk__in=ids).order_by("position"))


@transaction.atomic
def citation_delete(*, citation_id: int, expected_version: int | None = None) -> None:
    citation = _citation(citation_id)
    locked = list_lock(list_id=citation.reading_list_id, expected_version=expected_version)
    section_id = citation.section_id
    citation.delete()
    order = positions.ordered_ids(Citation.objects.filter(section_id=section_id))
    positions.place(Citation, "section", {section_id: order})
    list_bump(locked)


def _citation(citation_id: int) -> Citation:
    citation = Citation.objects.select_related("reading_list").filter(pk=citation_id).first()
    if citation is None:
        raise NotFound("No such citation.")
    return citation
