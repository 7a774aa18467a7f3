"""Discovery: the catalogues an institution searches, and its built-in catalogue.

The full-text index of ``CatalogueRecord`` is not a model field: migration
0002 adds an FTS5 table on SQLite and a ``search_vector`` column on PostgreSQL,
both kept up to date by triggers, and ``discovery.catalogue`` queries them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readings.core.models import TimeStampedModel


class SourceKind(models.TextChoices):
    SRU = "sru", _("SRU server")
    BUILTIN = "builtin", _("Built-in catalogue")


def empty_dict() -> dict:
    return {}


def empty_list() -> list:
    return []


class DiscoverySource(TimeStampedModel):
    """A catalogue an institution searches: an SRU server, or the built-in catalogue."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="discovery_sources"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.SRU)
    url = models.URLField(max_length=500, blank=True)
    database = models.CharField(max_length=100, blank=True)
    # Client settings such as record_schema, timeout and retries.
    options = models.JSONField(default=empty_dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="discovery_source_name"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="discovery_source_known_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueRecord(TimeStampedModel):
    """One record of the built-in catalogue, mapped from MARC by ``discovery.marc``."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="catalogue_records"
    )
    record_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, default="BK")
    title = models.TextField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    isbn = models.CharField(max_length=13, blank=True, db_index=True)
    # The searchable text, by field; the full-text index is built from these.
    author_text = models.TextField(blank=True)
    isbn_text = models.TextField(blank=True, help_text="Every ISBN-13, space separated.")
    keyword_text = models.TextField(blank=True)
    # Everything else the mapping found (discovery.marc.Record.as_dict()), holdings included.
    data = models.JSONField(default=empty_dict, blank=True)
    holdings = models.JSONField(default=empty_list, blank=True)

    class Meta:
        ordering = ["institution", "record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "record_id"], name="catalogue_record_id_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.title[:60]}"


class SearchRecord(models.Model):
    """One catalogue search and how it went: the go-live check's evidence and error rate.

    Written once per search (a single insert); the query text is kept short.
    """

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=100)
    query = models.CharField(max_length=300)
    total = models.PositiveIntegerField(default=0)
    # Empty when the catalogue answered; its message when it could not.
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # Run from the readiness page or command to prove the catalogue answers.
    is_test = models.BooleanField(default=False)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["institution", "created_at"], name="discovery_search_when"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.query} ({self.total})"
