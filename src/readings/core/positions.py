"""Keep sibling positions contiguous (0..n-1) and unique under any move.

Unique (parent, position) constraints are checked row by row on both SQLite and
PostgreSQL, so rows are first shifted far out of the final range, one band per
parent, and then written to their final places in one UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models
from django.db.models import Count, F, Max, Min

_BAND = 1_000_000


def place(
    model: type[models.Model],
    parent_field: str,
    order: Mapping[int, Sequence[int]],
    *,
    extra: Mapping[int, Mapping[str, object]] | None = None,
) -> None:
    """Give the rows in ``order[parent_id]`` that parent and positions 0..n-1.

    ``order`` must list every row of each named parent; ``extra`` sets other
    fields on given rows (e.g. the list a citation moves to).
    """
    parent_id_field = f"{parent_field}_id"
    all_ids = [pk for ids in order.values() for pk in ids]
    if not all_ids:
        return
    for band, ids in enumerate(order.values(), start=1):
        if ids:
            model.objects.filter(pk__in=ids).update(position=F("position") + band * _BAND)
    rows = [
        model(pk=pk, position=position, **{parent_id_field: parent_id})
        for parent_id, ids in order.items()
        for position, pk in enumerate(ids)
    ]
    model.objects.bulk_update(rows, ["position", parent_field], batch_size=500)
    # Extra fields go only to the rows that name them: in a shared UPDATE every
    # other row would be given the blank instance's value.
    for name in sorted({name for values in (extra or {}).values() for name in values}):
        changed = [model(pk=pk, **{name: v[name]}) for pk, v in extra.items() if name in v]
        model.objects.bulk_update(changed, [name], batch_size=500)


def ordered_ids(queryset: models.QuerySet) -> list[int]:
    return list(queryset.order_by("position").values_list("pk", flat=True))


def misplaced(model: type[models.Model], parent_field: str) -> list[int]:
    """Return the parents whose rows are not at exactly 0..n-1 (for checks and tests).

    With (parent, position) unique, lowest 0 and highest n-1 means no gap.
    """
    return sorted(
        model.objects.values(parent_field)
        .annotate(count=Count("pk"), lowest=Min("position"), highest=Max("position"))
        .exclude(lowest=0, highest=F("count") - 1)
        .values_list(parent_field, flat=True)
    )
