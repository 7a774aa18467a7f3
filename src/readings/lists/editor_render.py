"""The editor's rows, rendered in Python: a list of 1,500 items must open in under a second.

Through the template engine each row cost about 2 ms (includes, tags and
translations resolved per row); here the labels are translated once per page
and every value that is not already safe HTML is escaped with html.escape, as
Django's escape and the templates do (format_html itself cost a third of the
page's server time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from django.utils.formats import date_format
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
    # A list shows a handful of tags hundreds of times: each badge is rendered once a page.
    badges: dict[int, str] = field(default_factory=dict)

    def badge(self, tag) -> str:
        html = self.badges.get(tag.pk)
        if html is None:
            html = self.badges[tag.pk] = tag_badge(tag)
        return html

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
    hidden = " is-hidden" if row.hidden else ""
    kind = escape(labels.kinds.get(c.secondary_type, c.secondary_type))
    parts = [
        f'<li class="ed-item{hidden}" id="c{pk}" data-id="{pk}">'
        f'<input type="checkbox" class="ed-pick" name="citation" value="{pk}" form="bulk"'
        f' aria-labelledby="r{pk}"><div class="ed-body">'
        f'<p class="ed-ref" id="r{pk}"><span class="kind">{kind}</span> {reference_html(c)}</p>'
    ]
    meta = [labels.badge(tag) for tag in row.tags]
    if c.due_date:
        due = escape(date_format(c.due_date, "j M Y"))
        meta.append(f' <span class="due">{escape(labels.read_by)} {due}</span>')
    if c.read_by_week:
        meta.append(f' <span class="due">{escape(labels.week % {"n": c.read_by_week})}</span>')
    if meta:
        parts.append('<p class="ed-meta">' + "".join(meta) + "</p>")
    if c.public_note:
        # nh3 output: safe HTML (cleaned on write too; again here for older rows).
        parts.append('<div class="note">' + sanitize_note(c.public_note) + "</div>")
    if c.instructor_note:
        parts.append(
            f'<p class="private-note"><strong>{escape(labels.private_note)}</strong>'
            f" {escape(c.instructor_note)}</p>"
        )
    if row.hidden:
        reasons = escape("; ".join(row.hidden))
        parts.append(f'<p class="hidden-why">{escape(labels.hidden)} {reasons}.</p>')
    url = escape(cbase)
    parts.append(
        f'</div><div class="ed-actions">'
        f'<a href="{url}{pk}/" data-dialog aria-describedby="r{pk}">{escape(labels.edit)}</a>'
        f'<button type="button" class="ed-move js-only secondary" aria-describedby="r{pk}">'
        f"{escape(labels.move)}</button></div></li>"
    )
    return mark_safe("".join(parts))  # all values above escaped or already safe


def items_html(rows: Iterable[CitationRow], *, cbase: str) -> SafeString:
    labels = Labels.current()
    return mark_safe("".join(item_html(row, cbase=cbase, labels=labels) for row in rows))
