"""Every statement of the briefing must point at cards that were given, and be about them.

A small model cites freely: card numbers it was never shown, or a real card for a sentence about another
paper. The checker removes a citation that names no given card, removes one whose paper shares no word with
the sentence, and drops a statement left without a citation. Markers in the text ([03], [3, 7], [03][07])
count as citations too, and a removed one disappears from the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..models import Card
from .model import Statement
from .themes import terms

# [03], [3], [03, 07], [3;7], [03-05] is not a range we trust: only lists of numbers.
_MARKER = re.compile(r"\s?\[(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\]")
MAX_STATEMENT_CHARS = 320


WORD = re.compile(r"\w+")
HANZI = re.compile(r"[\u4e00-\u9fff]")  # Chinese has no spaces: each character counts as a word
MIN_WORDS = 3  # a statement shorter than this is a fragment of the model's JSON, not prose


def extract_citations(text: str) -> list[int]:
    """Card numbers cited in `text`, in order of first appearance."""
    found: list[int] = []
    for match in _MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", match.group(1)):
            n = int(number)
            if n not in found:
                found.append(n)
    return found


def marker(numbers: Iterable[int]) -> str:
    """Card numbers as the cards show them: [03][07]."""
    return "".join(f"[{n:02d}]" for n in numbers)


def strip_citations(text: str, keep: Iterable[int] = ()) -> str:
    """Remove the citations of anything outside `keep`; write the kept ones as the cards number them."""
    kept = set(keep)

    def replace(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        valid = [n for n in numbers if n in kept]
        return " " + marker(valid) if valid else ""

    return _MARKER.sub(replace, text)


_ENUMERATION = re.compile(r"^\s*(?:[\[(]?\d{1,2}[.)\]]\s+)+")


def tidy(text: str, limit: int = MAX_STATEMENT_CHARS) -> str:
    """One line, without a leading '2. ', trimmed at a word boundary: the model sometimes numbers its
    answers like the prompt's list, or copies a whole abstract."""
    text = _ENUMERATION.sub("", " ".join(text.split()))
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


@dataclass
class CitationReport:
    removed: int = 0  # citations naming no given card, or a paper the sentence is not about
    dropped: int = 0  # statements left with no citation

    def add(self, other: CitationReport) -> None:
        self.removed += other.removed
        self.dropped += other.dropped


class CitationChecker:
    """Checks statements against the cards a prompt was given.

    'About' is judged by words, each weighted by its rarity that day (a shared 'retokenization' says more
    than a shared 'model'): each cited paper must share at least two of the sentence's content words (all
    of them, for a shorter sentence), and together the cited papers must account for a third of the
    sentence's weight. A 135M model that writes about one paper and cites its neighbour fails the first; one
    that invents ('The future of AI: a new era...') fails the second. A sentence with no English word to
    check (Chinese prose without a technical term) is given the benefit of the doubt."""

    COVERAGE = 1 / 3

    def __init__(
        self,
        cards: Sequence[Card],
        *,
        corpus: Sequence[Card] | None = None,
        require_shared_words: bool = True,
    ):
        self.cards: Mapping[int, Card] = {c.n: c for c in cards}
        self.require_shared_words = require_shared_words
        self._vocabulary = {c.n: set(terms(f"{c.title} {c.abstract}")) for c in cards}
        documents = [set(terms(f"{c.title} {c.abstract}")) for c in (corpus or cards)]
        frequency = Counter(t for doc in documents for t in doc)
        self._rare = math.log(1 + len(documents)) + 1.0  # a word no paper uses weighs the most
        self._idf = {t: math.log((1 + len(documents)) / (1 + df)) + 1.0 for t, df in frequency.items()}

    def _weight(self, words: Iterable[str]) -> float:
        return sum(self._idf.get(w, self._rare) for w in words)

    def _each_about(self, numbers: Sequence[int], words: set[str]) -> list[int]:
        if not self.require_shared_words or not words:
            return list(numbers)
        return [n for n in numbers if len(words & self._vocabulary[n]) >= min(2, len(words))]

    def grounded(self, text: str, numbers: Iterable[int]) -> bool:
        """Do the papers `numbers` together account for a third of the (rarity-weighted) words of `text`?"""
        words = set(terms(text))
        if not self.require_shared_words or not words:
            return True
        known = set().union(*(self._vocabulary.get(n, set()) for n in numbers))
        return self._weight(words & known) >= self.COVERAGE * self._weight(words)

    def check(
        self, statement: Statement, allowed: Iterable[int] | None = None
    ) -> tuple[Statement | None, CitationReport]:
        """The statement with only valid citations, or None when none is left. `allowed` narrows the
        cards this statement may cite (a theme's own cards) below all the cards given."""
        report = CitationReport()
        scope = set(self.cards) if allowed is None else set(allowed) & set(self.cards)
        words = set(terms(statement.text))
        claimed = list(dict.fromkeys([*statement.cites, *extract_citations(statement.text)]))
        valid = self._each_about([n for n in claimed if n in scope], words)
        if valid and not self.grounded(statement.text, valid):
            valid = []
        report.removed = len(claimed) - len(valid)
        text = tidy(strip_citations(statement.text, valid))
        # A fragment ("}", "The paper") says nothing a reader can use, whatever it cites.
        bare = strip_citations(text)
        if not valid or len(WORD.findall(bare)) + len(HANZI.findall(bare)) < MIN_WORDS:
            report.dropped = 1
            return None, report
        return Statement(text=text, cites=valid), report

    def check_all(
        self, statements: Iterable[Statement], allowed: Iterable[int] | None = None
    ) -> tuple[list[Statement], CitationReport]:
        kept: list[Statement] = []
        total = CitationReport()
        seen: set[str] = set()
        for statement in statements:
            checked, report = self.check(statement, allowed)
            total.add(report)
            if checked is None:
                continue
            key = checked.text.lower()
            if key in seen:  # the model sometimes says the same sentence twice
                total.dropped += 1
                continue
            seen.add(key)
            kept.append(checked)
        return kept, total
