"""What a paper is about, as the learner reads it: hashed counts of its words and two-word phrases.

The representation is stateless (no vocabulary to fit), so it is computed once, when a paper is stored, and
never again: a new day, a new library or a retrained model all reuse it. The words' weights (how rare a word
is among the papers the user sees) are a property of the model, applied when it trains and scores.
Categories are features too ("cat:math.AP"), since a researcher's papers keep to a few.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel, Field
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.utils import murmurhash3_32

VERSION = "hash20-12gram-v1"  # a cached representation of another version is computed again
N_FEATURES = 2**20

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOP = frozenset(ENGLISH_STOP_WORDS)


class PaperText(BaseModel):
    """What the learner sees of a paper."""

    key: str = Field(description="The store's canonical paper key (arXiv id or lower-cased DOI).")
    title: str
    abstract: str = ""
    categories: list[str] = Field(default_factory=list)
    date: dt.date | None = None


def terms(paper: PaperText) -> list[str]:
    """The paper's words and two-word phrases (stop words out, lower case), then its categories."""
    found: list[str] = []
    for text in (paper.title, paper.abstract):
        words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOP]
        found += words
        # pairs of neighbours once stop words are out (scikit-learn's n-grams): measured on the dev set,
        # they rank as well as strict phrases, a little better in MRR
        found += [f"{a} {b}" for a, b in itertools.pairwise(words)]
    found += [f"cat:{category}" for category in paper.categories]
    return found


_HASHER = HashingVectorizer(
    analyzer=terms,  # a callable analyzer gets the documents as given
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)


def spelled(paper: PaperText) -> str:
    """The paper's words as `terms` reads them, one space apart and around: " graph neural network "."""
    return " " + " ".join(_TOKEN.findall(f"{paper.title} {paper.abstract}".lower())) + " "


def feature_index(term: str) -> int:
    """The column `counts` puts `term` in (the same hash as scikit-learn's HashingVectorizer)."""
    h = murmurhash3_32(term, seed=0)
    return (2147483647 - (N_FEATURES - 1)) % N_FEATURES if h == -2147483648 else abs(h) % N_FEATURES


def counts(papers: Sequence[PaperText]) -> sp.csr_matrix:
    """One row per paper: how often each hashed term occurs."""
    if not papers:
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    return _HASHER.transform(papers).tocsr()


def term_names(papers: Iterable[PaperText]) -> dict[int, str]:
    """Column -> the term the given papers put there (the most frequent one, where two share a column)."""
    seen: dict[str, int] = {}
    for paper in papers:
        for term in terms(paper):
            seen[term] = seen.get(term, 0) + 1
    names: dict[int, tuple[int, str]] = {}
    for term, n in seen.items():
        column = feature_index(term)
        if column not in names or names[column][0] < n:
            names[column] = (n, term)
    return {column: term for column, (_, term) in names.items()}
