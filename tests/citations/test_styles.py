"""Bibliography entries in five styles, checked against strings written from each style guide."""

# ruff: noqa: RUF001  (en dashes and typographic quotes are what the styles print)

from __future__ import annotations

import datetime

import pytest

from readings.citations import styles
from readings.citations.metadata import clean_citation_fields
from readings.citations.models import Citation
from readings.citations.styles import STYLES, clear_cache, format_citation


def _citation(**fields) -> Citation:
    return Citation(**clean_citation_fields(fields))


BOOK = _citation(
    secondary_type="BK",
    title="The structure of scientific revolutions",
    authors="Kuhn, Thomas S.",
    publisher="University of Chicago Press",
    place="Chicago",
    publication_date="1962",
)
CHAPTER = _citation(
    secondary_type="BOOK_EXTRACT",
    title="The handbook of social psychology",
    chapter_title="Attitudes and attitude change",
    authors="Petty, Richard E.; Wegener, Duane T.",
    editors="Gilbert, Daniel T.; Fiske, Susan T.; Lindzey, Gardner",
    publisher="McGraw-Hill",
    place="Boston",
    edition="4",
    pages="323-390",
    publication_date="1998",
)
ARTICLE = _citation(
    secondary_type="CR",
    title="Molecular structure of nucleic acids: a structure for deoxyribose nucleic acid",
    container_title="Nature",
    authors="Watson, James D.; Crick, Francis H. C.",
    volume="171",
    issue="4356",
    pages="737-738",
    doi="10.1038/171737a0",
    publication_date="1953",
)
WEBPAGE = _citation(
    secondary_type="WS",
    title="Climate change and health",
    container_title="World Health Organization",
    authors=[{"literal": "World Health Organization"}],
    url="https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health",
    publication_date="2023-10-12",
)
VIDEO = _citation(
    secondary_type="VD",
    title="Do schools kill creativity?",
    container_title="TED",
    authors="Robinson, Ken",
    url="https://www.ted.com/talks/sir_ken_robinson_do_schools_kill_creativity",
    publication_date="2006-02",
)
WHO = "https://www.who.int/news-room/fact-sheets/detail/climate-change-and-health"
TED = "https://www.ted.com/talks/sir_ken_robinson_do_schools_kill_creativity"

