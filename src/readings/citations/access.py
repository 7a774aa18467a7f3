"""Who may see or change a citation: whoever may see or change its list.

A reader (student, public) reaches a citation only if the list page would
show it to them; anything else answers "not found", like a missing one.
"""

from __future__ import annotations

from django.utils.translation import gettext

from readings.citations.models import Citation
from readings.core.exceptions import Forbidden, NotFound
from readings.institutions.selectors import institution_today
from readings.lists.access import AnyUser, ListAccess, list_access
from readings.lists.visibility import citation_hidden_reasons, section_hidden_reasons


def access_citation_by_id(
    user: AnyUser, citation_id: int, *, for_edit: bool = False
) -> tuple[Citation, ListAccess]:
    citation = (
        Citation.objects.select_related("reading_list__institution", "section")
        .filter(pk=citation_id)
        .first()
    )
    if citation is None:
        raise NotFound(gettext("No such citation."))
    access = list_access(user, citation.reading_list)
    if not access.view or (access.reader_only and _hidden_from_readers(citation)):
        raise NotFound(gettext("No such citation."))
    if for_edit and not access.edit:
        raise Forbidden(gettext("You can see this citation but not change it."))
    return citation, access


def _hidden_from_readers(citation: Citation) -> bool:
    institution = citation.reading_list.institution
    today = institution_today(institution)
    return bool(
        section_hidden_reasons(citation.section, today)
        or citation_hidden_reasons(
            citation, require_completion=institution.require_library_completion
        )
    )
