"""One relevance score from the radar's rules and the learned interest.

The rules are the user's explicit word: a paper a rule hits ranks above every paper no rule hits, however
strongly the model likes the latter. Among the hits, the stronger rule score ranks first and the learned
interest breaks near-ties; among the rest, the learned interest alone orders them.

A rule score (`radar.scoring`) is a sum of points: a term in the title is 3 x the rule's weight, in the
abstract 1 x, repeats add up to twice that. `RULE_HALF` is the score that fills half of the band a hit
ranks in, so a single title hit and a title plus abstract hit stay apart.
"""

from __future__ import annotations

RULE_HALF = 3.0
LEARNED_SHARE = 0.1  # how much of the hits' band the learned interest spans: enough to order equal hits


def combined_score(rule_score: float | None, learned: float | None) -> float:
    """In [0, 2]: a paper a rule hits scores in (1, 2], any other paper its learned interest in [0, 1].

    `rule_score` None or 0: no rule hits (or there are no rules); `learned` None: no model yet (the radar is
    rules only, and an unmatched paper scores 0).
    """
    interest = min(max(learned or 0.0, 0.0), 1.0)
    if not rule_score or rule_score <= 0:
        return interest
    strength = rule_score / (rule_score + RULE_HALF)  # in (0, 1), saturating
    return 1.0 + (1.0 - LEARNED_SHARE) * strength + LEARNED_SHARE * interest
