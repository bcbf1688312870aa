import random

import pytest

from academichub.briefing.select import select_papers
from academichub.briefing.themes import MAX_THEME_SIZE, discipline_of, field_of, find_links, group_themes


@pytest.fixture(scope="module")
def chosen(seed):
    return select_papers(seed.cards)


def test_every_chosen_card_is_in_exactly_one_theme(chosen, seed):
    themes = group_themes(chosen, corpus=seed.cards)
    numbers = [n for t in themes for n in t.numbers]
    assert sorted(numbers) == sorted(c.n for c in chosen)
    assert all(1 <= len(t.cards) <= MAX_THEME_SIZE for t in themes)


def test_themes_are_decided_by_code_the_same_way_every_time(chosen, seed):
    shuffled = list(chosen)
    random.Random(1).shuffle(shuffled)
    first = [t.numbers for t in group_themes(chosen, corpus=seed.cards)]
    assert [t.numbers for t in group_themes(shuffled, corpus=seed.cards)] == first


def test_papers_of_one_field_that_share_words_end_up_together(seed):
    # The seed day's quant-ph papers share quantum vocabulary: they form one theme.
    quantum = [c for c in seed.cards if field_of(c) == "quant-ph"][:MAX_THEME_SIZE]
    others = [c for c in seed.cards if field_of(c) == "cs.CV"][:MAX_THEME_SIZE]
    themes = group_themes(quantum + others, corpus=seed.cards)
    assert sorted(t.numbers for t in themes) == sorted([[c.n for c in quantum], [c.n for c in others]])


def test_each_theme_has_a_lead_among_its_cards_and_shared_keywords(chosen, seed):
    for theme in group_themes(chosen, corpus=seed.cards):
        assert theme.lead in theme.numbers
        assert 1 <= len(theme.keywords) <= 3


def test_links_join_papers_from_different_disciplines_each_paper_once(chosen, seed):
    links = find_links(chosen, corpus=seed.cards)
    assert links, "the seed day has cross-disciplinary neighbours"
    used = [c.n for link in links for c in (link.first, link.second)]
    assert len(used) == len(set(used))
    for link in links:
        assert discipline_of(link.first) != discipline_of(link.second)
        assert link.shared


def test_no_cards_no_themes():
    assert group_themes([]) == []
