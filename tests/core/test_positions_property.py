"""A long random session of structural edits never breaks the list invariants.

A plain-Python model of the lists is edited alongside the services; after
every step the database must match it exactly, positions must be 0..n-1 per
list and per section, every citation must belong to its section's list, and
each list's version must have grown once per change that touched it.
"""

from __future__ import annotations

import random

import pytest
from django.db.models import F

from readings.citations.models import Citation
from readings.citations.services import (
    citation_create,
    citation_delete,
    citations_move,
)
from readings.core import positions
from readings.core.exceptions import Conflict
from readings.lists.models import ReadingList, Section
from readings.lists.services import (
    list_create,
    section_create,
    section_delete,
    section_move,
)

STEPS = 200


class Model:
    """What the lists should look like: ordered ids, and versions."""

    def __init__(self, lists: list[ReadingList]) -> None:
        self.sections: dict[int, list[int]] = {rl.pk: [] for rl in lists}
        self.citations: dict[int, list[int]] = {}
        self.versions = {rl.pk: rl.version for rl in lists}

    def list_of(self, section_id: int) -> int:
        return next(pk for pk, ids in self.sections.items() if section_id in ids)

    def section_of(self, citation_id: int) -> int:
        return next(pk for pk, ids in self.citations.items() if citation_id in ids)

    def all_sections(self) -> list[int]:
        return [pk for ids in self.sections.values() for pk in ids]

    def all_citations(self) -> list[int]:
        return [pk for ids in self.citations.values() for pk in ids]


def insert(ids: list[int], pk: int, position: int | None) -> None:
    at = len(ids) if position is None else max(0, min(position, len(ids)))
    ids.insert(at, pk)


def a_position(rng: random.Random) -> int | None:
    return rng.choice([None, 0, -3, 999, rng.randint(0, 6)])


class Session:
    def __init__(self, rng: random.Random, model: Model) -> None:
        self.rng, self.model = rng, model

    def step(self) -> str:
        options = [self.create_section, self.stale_change]
        if self.model.all_sections():
            options += [self.move_section, self.create_citation, self.create_citation]
            options += [self.delete_section] if self.rng.random() < 0.5 else []
        if self.model.all_citations():
            options += [self.move_citations, self.move_citations, self.delete_citation]
        action = self.rng.choice(options)
        action()
        return action.__name__

    def create_section(self) -> None:
        list_id = self.rng.choice(list(self.model.sections))
        position = a_position(self.rng)
        section = section_create(
            reading_list=ReadingList.objects.get(pk=list_id),
            name="S",
            position=position,
            expected_version=self.model.versions[list_id],
        )
        insert(self.model.sections[list_id], section.pk, position)
        self.model.citations[section.pk] = []
        self.model.versions[list_id] += 1

    def move_section(self) -> None:
        section_id = self.rng.choice(self.model.all_sections())
        list_id = self.model.list_of(section_id)
        position = self.rng.choice([0, -1, 99, self.rng.randint(0, 5)])
        section_move(section_id=section_id, position=position)
        self.model.sections[list_id].remove(section_id)
        insert(self.model.sections[list_id], section_id, position)
        self.model.versions[list_id] += 1

    def delete_section(self) -> None:
        section_id = self.rng.choice(self.model.all_sections())
        list_id = self.model.list_of(section_id)
        section_delete(section_id=section_id, expected_version=self.model.versions[list_id])
        self.model.sections[list_id].remove(section_id)
        del self.model.citations[section_id]
        self.model.versions[list_id] += 1

    def create_citation(self) -> None:
        section_id = self.rng.choice(self.model.all_sections())
        position = a_position(self.rng)
        citation = citation_create(
            section=Section.objects.get(pk=section_id), fields={"title": "C"}, position=position
        )
        insert(self.model.citations[section_id], citation.pk, position)
        self.model.versions[self.model.list_of(section_id)] += 1

    def move_citations(self) -> None:
        everything = self.model.all_citations()
        ids = self.rng.sample(everything, self.rng.randint(1, min(4, len(everything))))
        target = self.rng.choice(self.model.all_sections())
        position = self.rng.choice([0, -2, 50, self.rng.randint(0, 6)])
        touched = {self.model.list_of(self.model.section_of(pk)) for pk in ids}
        touched.add(self.model.list_of(target))
        citations_move(
            citation_ids=ids,
            section=Section.objects.get(pk=target),
            position=position,
            expected_version=self.model.versions[self.model.list_of(target)],
        )
        for pk in ids:
            self.model.citations[self.model.section_of(pk)].remove(pk)
        kept = self.model.citations[target]
        at = max(0, min(position, len(kept)))
        kept[at:at] = ids
        for list_id in touched:
            self.model.versions[list_id] += 1

    def delete_citation(self) -> None:
        citation_id = self.rng.choice(self.model.all_citations())
        section_id = self.model.section_of(citation_id)
        citation_delete(citation_id=citation_id)
        self.model.citations[section_id].remove(citation_id)
        self.model.versions[self.model.list_of(section_id)] += 1

    def stale_change(self) -> None:
        list_id = self.rng.choice(list(self.model.sections))
        with pytest.raises(Conflict):
            section_create(
                reading_list=ReadingList.objects.get(pk=list_id),
                name="Too late",
                position=0,
                expected_version=self.model.versions[list_id] - 1,
            )


def assert_matches(model: Model) -> None:
    assert positions.misplaced(Section, "reading_list") == []
    assert positions.misplaced(Citation, "section") == []
    assert not Citation.objects.exclude(reading_list=F("section__reading_list")).exists()
    sections = {pk: [] for pk in model.sections}
    for list_id, pk in Section.objects.order_by("position").values_list("reading_list", "pk"):
        sections[list_id].append(pk)
    citations = {pk: [] for pk in model.citations}
    for section_id, pk in Citation.objects.order_by("position").values_list("section", "pk"):
        citations[section_id].append(pk)
    assert (sections, citations) == (model.sections, model.citations)
    assert dict(ReadingList.objects.values_list("pk", "version")) == model.versions


@pytest.mark.parametrize("seed", [2025])
def test_a_random_session_of_edits_keeps_every_list_in_order(institution, seed):
    lists = [
        list_create(institution=institution, name=f"L{n}", code=f"L{n}", first_section=None)
        for n in range(3)
    ]
    model = Model(lists)
    session = Session(random.Random(seed), model)
    done = []
    for _ in range(STEPS):
        done.append(session.step())
        assert_matches(model)
    # The session really exercised everything it claims to.
    assert {"move_citations", "delete_section", "delete_citation", "move_section"} <= set(done)
    assert len(model.all_citations()) > 5
