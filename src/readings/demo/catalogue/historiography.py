"""History: the historiography seminar (last year's list, now archived)."""

# Titles and page ranges keep the en dashes they are printed with.
# ruff: noqa: RUF001

from __future__ import annotations

from readings.demo.catalogue import (
    LIBRARY,
    article,
    audio,
    book,
    chapter,
    earticle,
    ebook,
    org,
    other,
    topic,
    website,
)

AHR = "0002-8762"

HISTORIOGRAPHY = (
    topic(
        "What is history?",
        book("What Is History?", "Carr, E. H.", "Penguin", "London", 1987, "978-0-14-013584-8"),
        book(
            "Re-thinking History",
            "Jenkins, Keith",
            "Routledge",
            "London",
            2003,
            "978-0-415-30443-0",
        ),
        chapter(
            "History, Men, and Time",
            "Bloch, Marc",
            "The Historian's Craft",
            "Manchester University Press",
            "Manchester",
            1992,
            "20–47",
            "978-0-7190-0664-0",
        ),
    ),
    topic(
        "Social history and history from below",
        book(
            "The Making of the English Working Class",
            "Thompson, E. P.",
            "Penguin",
            "London",
            1991,
            "978-0-14-013603-6",
        ),
        article(
            "From Social History to the History of Society",
            "Hobsbawm, E. J.",
            "Daedalus",
            1971,
            "100",
            "1",
            "20–45",
            "0011-5266",
            url="https://www.jstor.org/stable/20023989",
        ),
        audio(
            "Recorded lecture: History from below, fifty years on",
            "Rivera, Tomás",
            "Northfield University",
            2024,
            f"{LIBRARY}/media/hist3300-lecture-2",
        ),
    ),
    topic(
        "The cultural and linguistic turns",
        book(
            "The Great Cat Massacre and Other Episodes in French Cultural History",
            "Darnton, Robert",
            "Basic Books",
            "New York",
            2009,
            "978-0-465-01274-9",
        ),
        article(
            "History, Historicism, and the Social Logic of the Text in the Middle Ages",
            "Spiegel, Gabrielle M.",
            "Speculum",
            1990,
            "65",
            "1",
            "59–86",
            "0038-7134",
            "10.2307/2864472",
        ),
        book(
            "Metahistory: The Historical Imagination in Nineteenth-Century Europe",
            "White, Hayden",
            "Johns Hopkins University Press",
            "Baltimore",
            2014,
            "978-1-4214-1415-9",
            edition="40th anniversary",
        ),
    ),
    topic(
        "Global and transnational history",
        book(
            "What Is Global History?",
            "Conrad, Sebastian",
            "Princeton University Press",
            "Princeton, NJ",
            2016,
            "978-0-691-17819-0",
        ),
        earticle(
            "AHR Conversation: On Transnational History",
            "Bayly, C. A.; Beckert, Sven; Connelly, Matthew; Hofmeyr, Isabel; "
            "Kozol, Wendy; Seed, Patricia",
            "The American Historical Review",
            2006,
            "111",
            "5",
            "1441–1464",
            AHR,
            "10.1086/ahr.111.5.1441",
            "https://academic.oup.com/ahr",
        ),
        other(
            "Enlightenment gallery (Room 1): a self-guided visit",
            org("The British Museum"),
            "The British Museum",
            None,
            "https://www.britishmuseum.org/collection/galleries/enlightenment",
        ),
    ),
    topic(
        "Writing history today",
        book(
            "The Pursuit of History: Aims, Methods and New Directions in the Study of History",
            "Tosh, John",
            "Routledge",
            "Abingdon",
            2021,
            "978-1-138-57764-2",
            edition="7th",
        ),
        ebook(
            "The History Manifesto",
            "Guldi, Jo; Armitage, David",
            "Cambridge University Press",
            "Cambridge",
            2014,
            "978-1-107-43243-1",
            "https://www.cambridge.org/core/books/history-manifesto/",
        ),
        website(
            "Reviews in History",
            org("Institute of Historical Research"),
            "Institute of Historical Research, University of London",
            "https://reviews.history.ac.uk/",
        ),
    ),
)
