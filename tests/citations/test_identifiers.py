"""Identifiers as people and files write them, normalised or refused (no database)."""

from __future__ import annotations

import pytest

from readings.citations.identifiers import (
    IdentifierError,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmid,
    year_from_date,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("9780306406157", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("978 0 306 40615 7", "9780306406157"),
        ("0306406152", "9780306406157"),  # ISBN-10 becomes ISBN-13
        ("0-306-40615-2", "9780306406157"),
        ("0 306 40615 2", "9780306406157"),
        ("080442957X", "9780804429573"),  # X check digit
        ("0-8044-2957-x", "9780804429573"),
        ("9780306406157 (pbk.)", "9780306406157"),
        ("978-0-306-40615-7(hbk)", "9780306406157"),
        ("0306406152 pbk.", "9780306406157"),
        ("ISBN 978-0-306-40615-7", "9780306406157"),
        ("isbn-10: 0-306-40615-2", "9780306406157"),
        ("  9780306406157  ", "9780306406157"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_isbns_are_normalised_to_thirteen_digits(given, expected):
    assert normalize_isbn(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("9780306406158", "check digit"),  # wrong check digit (13)
        ("0306406153", "check digit"),  # wrong check digit (10)
        ("97803064061", "length"),
        ("978030640615712", "length"),
        ("not an isbn", "ISBN"),
        ("(pbk.)", "ISBN"),
    ],
)
def test_bad_isbns_are_refused_saying_why(given, reason):
    with pytest.raises(IdentifierError) as caught:
        normalize_isbn(given)
    assert reason in str(caught.value)
    assert given.strip() in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0378-5955", "0378-5955"),
        ("03785955", "0378-5955"),
        ("0378 5955", "0378-5955"),
        ("2049-3630", "2049-3630"),
        ("0000-006X", "0000-006X"),  # X check digit
        ("0000006x", "0000-006X"),
        ("ISSN 0378-5955", "0378-5955"),
        ("", ""),
    ],
)
def test_issns_are_normalised_with_a_hyphen(given, expected):
    assert normalize_issn(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [("0378-5956", "check digit"), ("0378-595", "length"), ("abcd-efgh", "ISSN")],
)
def test_bad_issns_are_refused_saying_why(given, reason):
    with pytest.raises(IdentifierError) as caught:
        normalize_issn(given)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("10.1000/xyz123", "10.1000/xyz123"),
        ("10.1000/XYZ123", "10.1000/xyz123"),  # DOIs are case-insensitive
        ("https://doi.org/10.1000/ABC", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
        ("https://www.doi.org/10.1000/abc", "10.1000/abc"),
        ("HTTPS://DOI.ORG/10.1000/abc", "10.1000/abc"),
        ("doi:10.1000/abc", "10.1000/abc"),
        ("DOI: 10.1000/abc", "10.1000/abc"),
        ("info:doi/10.1000/abc", "10.1000/abc"),
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
        ),
        ("  10.1000/abc  ", "10.1000/abc"),
        ("", ""),
    ],
)
def test_dois_are_stored_bare_and_lower_case(given, expected):
    assert normalize_doi(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "junk",
        "10.1000",  # no suffix
        "10.1/abc",  # registrant too short
        "11.1000/abc",
        "https://example.org/10.1000/abc",
        "10.1000/has space",
        "doi:",
    ],
)
def test_malformed_dois_are_refused(given):
    with pytest.raises(IdentifierError) as caught:
        normalize_doi(given)
    assert "10." in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12345678", "12345678"),
        ("PMID: 12345", "12345"),
        ("pmid12345", "12345"),
        ("00012345", "12345"),
        ("", ""),
    ],
)
def test_pubmed_ids_are_digits_only(given, expected):
    assert normalize_pmid(given) == expected


@pytest.mark.parametrize("given", ["PMC12345", "1234567890", "12a45", "0", "-5"])
def test_bad_pubmed_ids_are_refused(given):
    with pytest.raises(IdentifierError):
        normalize_pmid(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2019", 2019),
        ("c2019", 2019),
        ("©2019", 2019),
        ("[2019]", 2019),
        ("cop. 2019", 2019),
        ("2019-05", 2019),
        ("2019-05-17", 2019),
        ("May 2019", 2019),
        ("17/05/2019", 2019),
        ("1887", 1887),
        ("n.d.", None),
        ("", None),
        (None, None),
        ("12019", None),  # five digits is not a year
        ("vol. 201", None),
    ],
)
def test_the_year_is_found_in_free_text_dates(given, expected):
    assert year_from_date(given) == expected
