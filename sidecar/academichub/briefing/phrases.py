"""Key phrases: the names a researcher gives a topic ("offline reinforcement learning", "open quantum
systems"), found by code in the papers' own words.

A candidate is a run of one to four words inside one clause of a title or abstract, neither starting nor
ending on a function word. Runs are compared stemmed ("language models" is "language model"), shown as a
paper wrote them. A theme's name must occur in at least two of its papers, and it weighs more the rarer it
is that day: a phrase half the day uses ("large language models" on an arXiv cs day) names no theme.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import Card
from .themes import _STOPWORDS, _stem

MAX_WORDS = 4
# Words too general to name anything alone, however often two papers share them.
GENERIC = frozenset(
    """model models data dataset datasets learning method methods system systems task tasks performance
    problem problems analysis network networks training framework frameworks approach results result
    information process processes paper study studies time number set sets type types case cases way ways
    level levels effect effects function functions value values state states structure structures property
    properties condition conditions application applications research researchers evidence design designs
    strategy strategies technique techniques tool tools feature features algorithm algorithms experiment
    experiments benchmark benchmarks evaluation evaluations accuracy quality efficiency cost costs domain
    domains setting settings scale scales order class classes form forms part parts role roles impact
    change changes term terms rate rates range ranges field fields space spaces point points group groups
    large small high low good better best different various important key main general specific existing
    available multiple single simple effective efficient robust accurate real strong able possible downstream
    upstream end ends""".split()  # noqa: SIM905
)
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”]|\s[-–—]\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")

Key = tuple[str, ...]
# A phrase ends on a noun: not on an adverb or a verb form ('model require', 'fully trained').
_VERB_LIKE = re.compile(
    r".*ly$|^(?:require|requires|required|show|shows|showed|shown|use|uses|used|remain|remains|make|makes|"
    r"made|allow|allows|enable|enables|lead|leads|yield|yields|provide|provides|improve|improves|achieve|"
    r"achieves|reduce|reduces|perform|performs|outperform|outperforms|increase|increases|given|based|known|"
    r"called|trained|proposed|obtained|compared|associated|related|including|using)$"
)


def _key(word: str) -> str:
    return _stem(word.lower())


# Abstracts carry TeX and, in some feeds, markup: neither is a phrase ('leq n', 'img src x').
_ACCENT = re.compile(r"""\\["'^`~=.]\{?([A-Za-z])\}?""")  # Schr\"odinger is Schrodinger
_NOT_PROSE = re.compile(r"\$[^$]*\$|\\[A-Za-z]+|<[^>]*>|&[a-z]+;")


def prose(text: str) -> str:
    return _NOT_PROSE.sub(" , ", _ACCENT.sub(r"\1", text))


def candidates(text: str) -> dict[Key, str]:
    """Every candidate phrase of `text`: stemmed key to the words as written (first occurrence)."""
    found: dict[Key, str] = {}
    for clause in _CLAUSE.split(prose(text)):
        tokens = _WORD.findall(clause)
        for i in range(len(tokens)):
            for n in range(1, MAX_WORDS + 1):
                run = tokens[i : i + n]
                if len(run) < n:
                    break
                low = [w.lower() for w in run]
                if low[0] in _STOPWORDS or low[-1] in _STOPWORDS:
                    continue
                if any(w in _STOPWORDS and w != "of" for w in low):
                    break  # a longer run from here crosses the same function word
                if n == 1 and (low[0] in GENERIC or len(low[0]) < 4):
                    continue
                if min(map(len, low)) < 2 or max(map(len, low)) < 4:
                    continue  # a TeX leftover such as "leq n"
                if all(w in GENERIC for w in low) or _VERB_LIKE.match(low[-1]):
                    continue
                key = tuple(_key(w) for w in run)
                surface = " ".join(run)
                if key not in found or _plainer(surface, found[key]):
                    found[key] = surface
    return found


def _plainer(new: str, old: str) -> bool:
    """Prefer 'dark matter' (an abstract's words) to 'Dark Matter' (a title's capitals); keep 'LLMs'."""
    return (
        new != old and new.lower() == old.lower() and sum(map(str.isupper, new)) < sum(map(str.isupper, old))
    )


@dataclass(frozen=True)
class Phrase:
    text: str  # as a paper wrote it
    key: Key
    papers: tuple[int, ...]  # card numbers whose text holds it
    weight: float


class PhraseBook:
    """The candidate phrases of a day's papers, and how many of the day's papers use each."""

    def __init__(self, cards: Sequence[Card], corpus: Sequence[Card] | None = None):
        corpus = list(corpus) if corpus else list(cards)
        self._by_card: dict[int, dict[Key, str]] = {}
        everyone = {c.id: c for c in [*corpus, *cards]}
        texts = {i: candidates(f"{c.title}. {c.abstract}") for i, c in everyone.items()}
        self._df = Counter(k for c in corpus for k in texts[c.id])
        self._n = len(corpus)
        for card in cards:
            self._by_card[card.n] = texts[card.id]

    def frequency(self, key: Key) -> int:
        """How many of the day's papers use the phrase."""
        return self._df.get(key, 0)

    def rarity(self, key: Key) -> float:
        return math.log((1 + self._n) / (1 + self._df.get(key, 0))) + 1.0

    def of(self, n: int) -> dict[Key, str]:
        return self._by_card[n]

    def shared(self, numbers: Iterable[int], *, at_least: int = 2, limit: int = 6) -> list[Phrase]:
        """Phrases in at least `at_least` of the papers `numbers`, best first: more papers, rarer that
        day, longer (a two- or three-word phrase names a topic better than one word)."""
        numbers = list(numbers)
        holders: dict[Key, list[int]] = {}
        for n in numbers:
            for key in self._by_card[n]:
                holders.setdefault(key, []).append(n)
        common = self._n > 8 and 0.3  # on a real day, a phrase in 30% of it is the day's jargon
        scored = []
        for key, papers in holders.items():
            if len(papers) < at_least:
                continue
            if common and self._df.get(key, 0) > common * self._n and len(papers) < len(numbers):
                continue
            length = 1.0 + 0.6 * (len(key) - 1) if len(key) <= 3 else 2.0
            weight = len(papers) * self.rarity(key) * length
            surfaces = sorted((self._by_card[n][key] for n in papers), key=lambda s: sum(map(str.isupper, s)))
            scored.append(Phrase(surfaces[0], key, tuple(papers), weight))
        scored.sort(key=lambda p: (-p.weight, p.text.lower()))
        # Drop a phrase inside a better one ("reinforcement learning" under "offline reinforcement learning").
        kept: list[Phrase] = []
        for phrase in scored:
            if any(_inside(phrase.key, k.key) and set(phrase.papers) <= set(k.papers) for k in kept):
                continue
            kept.append(phrase)
            if len(kept) >= limit:
                break
        return kept


def _inside(small: Key, big: Key) -> bool:
    return len(small) < len(big) and any(big[i : i + len(small)] == small for i in range(len(big)))


def display(phrase: str) -> str:
    """A phrase as a heading: first letter up, acronyms and names as written."""
    return phrase[:1].upper() + phrase[1:]
