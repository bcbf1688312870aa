"""A paper's radar score, and the sentence that explains it.

score = sum over (rule, field, term) of rule weight x field weight x repeats, where the repeats of one term
in one field count 1, 1/2, 1/4, ... (so at most 2): an abstract that says "transformer" ten times is about
transformers, but not ten times more than one that says it once. A word in the title, or a followed author,
says more about the paper than a word in its abstract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import RadarHit

FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "authors": 3.0, "abstract": 1.0}
REPEAT = 0.5  # each further hit of a term in the same field counts this much of the one before


@dataclass(frozen=True, slots=True)
class ScorePart:
    """What one term (or author) of one rule adds, in one field."""

    rule: str
    weight: float  # the rule's
    field: str  # title, abstract or authors
    term: str  # the rule's term or author
    count: int  # how many times it matched in that field
    words: list[str]  # the distinct words of the paper that matched, as written there
    points: float


@dataclass(frozen=True, slots=True)
class RadarScore:
    score: float
    parts: list[ScorePart]  # largest first

    def explain(self) -> str:
        return explain(self)


def repeats(count: int) -> float:
    """1 + 1/2 + 1/4 + ... for `count` hits."""
    return (1 - REPEAT**count) / (1 - REPEAT)


def score_hits(hits: Sequence[RadarHit], weights: Mapping[str, float]) -> RadarScore:
    """The score of one paper's hits; `weights` maps rule names to weights (a rule not there counts 1)."""
    groups: dict[tuple[str, str, str], list[RadarHit]] = {}
    for hit in hits:
        groups.setdefault((hit.rule, hit.field, hit.term), []).append(hit)
    parts = []
    for (rule, field, term), group in groups.items():
        weight = weights.get(rule, 1.0)
        points = round(weight * FIELD_WEIGHTS[field] * repeats(len(group)), 4)
        words = list(dict.fromkeys(h.text for h in group))
        parts.append(ScorePart(rule, weight, field, term, len(group), words, points))
    parts.sort(key=lambda p: -p.points)
    return RadarScore(score=round(sum(p.points for p in parts), 4), parts=parts)


def _part(part: ScorePart) -> str:
    # A phrase may have matched across a line break: shown on one line.
    words = ", ".join(f"“{' '.join(w.split())}”" for w in part.words[:3]) + (
        ", …" if len(part.words) > 3 else ""
    )
    if part.field == "authors":
        return f"by {words} +{part.points:g}"
    times = f" {part.count}×" if part.count > 1 else ""
    return f"{words}{times} in the {part.field} +{part.points:g}"


def explain(score: RadarScore) -> str:
    """One line per rule, strongest first: which rule, which words, in which field, for how much.

    graph learning (weight 2): “graph-neural” in the title +6; “GNN” 3× in the abstract +3.5
    """
    if not score.parts:
        return "no radar rule matches"
    by_rule: dict[str, list[ScorePart]] = {}
    for part in score.parts:
        by_rule.setdefault(part.rule, []).append(part)
    lines = []
    for rule, parts in sorted(by_rule.items(), key=lambda item: -sum(p.points for p in item[1])):
        weight = f" (weight {parts[0].weight:g})" if parts[0].weight != 1 else ""
        lines.append(f"{rule}{weight}: " + "; ".join(_part(p) for p in parts))
    return "\n".join(lines)
