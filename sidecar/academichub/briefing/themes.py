"""What papers are about, as code compares them: their fields and disciplines, and their words weighted by
how rare each is that day (TF-IDF over titles and abstracts). Grouping uses it (grouping), so does the
citation check (citations)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Card

# arXiv archives that are all 'physics' to a reader from another field.
_PHYSICS = {
    "astro-ph",
    "cond-mat",
    "gr-qc",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "math-ph",
    "nlin",
    "nucl-ex",
    "nucl-th",
    "physics",
}
_STOPWORDS = frozenset(
    """a about above across after again against all also although among an and any are as at be been before
    being below between both but by can could did do does doing down during each either et few for from
    further had has have having here how however i if in into is it its itself just less may more most much
    must no nor not of off on once only or other our out over own per rather same several should since so
    some such than that the their them then there these they this those through thus to too under until up
    upon using via was we were what when where whether which while who whom why will with within without
    would yet al e.g i.e first second new novel propose proposed proposes present presents paper work study
    studies approach approaches method methods result results show shows shown demonstrate based use used
    uses existing recent recently however well one two three often many make makes across toward towards
    significant significantly achieve achieves provide provides introduce introduces framework""".split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")


def field_of(card: Card) -> str:
    """The paper's field as a reader names it: its primary arXiv category, else its journal or server."""
    if card.arxiv_id and card.categories:
        return card.categories[0]
    return card.source_label


def discipline_of(card: Card) -> str:
    """Coarser than the field: what counts as 'another discipline' for a cross-disciplinary link."""
    if card.arxiv_id and card.categories:
        archive = card.categories[0].split(".")[0]
        return "physics" if archive in _PHYSICS else archive
    label = card.source_label.split("(")[0].strip().lower()
    if "med" in label:
        return "medicine"
    if "bio" in label:
        return "biology"
    return label


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2]


@dataclass
class ThemeGroup:
    """Papers the code put together, with the words they share (for a title when no model writes one)."""

    cards: list[Card]
    keywords: list[str] = field(default_factory=list)
    lead: int = 0  # card number of the paper that shares the most with the others

    @property
    def numbers(self) -> list[int]:
        return [c.n for c in self.cards]

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(field_of(c) for c in self.cards))


class DayVectors:
    """TF-IDF vectors of a day's papers (titles count twice: they name the topic)."""

    def __init__(self, cards: Sequence[Card], corpus: Sequence[Card] | None = None):
        corpus = list(corpus) if corpus else list(cards)
        everyone = {c.id: c for c in [*corpus, *cards]}
        counts = {i: Counter(terms(c.title) * 2 + terms(c.abstract)) for i, c in everyone.items()}
        docs = Counter(t for c in corpus for t in counts[c.id])
        n = len(corpus)
        self.idf = {t: math.log((1 + n) / (1 + df)) + 1.0 for t, df in docs.items()}
        self.vectors: dict[int, dict[str, float]] = {}
        for card in cards:
            weights = {
                t: (1 + math.log(k)) * self.idf.get(t, math.log(1 + n) + 1.0)
                for t, k in counts[card.id].items()
            }
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            self.vectors[card.n] = {t: w / norm for t, w in weights.items()}

    def similarity(self, a: int, b: int) -> float:
        va, vb = self.vectors[a], self.vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(w * vb.get(t, 0.0) for t, w in va.items())

    def shared_terms(self, numbers: Sequence[int], limit: int = 3) -> list[str]:
        """The words that weigh most across the papers, preferring words more than one of them uses."""
        weight: defaultdict[str, float] = defaultdict(float)
        users: Counter[str] = Counter()
        for n in numbers:
            for t, w in self.vectors[n].items():
                weight[t] += w
                users[t] += 1
        ranked = sorted(weight, key=lambda t: (-(users[t] > 1 or len(numbers) == 1), -weight[t], t))
        return ranked[:limit]
