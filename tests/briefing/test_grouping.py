"""Themes a researcher recognises: papers that share a key phrase and are alike by meaning."""

import random

from briefing_cards import card

from academichub.briefing.grouping import MAX_THEME_SIZE, group_themes
from academichub.briefing.phrases import PhraseBook, candidates


def themes_of(cards, corpus=None):
    return group_themes(cards, PhraseBook(cards, corpus), corpus=corpus)


def test_every_chosen_paper_is_in_one_theme_or_also_today(chosen, seed):
    themes, alone = themes_of(chosen, seed.cards)
    numbers = [n for group, _ in themes for n in group.numbers] + [c.n for c in alone]
    assert sorted(numbers) == sorted(c.n for c in chosen)
    assert all(2 <= len(group.cards) <= MAX_THEME_SIZE for group, _ in themes)


def test_each_theme_is_named_by_a_phrase_in_at_least_two_of_its_papers(chosen, seed):
    themes, _ = themes_of(chosen, seed.cards)
    assert themes
    for group, names in themes:
        assert names and group.lead in group.numbers
        for name in names:
            holders = [c for c in group.cards if name.key in candidates(f"{c.title}. {c.abstract}")]
            assert len(holders) >= 2, (name.text, group.numbers)
            assert len(name.key) > 1 or name.text.isupper() or any(ch.isupper() for ch in name.text[1:])


def test_themes_are_decided_by_code_the_same_way_every_time(chosen, seed):
    shuffled = list(chosen)
    random.Random(1).shuffle(shuffled)
    first, _ = themes_of(chosen, seed.cards)
    again, _ = themes_of(shuffled, seed.cards)
    assert [g.numbers for g, _ in again] == [g.numbers for g, _ in first]


def test_papers_that_share_only_a_phrase_are_no_theme():
    rl = "We propose a new method for offline reinforcement learning with conservative critics on benchmarks."
    cards = [
        card(1, "Conservative critics", rl),
        card(2, "Diffusion policies", rl.replace("conservative critics", "diffusion policies")),
        card(3, "Sleep in mice", "Mice sleep more after a public health campaign, we show in a cohort."),
        card(
            4,
            "Vaccines",
            "Vaccine uptake grew after a public health campaign in rural districts.",
            "q-bio.PE",
        ),
    ]
    themes, _ = themes_of(cards)
    assert [g.numbers for g, _ in themes][:1] == [[1, 2]]
    assert themes[0][1][0].text == "offline reinforcement learning"


def test_no_cards_no_themes():
    assert themes_of([]) == ([], [])
