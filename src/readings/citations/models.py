"""Citations: the items on a reading list, with structured bibliographic metadata."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readings.core.models import TimeStampedModel


class CitationKind(models.TextChoices):
    """The secondary type, using Leganto's codes so files round-trip unchanged."""

    BOOK = "BK", _("Book")
    EBOOK = "E_BK", _("E-book")
    CHAPTER = "BOOK_EXTRACT", _("Book chapter")
    ARTICLE = "CR", _("Article")
    EARTICLE = "E_CR", _("E-article")
    JOURNAL = "JR", _("Journal")
    WEBSITE = "WS", _("Web site")
    VIDEO = "VD", _("Video")
    AUDIO = "AR", _("Audio")
    DOCUMENT = "DO", _("Document")
    NOTE = "NOTE", _("Note")
    OTHER = "OTHER", _("Other")


class MaterialType(models.TextChoices):
    """The primary type: book-like or article-like, as Alma and link resolvers see it."""

    BOOK = "BK", _("Book")
    ARTICLE = "CR", _("Article")


ARTICLE_LIKE = {CitationKind.ARTICLE, CitationKind.EARTICLE, CitationKind.JOURNAL}


def material_type_for(kind: str) -> str:
    return MaterialType.ARTICLE if kind in ARTICLE_LIKE else MaterialType.BOOK


class CitationStatus(models.TextChoices):
    BEING_PREPARED = "BeingPrepared", _("Being prepared")
    READY_FOR_PROCESSING = "ReadyForProcessing", _("Sent to the library")
    IN_PROCESS = "InProcess", _("In process")
    COMPLETE = "Complete", _("Complete")
    DECLINED = "Declined", _("Declined")
    INACTIVE = "Inactive", _("Inactive")


def empty_list() -> list:
    return []


class Citation(TimeStampedModel):
    # Denormalised from section for fast list-wide queries; lists.services keeps
    # it equal to section.reading_list (tested).
    reading_list = models.ForeignKey(
        "lists.ReadingList", on_delete=models.CASCADE, related_name="citations"
    )
    section = models.ForeignKey("lists.Section", on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveIntegerField()

    type = models.CharField(max_length=2, choices=MaterialType.choices, default=MaterialType.BOOK)
    secondary_type = models.CharField(
        max_length=16, choices=CitationKind.choices, default=CitationKind.BOOK
    )
    status = models.CharField(
        max_length=20, choices=CitationStatus.choices, default=CitationStatus.BEING_PREPARED
    )

    title = models.TextField()
    # Ordered lists of CSL-style names: {"family": ..., "given": ...} or {"literal": ...}.
    authors = models.JSONField(default=empty_list, blank=True)
    editors = models.JSONField(default=empty_list, blank=True)
    container_title = models.TextField(blank=True, help_text="Journal, book or site title.")
    chapter_title = models.TextField(blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=255, blank=True)
    publication_date = models.CharField(max_length=100, blank=True, help_text="As given.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Derived.")
    edition = models.CharField(max_length=100, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    start_page = models.CharField(max_length=20, blank=True)
    end_page = models.CharField(max_length=20, blank=True)
    isbn = models.CharField(max_length=13, blank=True, db_index=True)
    issn = models.CharField(max_length=9, blank=True, db_index=True)
    doi = models.CharField(max_length=255, blank=True, db_index=True)
    pmid = models.CharField(max_length=20, blank=True)
    oclc = models.CharField(max_length=50, blank=True)
    lccn = models.CharField(max_length=50, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    source_links = models.JSONField(default=empty_list, blank=True)
    catalogue_record_id = models.CharField(max_length=100, blank=True)
    # Identifier in the system a loader brought it from; makes re-loads idempotent.
    original_system_id = models.CharField(max_length=255, blank=True)

    tags = models.ManyToManyField("lists.Tag", blank=True, related_name="citations")
    public_note = models.TextField(blank=True, help_text="Shown to students; sanitised HTML.")
    instructor_note = models.TextField(blank=True, help_text="Private to list editors.")
    library_note = models.TextField(blank=True, help_text="Between instructors and library.")
    due_date = models.DateField(null=True, blank=True)
    # "Read by week N" of the course, for lists planned by teaching week rather than date.
    read_by_week = models.PositiveSmallIntegerField(null=True, blank=True)
    # The one-time token of the editor's "Add" form: a second submission of the
    # same form (a double click) finds this citation instead of adding another.
    form_token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="citation_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(secondary_type__in=CitationKind.values),
                name="citation_known_secondary_type",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CitationStatus.values), name="citation_known_status"
            ),
            models.CheckConstraint(
                condition=Q(type__in=MaterialType.values), name="citation_known_type"
            ),
            models.UniqueConstraint(
                fields=["reading_list", "form_token"],
                condition=~Q(form_token=""),
                name="citation_form_token_unique",
            ),
        ]
        indexes = [models.Index(fields=["reading_list", "status"], name="citation_list_status")]

    def __str__(self) -> str:
        return self.title[:80]
