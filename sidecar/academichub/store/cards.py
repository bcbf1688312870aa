"""A day's papers as numbered cards, in the layout of the reference pages:

01.
arXiv (quant-ph) 2026-06-15
Quasilinear Equivalence Checking for Detector Error Models
Authors: ...
<abstract>
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Protocol

from ..models import Card, Paper


def _family_rank(paper: Paper) -> int:
    # Preprints first (they are the day's news), journals after: the order the reference pages use.
    if paper.arxiv_id:
        return 0
    label = paper.source_label.lower()
    if label.startswith(("biorxiv", "medrxiv")):
        return 1
    return 2


def order_papers(papers: Iterable[Paper]) -> list[Paper]:
    """Group by source, preprints first; keep the feed's own order inside a source (stable sort)."""
    return sorted(papers, key=lambda p: (_family_rank(p), p.source_label.lower()))


class Labelled(Protocol):
    """What a source filter reads of a paper (a stored Paper, or an entry seen on an arXiv page)."""

    @property
    def source_label(self) -> str: ...

    @property
    def categories(self) -> list[str]: ...


def matches_source(paper: Labelled, wanted: str) -> bool:
    """`arXiv` picks every arXiv card, `arXiv (cs.CV)` or `cs.CV` one category, `nature` Nature's."""
    wanted = wanted.strip().lower()
    label = paper.source_label.lower()
    return (
        label == wanted or label.startswith(wanted + " ") or wanted in (c.lower() for c in paper.categories)
    )


def number_cards(papers: Sequence[Paper]) -> list[Card]:
    """Numbers run 01, 02, ... with no gaps, whatever was filtered out before."""
    return [Card(n=i, **paper.model_dump()) for i, paper in enumerate(papers, start=1)]


def cards_of_day(papers: Iterable[Paper]) -> list[Card]:
    """A day's papers as its numbered cards: the one order and numbering the CLI, the popup and the
    briefing all show."""
    return number_cards(order_papers(papers))


def card_number(n: int) -> str:
    return f"{n:02d}."


def format_card(card: Card, width: int = 100) -> str:
    lines = [card_number(card.n), f"{card.source_label} {card.date.isoformat()}", card.title]
    if card.authors:  # no author line at all rather than "Unknown Author"
        lines.append("Authors: " + ", ".join(card.authors))
    if card.abstract:
        lines.extend(
            textwrap.wrap(card.abstract, width=width, break_long_words=False, break_on_hyphens=False)
        )
    return "\n".join(lines)


def format_cards(cards: Sequence[Card], width: int = 100) -> str:
    return "\n\n".join(format_card(card, width) for card in cards)
