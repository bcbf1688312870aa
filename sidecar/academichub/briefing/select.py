"""Which of the day's cards the briefing reads, and which three it asks the reader to read first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..models import Card
from .themes import ThemeGroup

BRIEFING_PAPERS = 25  # five themes of five: about 25 s of writing on two cores


def top_of_day(cards: Sequence[Card], limit: int = BRIEFING_PAPERS) -> list[Card]:
    """Without a radar, a cross-section of the day: each source in turn, in card order.

    The cards list preprints first and then journals, so its first 25 would be arXiv cs.AI alone; taking
    one from every source in turn gives every field the briefing can link a place in it."""
    by_source: dict[str, list[Card]] = {}
    for card in cards:
        by_source.setdefault(card.source_label, []).append(card)
    queues = list(by_source.values())
    chosen: list[Card] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for q in queues):
        chosen.extend(q[depth] for q in queues if depth < len(q))
        depth += 1
    return sorted(chosen[:limit], key=lambda c: c.n)


def select_papers(
    cards: Sequence[Card], radar_scores: Mapping[str, float] | None = None, limit: int = BRIEFING_PAPERS
) -> list[Card]:
    """The day's radar matches (best first, at most `limit`), else the top of the day; in card order."""
    scores = radar_scores or {}
    matches = [c for c in cards if scores.get(c.id, 0.0) > 0]
    if not matches:
        return top_of_day(cards, limit)
    matches.sort(key=lambda c: (-scores[c.id], c.n))
    return sorted(matches[:limit], key=lambda c: c.n)


def pick_read_first(
    themes: Sequence[ThemeGroup], radar_scores: Mapping[str, float] | None = None, count: int = 3
) -> list[Card]:
    """The best radar matches; without a radar, the lead paper of each of the largest themes (the paper that
    shares the most with its neighbours), so the three cover three different themes."""
    scores = radar_scores or {}
    cards = [c for t in themes for c in t.cards]
    if any(scores.get(c.id, 0.0) > 0 for c in cards):
        return sorted(cards, key=lambda c: (-scores.get(c.id, 0.0), c.n))[:count]
    picks = [c for t in themes[:count] for c in t.cards if c.n == t.lead]
    if len(picks) < count:  # fewer themes than picks: fill from the biggest themes
        rest = [c for t in themes for c in t.cards if c not in picks]
        picks += rest[: count - len(picks)]
    return picks
