"""Writes for citations: create, edit, move, delete — positions stay contiguous."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation, CitationStatus
from readings.core import positions
from readings.core.exceptions import InvalidInput, NotFound
from readings.core.models import validate
from readings.lists.models import ReadingList, Section, Tag
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


_UNCHANGED: Any = object()


@transaction.atomic
def citation_update(
    *,
    citation_id: int,
    fields: dict[str, Any],
    expected_version: int | None = None,
    read_by_week: int | None = _UNCHANGED,
) -> Citation:
    citation = _citation(citation_id)
    cleaned = clean_citation_fields(fields, partial=True)
    if "title" in cleaned and not cleaned["title"]:
        raise InvalidInput({"title": [gettext("A citation needs a title.")]})
    if read_by_week is not _UNCHANGED:
        cleaned["read_by_week"] = _clean_week(read_by_week)
    locked = list_lock(list_id=citation.reading_list_id, expected_version=expected_version)
    for name, value in cleaned.items():
        setattr(citation, name, value)
    validate(citation, exclude=["reading_list", "section"])
    citation.save(update_fields=[*cleaned, "updated_at"])
    list_bump(locked)
    return citation


@transaction.atomic
def citation_add(
    *,
    section: Section,
    fields: dict[str, Any],
    tags: Iterable[Tag] = (),
    read_by_week: int | None = None,
    form_token: str = "",
    expected_version: int | None = None,
) -> tuple[Citation, bool]:
    """Add a citation from the editor's form; the same form sent twice adds it once.

    Returns the citation and whether it is new. The token is checked under the
    list's lock and before the version, so a double click's second request
    (which carries the now stale version) finds the first one's citation.
    """
    form_token = (form_token or "").strip()
    if len(form_token) > 64:
        raise InvalidInput(
            {"form_token": [gettext("The form token is too long; reload the form.")]}
        )
    week = _clean_week(read_by_week)
    list_lock(list_id=section.reading_list_id)
    if form_token:
        earlier = Citation.objects.filter(
            reading_list_id=section.reading_list_id, form_token=form_token
        ).first()
        if earlier is not None:
            return earlier, False
    citation = citation_create(
        section=section, fields=fields, tags=tags, expected_version=expected_version
    )
    citation.read_by_week = week
    citation.form_token = form_token
    citation.save(update_fields=["read_by_week", "form_token"])
    return citation, True


def _clean_week(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        week = int(value)
    except (TypeError, ValueError):
        raise InvalidInput({"read_by_week": [gettext("Give the week as a number.")]}) from None
    if not 1 <= week <= 60:
        raise InvalidInput({"read_by_week": [gettext("Give a week between 1 and 60.")]})
    return week


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
        raise InvalidInput({"tags": [gettext("Tags must belong to the list's institution.")]})
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
        raise NotFound(gettext("No such citation."))
    target_id = section.reading_list_id
    involved = sorted({c.reading_list_id for c in moving} | {target_id})
    # Lock in a fixed order so two opposite moves between lists cannot deadlock.
    locked = {
        pk: list_lock(list_id=pk, expected_version=expected_version if pk == target_id else None)
        for pk in involved
    }
    target = locked[target_id]
    if any(rl.institution_id != target.institution_id for rl in locked.values()):
        raise InvalidInput(
            {"section": [gettext("Citations cannot move to another institution's list.")]}
        )
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
        raise NotFound(gettext("No such citation."))
    return citation


# Editor actions: copies, moves checked against the list being edited, bulk changes.

_NOT_COPIED = {"id", "reading_list", "section", "position", "created_at", "updated_at", "tags"}


def _copy_of(source: Citation, *, section: Section, position: int) -> Citation:
    values = {
        f.attname: getattr(source, f.attname)
        for f in Citation._meta.concrete_fields
        if f.name not in _NOT_COPIED
    }
    # A copy is a new item: the library has not processed it and no form made it.
    values.update(
        form_token="",
        original_system_id="",
        status=CitationStatus.BEING_PREPARED,
        position=position,
    )
    return Citation(reading_list_id=section.reading_list_id, section=section, **values)


@transaction.atomic
def citation_duplicate(*, citation_id: int, expected_version: int | None = None) -> Citation:
    """Copy a citation (with its tags) to just below itself."""
    source = _citation(citation_id)
    locked = list_lock(list_id=source.reading_list_id, expected_version=expected_version)
    order = positions.ordered_ids(Citation.objects.filter(section_id=source.section_id))
    copy = _copy_of(source, section=source.section, position=len(order))
    copy.save()
    copy.tags.set(source.tags.all())
    order.insert(order.index(source.pk) + 1, copy.pk)
    positions.place(Citation, "section", {source.section_id: order})
    copy.refresh_from_db(fields=["position"])
    list_bump(locked)
    return copy


@transaction.atomic
def citation_copy(
    *, citation_id: int, section: Section, expected_version: int | None = None
) -> Citation:
    """Copy a citation to the end of ``section`` (usually of another list).

    ``expected_version`` is the target list's; the source list does not change.
    """
    source = _citation(citation_id)
    locked = list_lock(list_id=section.reading_list_id, expected_version=expected_version)
    if locked.institution_id != source.reading_list.institution_id:
        raise InvalidInput(
            {"section": [gettext("Citations cannot be copied to another institution.")]}
        )
    count = Citation.objects.filter(section=section).count()
    copy = _copy_of(source, section=section, position=count)
    copy.save()
    copy.tags.set(source.tags.all())
    list_bump(locked)
    return copy


@transaction.atomic
def citations_move_within(
    *,
    reading_list_id: int,
    citation_ids: Sequence[int],
    section: Section,
    position: int,
    expected_version: int | None = None,
) -> int:
    """Move citations of the list being edited, checking *that* list's version.

    citations_move checks the target list's version; an editor moving items
    out to another list holds the source's version, so both lists are locked
    here first, in id order as citations_move does, and the source is checked.
    Returns the edited list's new version.
    """
    _require_in_list(reading_list_id, citation_ids)
    for list_id in sorted({reading_list_id, section.reading_list_id}):
        list_lock(
            list_id=list_id,
            expected_version=expected_version if list_id == reading_list_id else None,
        )
    citations_move(citation_ids=citation_ids, section=section, position=position)
    return _version(reading_list_id)


@transaction.atomic
def citations_delete(
    *, reading_list_id: int, citation_ids: Sequence[int], expected_version: int | None = None
) -> int:
    """Delete several citations of one list; the rest close up. Returns the new version."""
    locked = list_lock(list_id=reading_list_id, expected_version=expected_version)
    _require_in_list(reading_list_id, citation_ids)
    doomed = Citation.objects.filter(pk__in=citation_ids)
    sections = set(doomed.values_list("section_id", flat=True))
    doomed.delete()
    order = {
        section_id: positions.ordered_ids(Citation.objects.filter(section_id=section_id))
        for section_id in sorted(sections)
    }
    positions.place(Citation, "section", order)
    list_bump(locked)
    return locked.version


@transaction.atomic
def citations_tag(
    *,
    reading_list_id: int,
    citation_ids: Sequence[int],
    tag: Tag,
    add: bool = True,
    expected_version: int | None = None,
) -> int:
    """Add a tag to (or take it from) several citations of one list. Returns the new version."""
    locked = list_lock(list_id=reading_list_id, expected_version=expected_version)
    _require_in_list(reading_list_id, citation_ids)
    if tag.institution_id != locked.institution_id:
        raise InvalidInput({"tags": [gettext("Tags must belong to the list's institution.")]})
    links = Citation.tags.through.objects
    if add:
        have = set(
            links.filter(tag=tag, citation_id__in=citation_ids).values_list(
                "citation_id", flat=True
            )
        )
        links.bulk_create([links.model(citation_id=pk, tag=tag) for pk in set(citation_ids) - have])
    else:
        links.filter(tag=tag, citation_id__in=citation_ids).delete()
    list_bump(locked)
    return locked.version


def _require_in_list(reading_list_id: int, citation_ids: Sequence[int]) -> None:
    wanted = set(citation_ids)
    found = Citation.objects.filter(pk__in=wanted, reading_list_id=reading_list_id).count()
    if not wanted or found != len(wanted):
        raise NotFound(gettext("No such citation on this list."))


def _version(reading_list_id: int) -> int:
    return ReadingList.objects.values_list("version", flat=True).get(pk=reading_list_id)
