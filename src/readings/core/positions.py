"""Keep sibling positions contiguous (0..n-1) and unique under any move.

Unique (parent, position) constraints are checked row by row on both SQLite and
PostgreSQL, so rows are first shifted far out of the final range, one band per
parent, and then written to their final places in one UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models
from django.db.models import F

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
    fields on given rows (e.g. the list a citation moves to) in the same write.
    """
    parent_id_field = f"{parent_field}_id"
    all_ids = [pk for ids in order.values() for pk in ids]
    if not all_ids:
        return
    for band, ids in enumerate(order.values(), start=1):
        if ids:
            model.objects.filter(pk__in=ids).update(position=F("position") + band * _BAND)
    rows = []
    extra = extra or {}
    for parent_id, ids in order.items():
        for position, pk in enumerate(ids):
            row = model(pk=pk, position=position, **{parent_id_field: parent_id})
            for name, value in extra.get(pk, {}).items():
                setattr(row, name, value)
            rows.append(row)
    fields = ["position", parent_field, *sorted({k for v in extra.values() for k in v})]
    model.objects.bulk_update(rows, fields, batch_size=500)


def ordered_ids(queryset: models.QuerySet) -> list[int]:
    return list(queryset.order_by("position").values_list("pk", flat=True))
