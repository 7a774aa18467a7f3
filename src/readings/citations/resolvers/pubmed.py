"""PubMed ids through NCBI E-utilities (``esummary.fcgi?db=pubmed&retmode=json``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from readings.citations.models import CitationKind
from readings.citations.resolvers import http
from readings.citations.resolvers.text import date_from_words, page_range, plain, without_empty

SOURCE = "pubmed"


def resolve_pmid(pmid: str) -> dict[str, Any]:
    params = {"db": "pubmed", "id": pmid, "retmode": "json"}
    try:
        answer = http.get_json(
            f"{http.base_url('pubmed')}/esummary.fcgi", service=SOURCE, params=params
        )
    except http.NotFoundAtService:
        answer = {"result": {}}
    if not isinstance(answer, dict) or not isinstance(answer.get("result", {}), dict):
        raise http.invalid(_("PubMed sent an answer that cannot be read."))
    # An unknown id comes back as {"uid": …, "error": "cannot get document summary"}.
    record = (answer.get("result") or {}).get(pmid)
    if not isinstance(record, dict) or record.get("error") or not record.get("title"):
        raise http.invalid(_("No record found for PMID %(pmid)s at PubMed."), pmid=pmid)
    return fields_from_summary(record, pmid=pmid)


def fields_from_summary(record: dict[str, Any], *, pmid: str = "") -> dict[str, Any]:
    ids = {
        str(i.get("idtype")): plain(i.get("value"))
        for i in record.get("articleids") or []
        if isinstance(i, dict)
    }
    fields: dict[str, Any] = {
        "secondary_type": CitationKind.ARTICLE,
        # MEDLINE ends titles with a full stop; citation styles add their own.
        "title": plain(record.get("title")).rstrip("."),
        "authors": _authors(record.get("authors")),
        "container_title": plain(record.get("fulljournalname") or record.get("source")),
        "publication_date": date_from_words(str(record.get("pubdate") or "")),
        "volume": plain(record.get("volume")),
        "issue": plain(record.get("issue")),
        "pages": page_range(str(record.get("pages") or "")),
        "issn": plain(record.get("issn") or record.get("essn")),
        "doi": ids.get("doi", ""),
        "pmid": ids.get("pubmed") or pmid,
    }
    return without_empty(fields)


def _authors(people: Any) -> list[dict[str, str]]:
    names = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict) or not plain(person.get("name")):
            continue
        name = plain(person["name"])
        if person.get("authtype") == "CollectiveName" or " " not in name:
            names.append({"literal": name})
        else:
            # MEDLINE writes "Smith JA": family name, then initials.
            family, initials = name.rsplit(" ", 1)
            names.append({"family": family, "given": initials})
    return names