EXPECTED = {
    "apa": [
        "Kuhn, T. S. (1962). The structure of scientific revolutions. University of Chicago Press.",
        "Petty, R. E., & Wegener, D. T. (1998). Attitudes and attitude change. In D. T. Gilbert, "
        "S. T. Fiske, & G. Lindzey (Eds.), The handbook of social psychology "
        "(4th ed., pp. 323–390). McGraw-Hill.",
        "Watson, J. D., & Crick, F. H. C. (1953). Molecular structure of nucleic acids: "
        "a structure for deoxyribose nucleic acid. Nature, 171(4356), 737–738. "
        "https://doi.org/10.1038/171737a0",
        f"World Health Organization. (2023, October 12). Climate change and health. {WHO}",
        f"Robinson, K. (2006, February). Do schools kill creativity? [Video]. TED. {TED}",
    ],
    "harvard": [
        "Kuhn, T.S. (1962) The structure of scientific revolutions. "
        "Chicago: University of Chicago Press.",
        "Petty, R.E. and Wegener, D.T. (1998) ‘Attitudes and attitude change’, in Gilbert, D.T., "
        "Fiske, S.T. and Lindzey, G. (eds) The handbook of social psychology. 4th edn. "
        "Boston: McGraw-Hill, pp. 323–390.",
        "Watson, J.D. and Crick, F.H.C. (1953) ‘Molecular structure of nucleic acids: "
        "a structure for deoxyribose nucleic acid’, Nature, 171(4356), pp. 737–738. "
        "Available at: https://doi.org/10.1038/171737a0",
        f"World Health Organization (2023) Climate change and health. Available at: {WHO}",
        f"Robinson, K. (2006) Do schools kill creativity? [Video]. Available at: {TED}",
    ],
    "chicago": [
        "Kuhn, Thomas S. 1962. The Structure of Scientific Revolutions. "
        "Chicago: University of Chicago Press.",
        "Petty, Richard E., and Duane T. Wegener. 1998. “Attitudes and Attitude Change.” "
        "In The Handbook of Social Psychology, edited by Daniel T. Gilbert, Susan T. Fiske, "
        "and Gardner Lindzey, 323–390. Boston: McGraw-Hill.",
        "Watson, James D., and Francis H. C. Crick. 1953. “Molecular Structure of Nucleic Acids: "
        "A Structure for Deoxyribose Nucleic Acid.” Nature 171 (4356): 737–738. "
        "https://doi.org/10.1038/171737a0.",
        "World Health Organization. 2023. “Climate Change and Health.” "
        f"World Health Organization. {WHO}.",
        f"Robinson, Ken. 2006. Do Schools Kill Creativity? Video. TED. {TED}.",
    ],
    "mla": [
        "Kuhn, Thomas S. The Structure of Scientific Revolutions. "
        "University of Chicago Press, 1962.",
        "Petty, Richard E., and Duane T. Wegener. “Attitudes and Attitude Change.” "
        "The Handbook of Social Psychology, edited by Daniel T. Gilbert, Susan T. Fiske, "
        "and Gardner Lindzey, 4th ed., McGraw-Hill, 1998, pp. 323–390.",
        "Watson, James D., and Francis H. C. Crick. “Molecular Structure of Nucleic Acids: "
        "A Structure for Deoxyribose Nucleic Acid.” Nature, vol. 171, no. 4356, 1953, "
        "pp. 737–738, https://doi.org/10.1038/171737a0.",
        "World Health Organization. “Climate Change and Health.” World Health Organization, "
        f"12 Oct. 2023, {WHO}.",
        f"Robinson, Ken. “Do Schools Kill Creativity?” TED, Feb. 2006, {TED}.",
    ],
    "vancouver": [
        "Kuhn TS. The structure of scientific revolutions. "
        "Chicago: University of Chicago Press; 1962.",
        "Petty RE, Wegener DT. Attitudes and attitude change. In: Gilbert DT, Fiske ST, "
        "Lindzey G, editors. The handbook of social psychology. 4th ed. Boston: McGraw-Hill; "
        "1998. p. 323–390.",
        "Watson JD, Crick FHC. Molecular structure of nucleic acids: a structure for "
        "deoxyribose nucleic acid. Nature. 1953;171(4356):737–738. doi:10.1038/171737a0",
        "World Health Organization. Climate change and health [Internet]. "
        f"World Health Organization; 2023. Available from: {WHO}",
        f"Robinson K. Do schools kill creativity? [Video]. TED; 2006. Available from: {TED}",
    ],
}
ITEMS = {"book": BOOK, "chapter": CHAPTER, "article": ARTICLE, "webpage": WEBPAGE, "video": VIDEO}
CASES = [
    pytest.param(style, item, EXPECTED[style][i], id=f"{style}-{kind}")
    for style in EXPECTED
    for i, (kind, item) in enumerate(ITEMS.items())
]


@pytest.mark.parametrize(("style", "citation", "expected"), CASES)
def test_each_style_formats_each_type_as_the_guide_says(style, citation, expected):
    assert format_citation(citation, style).text == expected


def test_every_offered_style_is_tested():
    assert set(EXPECTED) == set(STYLES)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            "Kuhn, T. S. (1962). <i>The structure of scientific revolutions</i>. "
            "University of Chicago Press.",
        ),
        (
            "mla",
            "Watson, James D., and Francis H. C. Crick. “Molecular Structure of Nucleic Acids: "
            "A Structure for Deoxyribose Nucleic Acid.” <i>Nature</i>, vol. 171, no. 4356, "
            "1953, pp. 737–738, https://doi.org/10.1038/171737a0.",
        ),
    ],
)
def test_html_puts_titles_in_italics(style, expected):
    citation = BOOK if style == "apa" else ARTICLE

    assert format_citation(citation, style).html == expected


def test_apa_italicises_the_journal_volume_but_not_the_issue():
    assert "<i>Nature</i>, <i>171</i>(4356)" in format_citation(ARTICLE, "apa").html


@pytest.mark.parametrize("style", list(STYLES))
def test_markup_in_a_title_is_escaped_in_html_and_kept_as_text(style):
    citation = _citation(
        secondary_type="BK",
        title='<script>alert("x")</script> & =SUM(A1)',
        authors="Doe, Jane",
        publication_date="2020",
    )

    result = format_citation(citation, style)

    assert "<script>" not in result.html
    assert "&lt;script&gt;" in result.html
    assert "<script>" in result.text


