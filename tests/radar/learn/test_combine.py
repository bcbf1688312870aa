"""One relevance score: a rule hit is decisive, the learned interest orders the rest and breaks near-ties
among the hits."""

from __future__ import annotations

import pytest

from academichub.radar.learn import combined_score
from academichub.radar.scoring import FIELD_WEIGHTS


def test_any_rule_hit_outranks_the_strongest_learned_interest() -> None:
    weakest_hit = FIELD_WEIGHTS["abstract"] * 0.01  # one abstract word of a rule of weight 0.01
    assert combined_score(weakest_hit, 0.0) > combined_score(None, 1.0)
    assert combined_score(weakest_hit, None) > combined_score(0.0, 1.0)


def test_a_stronger_rule_score_ranks_first_whatever_the_learned_interest() -> None:
    title_hit, abstract_hit = FIELD_WEIGHTS["title"], FIELD_WEIGHTS["abstract"]
    assert combined_score(title_hit, 0.0) > combined_score(abstract_hit, 1.0)


def test_among_equal_rule_scores_the_learned_interest_decides() -> None:
    assert combined_score(3.0, 0.9) > combined_score(3.0, 0.2) > combined_score(3.0, None)


def test_without_a_rule_hit_the_learned_interest_is_the_score() -> None:
    assert combined_score(None, 0.42) == combined_score(0.0, 0.42) == pytest.approx(0.42)
    assert combined_score(None, None) == 0.0


@pytest.mark.parametrize(
    ("rule", "learned"), [(None, 0.0), (None, 1.0), (1.0, 0.0), (500.0, 1.0), (3.0, 7.0)]
)
def test_the_score_stays_in_zero_two(rule: float | None, learned: float) -> None:
    assert 0.0 <= combined_score(rule, learned) <= 2.0
