"""The briefing code writes alone: whole sentences built from the papers' own phrases, in both languages."""

import pytest
from briefing_cards import card

from academichub.briefing import assemble
from academichub.briefing.checks import DayText
from academichub.briefing.model import Statement
from academichub.briefing.plan import plan_briefing


def statements(briefing):
    return [
        *briefing.overview,
        *(s for t in briefing.themes for s in t.statements),
        *briefing.links,
        *(Statement(text=r.why, cites=[r.card]) for r in briefing.read_first),
    ]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_sentence_is_whole_and_none_is_copied_a_date_or_a_title(chosen, seed, language):
    plan = plan_briefing(chosen, corpus=seed.cards)
    briefing = assemble.code_briefing(plan, language, seed.day, notice=None)
    day = DayText(seed.cards)
    for statement in statements(briefing):
        assert not day.fragment(statement.text), statement.text
        assert not day.copied(statement.text), statement.text
        assert "…" not in statement.text
    given = {c.n for c in chosen}
    for theme in briefing.themes:
        assert set(theme.cards) <= given and not day.title_copy(theme.title)
        for statement in theme.statements:
            assert statement.cites and set(statement.cites) <= set(theme.cards)
    themes = [t for t in briefing.themes if not t.also_today]
    assert themes and all(len(t.cards) >= 2 for t in themes)
    covered = sorted(n for t in briefing.themes for n in t.cards)
    assert covered == sorted(given)


def test_a_theme_sentence_names_the_key_phrase_and_what_each_paper_contributes(chosen, seed):
    plan = plan_briefing(chosen, corpus=seed.cards)
    theme = assemble.code_theme(plan.themes[0], "en")
    first = theme.statements[0].text
    assert first.startswith(f"On {plan.themes[0].name}, ")
    for n in theme.statements[0].cites:
        assert f"[{n:02d}] {plan.contributions[n].english()}" in first


def test_a_cross_field_link_names_a_phrase_found_in_both_papers():
    cards = [
        card(
            1,
            "Molecules as graphs",
            "We propose graph neural networks for drug toxicity prediction.",
            "cs.LG",
        ),
        card(
            2, "Cell atlases", "We show that graph neural networks map single-cell RNA profiles.", "q-bio.GN"
        ),
        card(3, "Sleep", "We report that mice sleep more after learning a maze.", "q-bio.NC"),
    ]
    plan = plan_briefing(cards)
    assert [(link.first.n, link.second.n, link.term) for link in plan.links] == [
        (1, 2, "graph neural networks")
    ]
    sentence = assemble.code_links(plan, "en")[0]
    assert sentence.text.startswith("Graph neural networks links cs.LG and q-bio.GN: [01] proposes ")
    assert sentence.cites == [1, 2]


def test_the_chinese_briefing_frames_the_papers_phrases_in_chinese(chosen, seed):
    briefing = assemble.code_briefing(plan_briefing(chosen, corpus=seed.cards), "zh", seed.day, notice=None)
    assert briefing.headline.startswith("今日主题：")
    assert briefing.themes[0].statements[0].text.startswith("关于 ")
    assert all(s.text.endswith("。") for t in briefing.themes for s in t.statements)
    assert briefing.themes[-1].title == "今日其他论文"
