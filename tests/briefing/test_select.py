from collections import Counter

from academichub.briefing.grouping import group_themes
from academichub.briefing.phrases import PhraseBook
from academichub.briefing.select import BRIEFING_PAPERS, pick_read_first, select_papers, top_of_day
from academichub.briefing.themes import ThemeGroup


def test_without_a_radar_the_top_of_the_day_samples_every_source_in_card_order(seed):
    chosen = select_papers(seed.cards)
    assert len(chosen) == BRIEFING_PAPERS
    assert [c.n for c in chosen] == sorted(c.n for c in chosen)
    labels = Counter(c.source_label for c in chosen)
    assert set(labels) == {c.source_label for c in seed.cards}, "every source of the day has a place"
    # Each source contributes its first cards: round robin, not the first 25 arXiv cs.AI papers.
    for label in labels:
        own = [c.n for c in seed.cards if c.source_label == label]
        assert [c.n for c in chosen if c.source_label == label] == own[: labels[label]]


def test_radar_matches_are_chosen_best_first_when_there_are_any(seed):
    scores = {seed.cards[40].id: 2.0, seed.cards[5].id: 9.0, seed.cards[60].id: 0.5}
    assert [c.n for c in select_papers(seed.cards, scores, limit=2)] == [seed.cards[5].n, seed.cards[40].n]
    assert len(select_papers(seed.cards, scores)) == 3


def test_a_short_day_is_briefed_whole(seed):
    assert top_of_day(seed.cards[:4]) == seed.cards[:4]


def test_read_first_takes_the_lead_of_each_of_the_three_largest_themes(chosen, seed):
    themes = [g for g, _ in group_themes(chosen, PhraseBook(chosen, seed.cards), corpus=seed.cards)[0]]
    picks = pick_read_first(themes)
    assert [c.n for c in picks] == [t.lead for t in themes[:3]]


def test_read_first_follows_the_radar_when_it_matched(seed):
    themes = [ThemeGroup(cards=seed.cards[:3], lead=1), ThemeGroup(cards=seed.cards[3:6], lead=4)]
    scores = {seed.cards[4].id: 3.0, seed.cards[1].id: 1.0}
    assert [c.n for c in pick_read_first(themes, scores)] == [
        seed.cards[4].n,
        seed.cards[1].n,
        seed.cards[0].n,
    ]