def test_chicago_and_mla_keep_full_given_names():
    citation = _citation(secondary_type="BK", title="Beloved", authors="Morrison, Toni")

    assert format_citation(citation, "chicago").text.startswith("Morrison, Toni. n.d. ")
    assert format_citation(citation, "mla").text.startswith("Morrison, Toni. ")


def test_us_styles_put_the_full_stop_inside_the_closing_quote():
    citation = _citation(
        secondary_type="CR", title="A title", container_title="J", authors="Doe, Jane"
    )

    assert "“A Title.” " in format_citation(citation, "chicago").text
    assert "“A Title.” " in format_citation(citation, "mla").text


def test_a_title_ending_in_a_question_mark_gets_no_extra_full_stop():
    citation = _citation(
        secondary_type="CR", title="Why read?", container_title="J", authors="Doe, Jane"
    )

    for style in STYLES:
        text = format_citation(citation, style).text
        assert "?." not in text and "?”." not in text, style


def test_mla_shortens_three_or_more_authors_to_et_al():
    citation = _citation(
        secondary_type="BK",
        title="Many hands",
        authors="A, Ann; B, Bob; C, Cy",
        publication_date="2001",
    )

    assert format_citation(citation, "mla").text == "A, Ann, et al. Many Hands. 2001."


def test_vancouver_lists_six_authors_then_et_al():
    authors = "; ".join(f"Name{i}, Given" for i in range(1, 9))
    citation = _citation(secondary_type="BK", title="Team work", authors=authors)

    assert format_citation(citation, "vancouver").text.startswith(
        "Name1 G, Name2 G, Name3 G, Name4 G, Name5 G, Name6 G, et al. Team work."
    )


def test_apa_with_editors_only_and_no_date():
    citation = _citation(
        secondary_type="BK", title="Collected essays", editors="Smith, Jane Ann", publisher="Verso"
    )

    assert format_citation(citation, "apa").text == (
        "Smith, J. A. (Ed.). (n.d.). Collected essays. Verso."
    )


def test_apa_without_author_moves_the_title_first():
    citation = _citation(secondary_type="BK", title="Beowulf", publication_date="2000")

    assert format_citation(citation, "apa").text == "Beowulf. (2000)."


def test_an_unsafe_stored_url_is_never_printed():
    citation = Citation(secondary_type="WS", title="Trap", url="javascript:alert(1)")

    for style in STYLES:
        assert "javascript" not in format_citation(citation, style).text


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="Unknown citation style"):
        format_citation(BOOK, "ieee")


def test_rendered_entries_are_cached_until_the_citation_changes(monkeypatch):
    clear_cache()
    calls = []
    original = styles._RENDERERS["apa"]
    monkeypatch.setitem(styles._RENDERERS, "apa", lambda ref: calls.append(1) or original(ref))
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    citation = _citation(secondary_type="BK", title="First", publication_date="2000")
    citation.pk, citation.updated_at = 7, stamp

    first = format_citation(citation, "apa")
    format_citation(citation, "apa")
    citation.title, citation.updated_at = "Second", stamp + datetime.timedelta(seconds=1)
    second = format_citation(citation, "apa")

    assert len(calls) == 2
    assert (first.text, second.text) == ("First. (2000).", "Second. (2000).")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "About us. (n.d.). BBC. https://bbc.co.uk/about"),
        ("harvard", "About us (no date) Available at: https://bbc.co.uk/about"),
        ("chicago", "“About Us.” n.d. BBC. https://bbc.co.uk/about."),
        ("mla", "“About Us.” BBC, https://bbc.co.uk/about."),
        ("vancouver", "About us [Internet]. BBC. Available from: https://bbc.co.uk/about"),
    ],
)
def test_a_web_page_without_author_or_date_leads_with_its_title(style, expected):
    citation = _citation(
        secondary_type="WS", title="About us", container_title="BBC", url="https://bbc.co.uk/about"
    )

    assert format_citation(citation, style).text == expected


def test_the_institution_setting_name_for_chicago_is_accepted():
    assert format_citation(BOOK, "chicago-author-date") == format_citation(BOOK, "chicago")
