"""A day ranked by relevance: the rules (explicit, and decisive where they hit) combined with the learned
interest (see learn.combined_score), each card explained by both.

A paper the rules miss still reaches the radar view when the learned interest is high: above
LEARNED_THRESHOLD, i.e. above that share of the papers the model was trained beside.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from ..models import Card, LearnedInterest, LikedPaper, Paper
from ..store.cards import format_card, order_papers
from .matching import RadarMatcher
from .scoring import explain, score_hits
from .view import Sighting, sight

if TYPE_CHECKING:  # the learned radar (scikit-learn, SciPy) loads when a model is used, not at start
    from .learn import InterestModel
    from .learn.model import Vectors

LEARNED_THRESHOLD = 0.95


def learned_interest(
    model: InterestModel | None, papers: Sequence[Paper], vectors: Vectors | None = None
) -> list[LearnedInterest | None]:
    """Each paper's learned interest; `vectors` reads stored papers' representations (learn.vectors)
    instead of computing them again."""
    if model is None or not papers:
        return [None] * len(papers)
    from .learn import PaperText

    texts = [
        PaperText(key=p.id, title=p.title, abstract=p.abstract, categories=p.categories, date=p.date)
        for p in papers
    ]
    return [
        LearnedInterest(
            score=round(s.score, 4), like=[LikedPaper(id=k, title=t) for k, t in s.like], words=s.words
        )
        for s in model.score(texts, vectors=vectors)
    ]


def relevance(sighting: Sighting, learned: LearnedInterest | None) -> float:
    if not sighting.hits and learned is None:
        return 0.0  # combined_score's "no rule hit, no model": rules only, and no rule matched
    from .learn import combined_score

    return round(combined_score(sighting.score or None, learned.score if learned else None), 4)


def on_radar(sighting: Sighting, learned: LearnedInterest | None) -> bool:
    """A rule matches, or the learned interest is high enough to show the paper unasked."""
    return bool(sighting.hits) or (learned is not None and learned.score >= LEARNED_THRESHOLD)


def by_relevance(relevances: Sequence[float], positions: Sequence[int]) -> list[int]:
    """Best first; ties keep the cards' order."""
    return sorted(positions, key=lambda p: -relevances[p])


def ranked_cards(
    papers: Sequence[Paper],
    matcher: RadarMatcher,
    dismissed: Collection[str],
    model: InterestModel | None,
    *,
    only_radar: bool = False,
    vectors: Vectors | None = None,
) -> list[Card]:
    """The day's cards best first, numbered 1..n; `only_radar` keeps what the radar shows. A dismissed
    paper has neither rule hits nor learned interest: it ranks last and never shows on the radar."""
    ordered = order_papers(papers)
    sightings = sight(ordered, matcher, dismissed)
    learned = [
        None if paper.id in dismissed else interest
        for paper, interest in zip(ordered, learned_interest(model, ordered, vectors), strict=True)
    ]
    relevances = [relevance(s, li) for s, li in zip(sightings, learned, strict=True)]
    positions: Sequence[int] = range(len(ordered))
    if only_radar:
        positions = [p for p in positions if on_radar(sightings[p], learned[p])]
    return [
        Card(
            n=n,
            score=sightings[p].score,
            radar=sightings[p].hits,
            relevance=relevances[p],
            learned=learned[p],
            **ordered[p].model_dump(),
        )
        for n, p in enumerate(by_relevance(relevances, positions), start=1)
    ]


def explain_learned(learned: LearnedInterest) -> str:
    """like your ‘Spectral graph theory’ and ‘Graph wavelets’ · “spectral clustering”, “laplacian”"""
    parts = []
    if learned.like:
        parts.append("like your " + " and ".join(f"‘{p.title}’" for p in learned.like))
    if learned.words:
        parts.append(", ".join(f"“{w}”" for w in learned.words))
    return " · ".join(parts) or "no close paper of yours"


def format_ranked_cards(
    cards: Sequence[Card], weights: Mapping[str, float], *, relevance: bool = True, width: int = 100
) -> str:
    """`cards --rank` and `--radar`: each card with (for --rank) its relevance, why the rules matched it
    and why the model likes it."""
    blocks = []
    for card in cards:
        block = format_card(card, width)
        if relevance:
            block += f"\nRelevance {card.relevance:.3g}"
        if card.radar:
            why = explain(score_hits(card.radar, weights)).replace("\n", "\n       ")
            block += f"\nRadar {card.score:g} · {why}"
        if card.learned is not None:
            block += f"\nLearned {card.learned.score:.2f} · {explain_learned(card.learned)}"
        blocks.append(block)
    return "\n\n".join(blocks)
