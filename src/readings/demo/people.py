"""The demo's people: who they are, what they may do, and how they sign in."""

from __future__ import annotations

from dataclasses import dataclass

from readings.accounts.models import Role

EMAIL_DOMAIN = "northfield.example"


def password_for(role: str) -> str:
    """Every account of a role shares one easy password: ``demo-<role>``."""
    return f"demo-{role}"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    primary_id: str
    department: str = ""  # an instructor's department, a student's programme
    processing: str = ""  # processing department a librarian works for
    look_at: str = ""  # what to try when signed in as them

    @property
    def password(self) -> str:
        return password_for(self.role)

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


ADMINISTRATORS = (
    Person(
        "admin",
        "Alex",
        "Morgan",
        Role.ADMINISTRATOR,
        "N0000001",
        look_at="everything, and the Django admin at /admin/",
    ),
)

LIBRARIANS = (
    Person(
        "librarian",
        "Priya",
        "Shah",
        Role.LIBRARIAN,
        "N0000011",
        processing="MAIN",
        look_at="HIST2040: a list in process, items waiting for the library",
    ),
    Person(
        "science.librarian",
        "Owen",
        "Price",
        Role.LIBRARIAN,
        "N0000012",
        processing="SCIENCE",
        look_at="COMP2310 and BIOL2205: lists sent to the library",
    ),
)

INSTRUCTORS = (
    Person(
        "instructor",
        "Helen",
        "Marsh",
        Role.INSTRUCTOR,
        "N0000101",
        department="HIST",
        look_at="HIST1010: closed and future sections, why items are hidden",
    ),
    Person(
        "t.rivera",
        "Tomás",
        "Rivera",
        Role.INSTRUCTOR,
        "N0000102",
        department="HIST",
        look_at="HIST3300: last year's archived list; co-edits HIST1010",
    ),
    Person(
        "r.nair",
        "Rahul",
        "Nair",
        Role.INSTRUCTOR,
        "N0000103",
        department="COMP",
        look_at="COMP1001 (open to anyone), COMP2310 (with the library)",
    ),
    Person(
        "s.lindqvist",
        "Sofia",
        "Lindqvist",
        Role.INSTRUCTOR,
        "N0000104",
        department="COMP",
        look_at="COMP3520: a draft list for next term",
    ),
    Person(
        "a.okafor",
        "Amara",
        "Okafor",
        Role.INSTRUCTOR,
        "N0000105",
        department="BIOL",
        look_at="BIOL2205: items declined, in process or withdrawn",
    ),
    Person(
        "d.brennan",
        "Daniel",
        "Brennan",
        Role.INSTRUCTOR,
        "N0000106",
        department="ECON",
        look_at="ECON1001 (open to anyone), ECON2150 (course only)",
    ),
)

MAIN_STUDENT = Person(
    "student",
    "Jamie",
    "Fletcher",
    Role.STUDENT,
    "S2400001",
    look_at="My courses: five published lists, as students see them",
)

# (first name, last name, programme): each student takes their programme's
# current courses and one elective; ids and usernames follow from the order.
_STUDENTS = (
    ("Aisha", "Rahman", "HIST"),
    ("Ben", "Carter", "HIST"),
    ("Chloe", "Nguyen", "HIST"),
    ("Dylan", "Evans", "HIST"),
    ("Elena", "Rossi", "COMP"),
    ("Finn", "O'Brien", "COMP"),
    ("Grace", "Adeyemi", "COMP"),
    ("Hugo", "Martin", "COMP"),
    ("Isla", "Campbell", "COMP"),
    ("Jonas", "Weber", "BIOL"),
    ("Kavya", "Iyer", "BIOL"),
    ("Liam", "Walsh", "BIOL"),
    ("Maya", "Cohen", "BIOL"),
    ("Noah", "Kowalski", "BIOL"),
    ("Olivia", "Hughes", "ECON"),
    ("Pablo", "García", "ECON"),
    ("Rosa", "Lindgren", "ECON"),
    ("Samir", "Haddad", "ECON"),
    ("Tara", "Byrne", "ECON"),
)


def _username(first: str, last: str) -> str:
    ascii_last = last.replace("'", "").replace("í", "i").lower()
    return f"{first.lower()}.{ascii_last}"


STUDENTS = (
    MAIN_STUDENT,
    *(
        Person(
            _username(first, last),
            first,
            last,
            Role.STUDENT,
            f"S24{index:05d}",
            department=programme,
        )
        for index, (first, last, programme) in enumerate(_STUDENTS, start=2)
    ),
)

EVERYONE = (*ADMINISTRATORS, *LIBRARIANS, *INSTRUCTORS, *STUDENTS)
