"""Themes a researcher recognises: papers that name the same topic and are alike by meaning.

A theme starts from a key phrase two or more papers use ("open quantum systems"), best phrases first, and
keeps those of its papers that are alike by meaning (TF-IDF cosine over titles and abstracts, see themes):
two papers that share "public health" but nothing else are no theme. A paper that names none of the
phrases may still join a theme it is close to. Papers left over go to "Also today". Ties break by card
number, so the same day always gives the same themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from ..models import Card
from .phrases import Phrase, PhraseBook
from .themes import DayVectors, ThemeGroup

MAX_THEME_SIZE = 5  # more papers than this in one theme is a field, not a theme
MIN_COHERENCE = 0.04  # mean TF-IDF cosine of a theme's papers: below it they share only the phrase
JOIN_SIMILARITY = 0.18  # a paper without the phrase joins a theme this close to it, on average


def nameable(phrase: Phrase) -> bool:
    """A topic's name: several words, or an acronym or name ('CRISPR', 'GraphSAGE'), never one plain word."""
    if len(phrase.key) > 1:
        return True
    word = phrase.text
    return len(word) >= 3 and (word.isupper() or any(ch.isupper() for ch in word[1:]))


def _mean(vectors: DayVectors, numbers: Sequence[int]) -> float:
    pairs = list(combinations(numbers, 2))
    return sum(vectors.similarity(a, b) for a, b in pairs) / len(pairs) if pairs else 0.0


def group_themes(
    cards: Sequence[Card], book: PhraseBook, *, corpus: Sequence[Card] | None = None
) -> tuple[list[tuple[ThemeGroup, list[Phrase]]], list[Card]]:
    """(themes with their candidate names, best first; the papers in no theme), in card order."""
    if not cards:
        return [], []
    by_n = {c.n: c for c in cards}
    vectors = DayVectors(cards, corpus)
    free = set(by_n)
    themes: list[list[int]] = []
    for phrase in [p for p in book.shared(by_n, limit=400) if nameable(p)]:
        members = sorted(n for n in phrase.papers if n in free)
        if len(members) < 2:
            continue
        # The papers closest to the others first; drop the outliers while the theme is not coherent.
        while len(members) > 2 and (len(members) > MAX_THEME_SIZE or _mean(vectors, members) < MIN_COHERENCE):
            worst = min(members, key=lambda a: (sum(vectors.similarity(a, b) for b in members if b != a), -a))
            members.remove(worst)
        if _mean(vectors, members) < MIN_COHERENCE:
            continue
        themes.append(members)
        free -= set(members)
    for n in sorted(free):
        fits = [
            (sum(vectors.similarity(n, m) for m in t) / len(t), i)
            for i, t in enumerate(themes)
            if len(t) < MAX_THEME_SIZE
        ]
        if fits and (best := max(fits))[0] >= JOIN_SIMILARITY:
            themes[best[1]].append(n)
            free.discard(n)
    out = []
    for members in sorted((sorted(t) for t in themes), key=lambda t: (-len(t), t[0])):
        names = [p for p in book.shared(members) if nameable(p)]
        lead = max(members, key=lambda a: (sum(vectors.similarity(a, b) for b in members if b != a), -a))
        out.append((ThemeGroup(cards=[by_n[n] for n in members], lead=lead), names))
    return out, [by_n[n] for n in sorted(free)]
