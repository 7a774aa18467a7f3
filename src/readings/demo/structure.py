"""The demo institution's structure: departments, terms and courses."""

# Titles and page ranges keep the en dashes they are printed with.
# ruff: noqa: RUF001

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

CODE = "DEMO"
NAME = "Northfield University"
TIME_ZONE = "Europe/London"

ACADEMIC_DEPARTMENTS = (
    ("HIST", "History"),
    ("COMP", "Computer Science"),
    ("BIOL", "Biology"),
    ("ECON", "Economics"),
)
# MAIN ("Main library") comes with every institution; the sciences have their own.
PROCESSING_DEPARTMENTS = (("SCIENCE", "Science library"),)
PROCESSING_NAMES = {"MAIN": "Main library", **dict(PROCESSING_DEPARTMENTS)}
PROCESSING_FOR = {"HIST": "MAIN", "ECON": "MAIN", "COMP": "SCIENCE", "BIOL": "SCIENCE"}
CAMPUS_FOR = {
    "HIST": "City campus",
    "ECON": "City campus",
    "COMP": "Science park",
    "BIOL": "Science park",
}

CURRENT = "current"
NEXT = "next"


@dataclass(frozen=True)
class TermSpec:
    code: str
    name: str
    start: datetime.date
    end: datetime.date


# Three terms tile the calendar year, so today always falls in one and the
# demo always has a current term whatever day it is built.
_TERMS = (("SPR", "Spring", 1, 4), ("SUM", "Summer", 5, 8), ("AUT", "Autumn", 9, 12))


def terms_around(today: datetime.date) -> dict[str, TermSpec]:
    """The term that contains today and the one after it."""
    current = _term_containing(today)
    return {CURRENT: current, NEXT: _term_containing(current.end + datetime.timedelta(days=1))}


def _term_containing(day: datetime.date) -> TermSpec:
    for suffix, name, first, last in _TERMS:
        if first <= day.month <= last:
            return TermSpec(
                code=f"{day.year}-{suffix}",
                name=f"{name} term {day.year}",
                start=datetime.date(day.year, first, 1),
                end=datetime.date(day.year, last, calendar.monthrange(day.year, last)[1]),
            )
    raise AssertionError(f"no term covers month {day.month}")


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    term: str  # CURRENT or NEXT
    participants: int
    instructors: tuple[str, ...]
    section: str = ""
    weekly_hours: int = 3
    cross_listed_as: tuple[str, ...] = ()

    @property
    def department(self) -> str:
        return self.code[:4]

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.section)


_MARSH, _RIVERA = "instructor", "t.rivera"
_NAIR, _LINDQVIST = "r.nair", "s.lindqvist"
_OKAFOR, _BRENNAN = "a.okafor", "d.brennan"

COURSES = (
    # History
    CourseSpec(
        "HIST1010",
        "The Making of the Modern World, 1750–1914",
        CURRENT,
        120,
        (_MARSH, _RIVERA),
        section="A",
    ),
    CourseSpec(
        "HIST1010",
        "The Making of the Modern World, 1750–1914",
        CURRENT,
        95,
        (_MARSH, _RIVERA),
        section="B",
    ),
    CourseSpec("HIST2040", "Empires and Decolonisation", CURRENT, 60, (_MARSH,)),
    CourseSpec(
        "HIST3300", "Historiography: Theory and Practice", CURRENT, 35, (_RIVERA,), weekly_hours=2
    ),
    CourseSpec("HIST1020", "Europe in the Twentieth Century", NEXT, 140, (_MARSH,)),
    CourseSpec("HIST2100", "Medieval Europe, 1000–1300", NEXT, 55, (_RIVERA,)),
    CourseSpec("HIST3410", "Public History and Heritage", NEXT, 30, (_RIVERA,), weekly_hours=2),
    # Computer Science
    CourseSpec("COMP1001", "Introduction to Programming", CURRENT, 180, (_NAIR,), section="A"),
    CourseSpec("COMP1001", "Introduction to Programming", CURRENT, 170, (_NAIR,), section="B"),
    CourseSpec(
        "COMP2310", "Algorithms and Data Structures", CURRENT, 140, (_NAIR,), weekly_hours=4
    ),
    CourseSpec("COMP2450", "Databases", CURRENT, 110, (_LINDQVIST,)),
    CourseSpec("COMP1002", "Computer Systems", NEXT, 200, (_NAIR,)),
    CourseSpec("COMP3520", "Machine Learning", NEXT, 90, (_LINDQVIST,), weekly_hours=4),
    CourseSpec("COMP3610", "Human–Computer Interaction", NEXT, 60, (_LINDQVIST,)),
    CourseSpec("COMP3720", "Computer Security", NEXT, 75, (_LINDQVIST, _NAIR)),
    # Biology
    CourseSpec("BIOL1100", "Cell and Molecular Biology", CURRENT, 150, (_OKAFOR,), weekly_hours=5),
    CourseSpec("BIOL2205", "Ecology and Evolution", CURRENT, 85, (_OKAFOR,), weekly_hours=4),
    CourseSpec("BIOL2310", "Genetics", CURRENT, 90, (_OKAFOR,)),
    CourseSpec("BIOL3400", "Microbiology and Infection", CURRENT, 50, (_OKAFOR,)),
    CourseSpec("BIOL1200", "Organismal Biology", NEXT, 150, (_OKAFOR,), weekly_hours=5),
    CourseSpec("BIOL2500", "Biochemistry", NEXT, 80, (_OKAFOR,)),
    CourseSpec("BIOL3650", "Conservation Biology", NEXT, 40, (_OKAFOR,), weekly_hours=2),
    # Economics
    CourseSpec("ECON1001", "Principles of Economics", CURRENT, 220, (_BRENNAN,), section="A"),
    CourseSpec("ECON1001", "Principles of Economics", CURRENT, 210, (_BRENNAN,), section="B"),
    CourseSpec(
        "ECON2150",
        "Development Economics",
        CURRENT,
        70,
        (_BRENNAN,),
        cross_listed_as=("DEVS2150",),
    ),
    CourseSpec("ECON2300", "Econometrics I", CURRENT, 95, (_BRENNAN,), weekly_hours=4),
    CourseSpec("ECON1002", "Macroeconomics", NEXT, 230, (_BRENNAN,)),
    CourseSpec("ECON2400", "Public Economics", NEXT, 65, (_BRENNAN,)),
    CourseSpec("ECON3100", "Behavioural Economics", NEXT, 55, (_BRENNAN,)),
    CourseSpec(
        "ECON3500",
        "Economic History of Britain since 1700",
        NEXT,
        40,
        (_BRENNAN, _RIVERA),
        cross_listed_as=("HIST3500",),
    ),
)

# What the printed student takes: enough published lists to see at once.
MAIN_STUDENT_COURSES = (
    ("HIST1010", "A"),
    ("HIST2040", ""),
    ("COMP1001", "A"),
    ("ECON1001", "A"),
    ("ECON2150", ""),
    ("HIST1020", ""),
)
