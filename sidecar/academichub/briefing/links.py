"""Cross-field links: two papers from different disciplines that name the same concrete thing.

The thing is a key phrase both papers' texts contain ("graph neural networks", "single-cell RNA"): a
method, a data set or an object of study, not a word every paper uses. Several words, or one rare and long
word, so that "model" or "analysis" never passes for a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from ..models import Card
from .phrases import GENERIC, PhraseBook
from .themes import discipline_of

MAX_DAY_SHARE = 0.15  # a phrase in more of the day's papers than this is the day's common vocabulary


@dataclass(frozen=True)
class CrossLink:
    first: Card
    second: Card
    term: str  # as the first paper writes it; it occurs in both papers' titles or abstracts
    weight: float


def _concrete(key: tuple[str, ...], term: str) -> bool:
    """Several words not all general ('graph neural networks'), or an acronym or name ('CRISPR')."""
    if len(key) > 1:
        return not all(w in GENERIC for w in key)
    return len(term) >= 3 and (term.isupper() or any(ch.isupper() for ch in term[1:]))


def cross_field_links(
    cards: Sequence[Card], book: PhraseBook, day_size: int, limit: int = 3
) -> list[CrossLink]:
    """The best-named pairs across disciplines, each paper in one link at most, strongest first."""
    candidates: list[CrossLink] = []
    for a, b in combinations(sorted(cards, key=lambda c: c.n), 2):
        if discipline_of(a) == discipline_of(b):
            continue
        mine, theirs = book.of(a.n), book.of(b.n)
        best: CrossLink | None = None
        for key in mine.keys() & theirs.keys():
            term = mine[key]
            if not _concrete(key, term) or book.frequency(key) > max(2, MAX_DAY_SHARE * day_size):
                continue
            weight = book.rarity(key) * (1.0 + 0.6 * (min(len(key), 3) - 1))
            if best is None or weight > best.weight:
                best = CrossLink(a, b, term, weight)
        if best is not None:
            candidates.append(best)
    candidates.sort(key=lambda link: (-link.weight, link.first.n, link.second.n))
    used: set[int] = set()
    links: list[CrossLink] = []
    for link in candidates:
        if link.first.n in used or link.second.n in used:
            continue
        used |= {link.first.n, link.second.n}
        links.append(link)
        if len(links) >= limit:
            break
    return links
