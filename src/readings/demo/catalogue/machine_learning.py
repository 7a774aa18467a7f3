"""Computer science: machine learning (a draft list for next term)."""

# Titles and page ranges keep the en dashes they are printed with.
# ruff: noqa: RUF001

from __future__ import annotations

from readings.demo.catalogue import (
    article,
    audio,
    book,
    document,
    earticle,
    ebook,
    note,
    org,
    other,
    topic,
    video,
    website,
)

NATURE = "0028-0836"

MACHINE_LEARNING = (
    topic(
        "Foundations",
        book(
            "Pattern Recognition and Machine Learning",
            "Bishop, Christopher M.",
            "Springer",
            "New York",
            2006,
            "978-0-387-31073-2",
        ),
        book(
            "The Elements of Statistical Learning: Data Mining, Inference, and Prediction",
            "Hastie, Trevor; Tibshirani, Robert; Friedman, Jerome",
            "Springer",
            "New York",
            2009,
            "978-0-387-84857-0",
            edition="2nd",
        ),
        ebook(
            "Probabilistic Machine Learning: An Introduction",
            "Murphy, Kevin P.",
            "MIT Press",
            "Cambridge, MA",
            2022,
            "978-0-262-04682-4",
            "https://probml.github.io/pml-book/book1.html",
        ),
    ),
    topic(
        "Neural networks and deep learning",
        book(
            "Deep Learning",
            "Goodfellow, Ian; Bengio, Yoshua; Courville, Aaron",
            "MIT Press",
            "Cambridge, MA",
            2016,
            "978-0-262-03561-3",
        ),
        article(
            "Deep Learning",
            "LeCun, Yann; Bengio, Yoshua; Hinton, Geoffrey",
            "Nature",
            2015,
            "521",
            "7553",
            "436–444",
            NATURE,
            "10.1038/nature14539",
        ),
        article(
            "Learning Representations by Back-propagating Errors",
            "Rumelhart, David E.; Hinton, Geoffrey E.; Williams, Ronald J.",
            "Nature",
            1986,
            "323",
            "6088",
            "533–536",
            NATURE,
            "10.1038/323533a0",
        ),
        video(
            "But What Is a Neural Network?",
            "Sanderson, Grant",
            "3Blue1Brown",
            2017,
            "https://www.youtube.com/watch?v=aircAruvnKk",
        ),
    ),
    topic(
        "Sequence models and attention",
        earticle(
            "Attention Is All You Need",
            "Vaswani, Ashish; Shazeer, Noam; Parmar, Niki; Uszkoreit, Jakob; Jones, Llion; "
            "Gomez, Aidan N.; Kaiser, Łukasz; Polosukhin, Illia",
            "Advances in Neural Information Processing Systems",
            2017,
            "30",
            "",
            "5998–6008",
            "1049-5258",
            "10.48550/arXiv.1706.03762",
            "https://papers.nips.cc/paper/7181-attention-is-all-you-need",
        ),
        article(
            "Long Short-Term Memory",
            "Hochreiter, Sepp; Schmidhuber, Jürgen",
            "Neural Computation",
            1997,
            "9",
            "8",
            "1735–1780",
            "0899-7667",
            "10.1162/neco.1997.9.8.1735",
        ),
    ),
    topic(
        "Fairness, accountability and society",
        ebook(
            "Fairness and Machine Learning: Limitations and Opportunities",
            "Barocas, Solon; Hardt, Moritz; Narayanan, Arvind",
            "MIT Press",
            "Cambridge, MA",
            2023,
            "978-0-262-04861-3",
            "https://fairmlbook.org/",
        ),
        article(
            "Gender Shades: Intersectional Accuracy Disparities in Commercial Gender "
            "Classification",
            "Buolamwini, Joy; Gebru, Timnit",
            "Proceedings of Machine Learning Research",
            2018,
            "81",
            "",
            "77–91",
            "2640-3498",
            url="https://proceedings.mlr.press/v81/buolamwini18a.html",
        ),
        document(
            "Algorithmic Transparency Recording Standard",
            org("Central Digital and Data Office"),
            "GOV.UK",
            "London",
            2023,
            "https://www.gov.uk/government/collections/algorithmic-transparency-recording-standard-hub",
        ),
        audio(
            "Talking Machines",
            "Gorman, Katherine; Lawrence, Neil",
            "Tote Bag Productions",
            2015,
            "https://www.thetalkingmachines.com/",
        ),
    ),
    topic(
        "Practical machine learning",
        website(
            "scikit-learn User Guide",
            org("scikit-learn developers"),
            "scikit-learn",
            "https://scikit-learn.org/stable/user_guide.html",
        ),
        book(
            "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow",
            "Géron, Aurélien",
            "O'Reilly Media",
            "Sebastopol, CA",
            2022,
            "978-1-0981-2597-4",
            edition="3rd",
        ),
        other(
            "UCI Machine Learning Repository (data sets)",
            "Kelly, Markelle; Longjohn, Rachel; Nottingham, Kolby",
            "University of California, Irvine",
            2024,
            "https://archive.ics.uci.edu/",
        ),
        note(
            "Coursework data sets",
            "<p>Download the coursework data from the VLE, not from the links above: "
            "they are <strong>pre-split</strong> for marking.</p>",
        ),
    ),
)
