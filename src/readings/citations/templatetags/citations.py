from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from readings.citations.display import reference_html
from readings.core.text import sanitize_note

register = template.Library()


@register.simple_tag
def citation_reference(citation) -> SafeString:
    return reference_html(citation)


@register.simple_tag
def tag_badge(tag) -> SafeString:
    """A tag as a small label; library-only tags say so to screen readers too."""
    if tag.kind == "library":
        return format_html(
            '<span class="tag tag-library">{}<span class="sr-only"> {}</span></span>',
            tag.name,
            _("(library only)"),
        )
    return format_html('<span class="tag tag-{}">{}</span>', slugify(tag.code), tag.name)


@register.filter
def note_html(value: str) -> SafeString:
    """Notes are sanitised when written; cleaning again on output guards older rows."""
    return mark_safe(sanitize_note(value))  # nh3 output is safe HTML
