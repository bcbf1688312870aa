import datetime as dt

import pytest

from academichub.briefing.digest import DIGEST_WORDS, digest, sentences
from academichub.models import Paper


def paper(abstract: str, title: str = "A title", id: str = "arxiv:2606.00001") -> Paper:
    return Paper(
        id=id, title=title, abstract=abstract, source_label="arXiv (cs.LG)", date=dt.date(2026, 6, 24)
    )


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # The sentence that says what the paper does wins over the context before it.
        (
            "Large models are costly. To address this issue, we propose Foo, a cheap model. It works.",
            "We propose Foo, a cheap model.",
        ),
        ("Here we show that mice sleep. Mice were observed.", "Here we show that mice sleep."),
        # No such sentence: the first one.
        (
            "Sleep is universal among animals. Mice were observed for a week.",
            "Sleep is universal among animals.",
        ),
        # Structured abstracts (medRxiv, PLOS) lose their section labels.
        (
            "Background: Fibre matters for health outcomes. Methods: A trial.",
            "Fibre matters for health outcomes.",
        ),
        (
            "Importance: Genomic screening is uncertain in value. Design: cohort.",
            "Genomic screening is uncertain in value.",
        ),
        # Abbreviations and decimals do not end a sentence.
        (
            "We study e.g. graphs and trees, following Smith et al. in detail. Next.",
            "We study e.g. graphs and trees, following Smith et al. in detail.",
        ),
        ("", ""),
    ],
)
def test_digest_is_the_sentence_that_says_what_the_paper_does(abstract, expected):
    assert digest(paper(abstract)) == expected


def test_long_sentences_are_trimmed_to_a_word_limit():
    text = digest(paper("We propose " + " ".join(f"w{i}" for i in range(100)) + "."))
    assert len(text.split()) == DIGEST_WORDS
    assert text.endswith("…")


@pytest.mark.parametrize("abstract", ["A title about graphs", "Too short."])
def test_a_summary_that_repeats_the_title_or_says_nothing_is_not_a_digest(abstract):
    assert digest(paper(abstract, title="A title about graphs")) == ""


def test_sentences_keep_math_and_citations_whole():
    assert sentences("The bound is $O(n\\log n)$. It holds for n > 2.5 and [3]. Done.") == [
        "The bound is $O(n\\log n)$.",
        "It holds for n > 2.5 and [3].",
        "Done.",
    ]
