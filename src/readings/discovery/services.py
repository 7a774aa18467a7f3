"""Writes for discovery: registering the catalogues an institution searches."""

from __future__ import annotations

from django.db import transaction

from readings.core.exceptions import InvalidInput
from readings.core.models import validate
from readings.discovery.models import DiscoverySource, SourceKind
from readings.institutions.models import Institution


@transaction.atomic
def discovery_source_create(
    *,
    institution: Institution,
    name: str,
    url: str = "",
    database: str = "",
    kind: str = SourceKind.SRU,
    options: dict | None = None,
) -> DiscoverySource:
    """Register a catalogue source; an SRU source needs an http(s) URL."""
    source = DiscoverySource(
        institution=institution,
        name=name.strip(),
        kind=kind,
        url=url.strip(),
        database=database.strip().strip("/"),
        options=options or {},
    )
    if kind == SourceKind.SRU and not source.url:
        raise InvalidInput({"url": ["An SRU source needs the server's address."]})
    validate(source)
    source.save()
    return source
