from django import template

from readings.citations.display import reference_html

register = template.Library()


@register.simple_tag
def citation_reference(citation):
    return reference_html(citation)
