"""Scores: a title word counts more than an abstract word, repeats count less and less, a rule's weight
multiplies; every score says which rule, which words, in which field; the radar view ranks by it."""

from __future__ import annotations

import datetime as dt

import pytest

from academichub.models import Paper, RadarHit
from academichub.radar import RadarMatcher, RadarRule, explain, score_hits
from academichub.radar.scoring import FIELD_WEIGHTS, repeats
from academichub.radar.view import format_radar_cards, radar_cards


def hit(
    rule: str = "r", field: str = "abstract", term: str = "spin", text: str = "spin", at: int = 0
) -> RadarHit:
    return RadarHit(rule=rule, field=field, term=term, start=at, end=at + len(text), text=text)  # type: ignore[arg-type]


def test_a_title_word_counts_three_abstract_words() -> None:
    assert (
        score_hits([hit(field="title")], {}).score == 3 * score_hits([hit(field="abstract")], {}).score == 3
    )


@pytest.mark.parametrize(("count", "points"), [(1, 1.0), (2, 1.5), (3, 1.75), (4, 1.875), (30, 2.0)])
def test_repeats_of_a_term_count_less_and_less_and_never_more_than_twice(count: int, points: float) -> None:
    hits = [hit(at=10 * i) for i in range(count)]
    assert score_hits(hits, {}).score == pytest.approx(points, abs=1e-4)
    assert repeats(count) <= 2


def test_the_rule_weight_multiplies_and_terms_and_rules_add_up() -> None:
    hits = [
        hit("a", "title", "spin"),
        hit("a", "abstract", "spin"),
        hit("a", "abstract", "glass"),
        hit("b", "authors", "Sato", "Ines Sato"),
    ]
    score = score_hits(hits, {"a": 2.0, "b": 0.5})
    assert score.score == 2 * 3 + 2 * 1 + 2 * 1 + 0.5 * FIELD_WEIGHTS["authors"]
    assert [(p.rule, p.field, p.term, p.points) for p in score.parts] == [
        ("a", "title", "spin", 6.0),
        ("a", "abstract", "spin", 2.0),
        ("a", "abstract", "glass", 2.0),
        ("b", "authors", "Sato", 1.5),
    ]


def test_the_explanation_names_rule_words_and_field() -> None:
    hits = [
        hit("graph learning", "title", "graph neural", "graph-neural"),
        *(hit("graph learning", "abstract", "GNN", w, i) for i, w in enumerate(["GNN", "GNNs", "GNN"])),
        hit("people", "authors", "Sato", "Ines Sato"),
    ]
    # "GNNs" is not "GNN" as a whole word, but a wildcard term would list each distinct word it matched.
    assert explain(score_hits(hits, {"graph learning": 2})) == (
        "graph learning (weight 2): “graph-neural” in the title +6; “GNN”, “GNNs” 3× in the abstract +3.5\n"
        "people: by “Ines Sato” +3"
    )
    assert explain(score_hits([], {})) == "no radar rule matches"


def paper(pid: str, title: str, abstract: str = "", label: str = "arXiv (cs.LG)") -> Paper:
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        source_label=label,
        date=dt.date(2026, 6, 24),
        arxiv_id=pid.removeprefix("arxiv:") if pid.startswith("arxiv:") else None,
    )


DAY = [
    paper("doi:10.1/a", "Spin glasses in Nature", label="Nature"),
    paper("arxiv:1", "Nothing to see"),
    paper("arxiv:2", "Spin waves", "spin and spin"),
    paper("arxiv:3", "A note", "on spin"),
    paper("arxiv:4", "Another note", "on spin"),
]


def test_radar_cards_rank_by_score_keep_card_order_on_ties_and_number_without_gaps() -> None:
    matcher = RadarMatcher([RadarRule(name="spin", terms=["spin"])])
    cards = radar_cards(DAY, matcher, set(), only_radar=True)
    assert [(c.n, c.id, c.score) for c in cards] == [
        (1, "arxiv:2", 4.5),  # title 3 + abstract 1 + 1/2
        (2, "doi:10.1/a", 3.0),
        (3, "arxiv:3", 1.0),  # a tie: the order of the cards (arXiv first, then journals, feed order)
        (4, "arxiv:4", 1.0),
    ]
    every = radar_cards(DAY, matcher, set())
    assert [c.id for c in every] == ["arxiv:1", "arxiv:2", "arxiv:3", "arxiv:4", "doi:10.1/a"]
    assert [c.score for c in every] == [0.0, 4.5, 1.0, 1.0, 3.0]


def test_the_radar_view_prints_why_under_each_card() -> None:
    matcher = RadarMatcher([RadarRule(name="spin", terms=["spin"])])
    text = format_radar_cards(radar_cards(DAY[2:3], matcher, set(), only_radar=True), matcher.weights)
    assert text.splitlines()[0] == "01."
    assert text.splitlines()[-1] == "Radar 4.5 · spin: “Spin” in the title +3; “spin” 2× in the abstract +1.5"
