"""The demo's reading lists: which course, whose, in what state, with which topics."""

from __future__ import annotations

from dataclasses import dataclass

from readings.demo.catalogue import (
    Topic,
    biology,
    computing,
    economics,
    historiography,
    history,
    machine_learning,
)
from readings.lists.models import ListStatus, PublicationStatus, Visibility

# How far the library got with a list's items.
DONE = "done"  # every item Complete
PROCESSING = "processing"  # half done, the rest in every other library state
NEW = "new"  # nothing sent to the library yet


@dataclass(frozen=True)
class ListSpec:
    code: str
    name: str
    courses: tuple[tuple[str, str], ...]  # (course code, section)
    owner: str
    topics: tuple[Topic, ...]
    subject: str
    description: str
    publication: str = PublicationStatus.PUBLISHED
    visibility: str = Visibility.COURSE
    status: str = ListStatus.COMPLETE
    items: str = DONE
    collaborators: tuple[str, ...] = ()


LISTS = (
    ListSpec(
        "RL-HIST1010",
        "The Making of the Modern World: reading list",
        (("HIST1010", "A"), ("HIST1010", "B")),
        "instructor",
        history.MODERN_WORLD,
        "History",
        "Weekly reading for both seminar streams. Read the Essential items before each seminar.",
        collaborators=("t.rivera",),
    ),
    ListSpec(
        "RL-HIST2040",
        "Empires and Decolonisation",
        (("HIST2040", ""),),
        "instructor",
        history.DECOLONISATION,
        "History",
        "Core and further reading, week by week.",
        visibility=Visibility.INSTITUTION,
        status=ListStatus.IN_PROCESS,
        items=PROCESSING,
    ),
    ListSpec(
        "RL-HIST3300-PREV",
        "Historiography: Theory and Practice (last year)",
        (("HIST3300", ""),),
        "t.rivera",
        historiography.HISTORIOGRAPHY,
        "History",
        "Last year's list, kept for reference until this year's is ready.",
        publication=PublicationStatus.ARCHIVED,
        status=ListStatus.INACTIVE,
    ),
    ListSpec(
        "RL-COMP1001",
        "Introduction to Programming",
        (("COMP1001", "A"), ("COMP1001", "B")),
        "r.nair",
        computing.PROGRAMMING,
        "Computer Science",
        "Everything for the first programming course; open to anyone who wants to learn.",
        visibility=Visibility.OPEN_TO_WORLD,
    ),
    ListSpec(
        "RL-COMP2310",
        "Algorithms and Data Structures",
        (("COMP2310", ""),),
        "r.nair",
        computing.ALGORITHMS,
        "Computer Science",
        "Textbook chapters and the classic papers behind each topic.",
        status=ListStatus.READY_FOR_PROCESSING,
        items=PROCESSING,
    ),
    ListSpec(
        "RL-COMP3520",
        "Machine Learning",
        (("COMP3520", ""),),
        "s.lindqvist",
        machine_learning.MACHINE_LEARNING,
        "Computer Science",
        "Draft for next term: still choosing between the two main textbooks.",
        publication=PublicationStatus.DRAFT,
        status=ListStatus.BEING_PREPARED,
        items=NEW,
    ),
    ListSpec(
        "RL-BIOL1100",
        "Cell and Molecular Biology",
        (("BIOL1100", ""),),
        "a.okafor",
        biology.CELL_BIOLOGY,
        "Biology",
        "Lecture reading and practical-class material.",
    ),
    ListSpec(
        "RL-BIOL2205",
        "Ecology and Evolution",
        (("BIOL2205", ""),),
        "a.okafor",
        biology.ECOLOGY,
        "Biology",
        "Lecture reading, classic papers and field-course preparation.",
        visibility=Visibility.INSTITUTION,
        status=ListStatus.IN_PROCESS,
        items=PROCESSING,
    ),
    ListSpec(
        "RL-ECON1001",
        "Principles of Economics",
        (("ECON1001", "A"), ("ECON1001", "B")),
        "d.brennan",
        economics.PRINCIPLES,
        "Economics",
        "The first-year core: textbook, classic articles and sources for following the news.",
        visibility=Visibility.OPEN_TO_WORLD,
    ),
    ListSpec(
        "RL-ECON2150",
        "Development Economics",
        (("ECON2150", ""),),
        "d.brennan",
        economics.DEVELOPMENT,
        "Economics",
        "Theory, evidence and policy debates, week by week.",
    ),
)
