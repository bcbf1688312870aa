"""A day's papers as the radar sees them: each with its hits and score, dismissed papers out of the radar,
and the radar-only view ranked by score (ties keep the cards' order), numbered 1, 2, 3 ... without gaps."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..models import Card, Paper, RadarHit
from ..store.cards import cards_of_day, format_card
from .matching import RadarMatcher
from .scoring import explain, score_hits


@dataclass(frozen=True)
class Sighting:
    """What the radar says about one paper."""

    hits: list[RadarHit]
    score: float


NOTHING = Sighting([], 0.0)


def sight(papers: Sequence[Paper], matcher: RadarMatcher, dismissed: Collection[str]) -> list[Sighting]:
    """Each paper's hits and score; a dismissed paper has none (the user said "not interested")."""
    sightings = []
    for paper, hits in zip(papers, matcher.match_many(papers), strict=True):
        if not hits or paper.id in dismissed:
            sightings.append(NOTHING)
        else:
            sightings.append(Sighting(hits, score_hits(hits, matcher.weights).score))
    return sightings


def ranked(sightings: Sequence[Sighting], positions: Sequence[int] | None = None) -> list[int]:
    """The positions (default: all) that the radar matches, highest score first, ties in card order."""
    chosen = range(len(sightings)) if positions is None else positions
    return sorted((p for p in chosen if sightings[p].hits), key=lambda p: -sightings[p].score)


def with_radar(
    cards: Sequence[Card], sightings: Sequence[Sighting], positions: Sequence[int] | None = None
) -> list[Card]:
    """The cards, each carrying its radar hits and score: all of them with their numbers, or those at
    `positions` (the radar-only view) numbered 1, 2, 3 ... in that order."""
    if positions is None:
        return [
            card.model_copy(update={"score": s.score, "radar": s.hits})
            for card, s in zip(cards, sightings, strict=True)
        ]
    return [
        cards[p].model_copy(update={"n": n, "score": sightings[p].score, "radar": sightings[p].hits})
        for n, p in enumerate(positions, start=1)
    ]


def radar_cards(
    papers: Sequence[Paper], matcher: RadarMatcher, dismissed: Collection[str], *, only_radar: bool = False
) -> list[Card]:
    """The day's cards as the service serves them (`cards_of_day`, then `sight`), each carrying its radar hits
    and score; `only_radar` keeps the matches, best first."""
    cards = cards_of_day(papers)
    sightings = sight(cards, matcher, dismissed)
    return with_radar(cards, sightings, ranked(sightings) if only_radar else None)


def format_radar_cards(cards: Sequence[Card], weights: Mapping[str, float], width: int = 100) -> str:
    """The cards as `academichub cards` prints them, each radar match followed by why it matched."""
    blocks = []
    for card in cards:
        block = format_card(card, width)
        if card.radar:
            why = explain(score_hits(card.radar, weights)).replace("\n", "\n       ")
            block += f"\nRadar {card.score:g} · {why}"
        blocks.append(block)
    return "\n\n".join(blocks)
