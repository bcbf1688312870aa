"""Each paper's contribution, cut by code to a phrase that reads whole."""

import pytest
from briefing_cards import card

from academichub.briefing.checks import ends_as_sentence
from academichub.briefing.contribution import contribution, shorten, title_topic


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "Offline RL is hard. In this paper, we propose a diffusion-based policy for offline "
            "reinforcement learning, which avoids overestimation by sampling in-support actions.",
            "proposes a diffusion-based policy for offline reinforcement learning",
        ),
        (
            "Critics are brittle. Here we show that conservative critics overfit small datasets by a wide "
            "margin; we then fix it.",
            "shows that conservative critics overfit small datasets",
        ),
        (
            "We introduce GraphSAGE, an inductive framework that generates node embeddings.",
            "introduces GraphSAGE, an inductive framework",
        ),
        (
            "This study identifies twelve risk factors for sepsis (n=40,000) in adults.",
            "identifies twelve risk factors for sepsis in adults",
        ),
    ],
)
def test_the_contribution_is_the_verb_and_the_phrase_after_it(abstract, expected):
    assert contribution(card(1, "A title of this paper", abstract)).english() == expected


def test_a_finding_that_points_back_to_the_sentence_before_is_not_used():
    found = contribution(
        card(1, "Retokenization symmetry in language models", "We find that this symmetry emerges.")
    )
    assert found.from_title and found.english() == "is about retokenization symmetry in language models"


def test_a_noun_mistaken_for_the_verb_is_not_used():
    found = contribution(
        card(1, "Entanglement detection", "Moreover, we show that our constructs are basis-independent.")
    )
    assert found.from_title


def test_without_a_contribution_sentence_the_title_says_what_the_paper_is_about():
    title = "Emergent retokenization symmetry in large language models: phenomenology and applications"
    assert title_topic(title) == "emergent retokenization symmetry in large language models"
    assert (
        title_topic("AI4Land: Scalable Deep Learning for Land Use") == "Scalable Deep Learning for Land Use"
    )
    assert title_topic("A Missing Parameter in Disease Models") == "a Missing Parameter in Disease Models"


def test_shorten_never_leaves_a_dangling_word_or_an_ellipsis():
    long = "a method for the estimation of the parameters of the stochastic model of the heart in the wild"
    cut = shorten(long, 8)
    assert len(cut.split()) <= 8 and not cut.endswith(("of", "the", "in", "…"))
    assert shorten("a model, which is good") == ""


def test_every_seed_day_contribution_makes_a_whole_sentence(chosen):
    for c in chosen:
        found = contribution(c)
        sentence = f"[{c.n:02d}] {found.english()}."
        assert ends_as_sentence(sentence) and "…" not in sentence, sentence
        assert len(found.what.split()) >= 2, sentence
