"""The editor's rows, rendered in Python: a list of 1,500 items must open in under a second.

Through the template engine each row cost about 2 ms (includes, tags and
translations resolved per row); here the labels are translated once per page
and every value is escaped by format_html/escape as the templates would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from readings.citations.display import reference_html
from readings.citations.models import CitationKind
from readings.citations.templatetags.citations import tag_badge
from readings.core.text import sanitize_note
from readings.lists.selectors import CitationRow


@dataclass(frozen=True)
class Labels:
    kinds: dict[str, str]
    read_by: str
    week: str
    private_note: str
    hidden: str
    edit: str
    move: str

    @classmethod
    def current(cls) -> Labels:
        """The row texts in the active language, translated once for the whole page."""
        return cls(
            kinds={value: str(label) for value, label in CitationKind.choices},
            read_by=_("Read by"),
            week=_("Read by week %(n)s"),
            private_note=_("Private note:"),
            hidden=_("Hidden from students:"),
            edit=_("Edit"),
            move=_("Move"),
        )


def item_html(row: CitationRow, *, cbase: str, labels: Labels) -> SafeString:
    c = row.citation
    pk = c.pk
    parts = [
        format_html(
            '<li class="ed-item{}" id="c{}" data-id="{}">'
            '<input type="checkbox" class="ed-pick" name="citation" value="{}" form="bulk"'
            ' aria-labelledby="r{}"><div class="ed-body">'
            '<p class="ed-ref" id="r{}"><span class="kind">{}</span> {}</p>',
            " is-hidden" if row.hidden else "",
            pk,
            pk,
            pk,
            pk,
            pk,
            labels.kinds.get(c.secondary_type, c.secondary_type),
            reference_html(c),
        )
    ]
    meta = [tag_badge(tag) for tag in row.tags]
    if c.due_date:
        meta.append(
            format_html(
                ' <span class="due">{} {}</span>', labels.read_by, date_format(c.due_date, "j M Y")
            )
        )
    if c.read_by_week:
        meta.append(
            format_html(' <span class="due">{}</span>', labels.week % {"n": c.read_by_week})
        )
    if meta:
        parts.append(mark_safe('<p class="ed-meta">' + "".join(meta) + "</p>"))
    if c.public_note:
        # nh3 output: safe HTML (cleaned on write too; again here for older rows).
        parts.append(mark_safe('<div class="note">' + sanitize_note(c.public_note) + "</div>"))
    if c.instructor_note:
        parts.append(
            format_html(
                '<p class="private-note"><strong>{}</strong> {}</p>',
                labels.private_note,
                c.instructor_note,
            )
        )
    if row.hidden:
        parts.append(
            format_html('<p class="hidden-why">{} {}.</p>', labels.hidden, "; ".join(row.hidden))
        )
    parts.append(
        format_html(
            '</div><div class="ed-actions">'
            '<a href="{}{}/" data-dialog aria-describedby="r{}">{}</a>'
            '<button type="button" class="ed-move js-only secondary" aria-describedby="r{}">{}'
            "</button></div></li>",
            cbase,
            pk,
            pk,
            labels.edit,
            pk,
            labels.move,
        )
    )
    return mark_safe("".join(parts))


def items_html(rows: Iterable[CitationRow], *, cbase: str) -> SafeString:
    labels = Labels.current()
    return mark_safe("".join(item_html(row, cbase=cbase, labels=labels) for row in rows))
