"""The per-user interest model: what the user's papers (library, stars) have in common that the rest of the
papers they see do not.

Three views of the same weighted word vectors are combined, each standardised on the background papers:
- a linear SVM, positives against negatives and the unlabelled background (arxiv-sanity's scheme): the
  words that set the user's papers apart;
- the cosine to the positives' centroid (zotero-arxiv-daily's scheme): the user's overall topic;
- the cosine to the nearest positive: a paper close to one of theirs, even off their main topic.
The sum is turned into a score in [0, 1] by where it falls among the background papers' sums at training
time, so a score means the same on every day ("0.99: above 99% of the papers it was trained beside").
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

from . import persist
from .features import N_FEATURES, PaperText, counts, spelled, term_names
from .features import VERSION as FEATURES

SVM_C = 1.0
LIKE_SHARE = 0.7  # a second nearest positive is named when it is at least this close, relative to the first
MAX_WORDS = 5
# How much each view counts once standardised: the SVM leads (the words that set the user's papers apart);
# the cosines temper it where few papers are labelled. Chosen on the dev set, where views alone reach
# Recall@10 0.51 (SVM), 0.47 (centroid), 0.46 (nearest) and any mix of them 0.51-0.52.
VIEW_WEIGHTS = np.array([1.0, 0.5, 0.5])
_SPREAD = (0.1, 0.02, 0.02)  # the least spread of each view: a few alike reference papers do not blow it up
_SHARES = np.linspace(0.01, 0.99, 99)  # the background quantiles kept for calibration

# Where papers' term counts come from: computed from their text, or read from the stored papers' cache.
Vectors = Callable[[Sequence[PaperText]], sp.csr_matrix]


class LearnedScore(BaseModel):
    key: str
    score: float  # learned interest in [0, 1], comparable across days
    like: list[tuple[str, str]]  # the 1-2 positives (key, title) it is closest to
    words: list[str]  # the words/phrases that weighed most (<= 5)


def weigh(tf: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear term frequency x inverse document frequency, rows of unit length."""
    out = tf.astype(np.float32, copy=True)
    out.data = (1.0 + np.log(out.data)) * idf[out.indices]
    out.eliminate_zeros()
    out.sort_indices()
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    out.data /= np.repeat(np.maximum(norms, 1e-12), np.diff(out.indptr)).astype(np.float32)
    return out


def inverse_document_frequency(tf: sp.csr_matrix) -> np.ndarray:
    """Smoothed idf over the given papers; a term seen in one paper only says nothing (weight 0) once there
    are enough papers to tell."""
    n = tf.shape[0]
    df = np.bincount(tf.indices, minlength=N_FEATURES).astype(np.float32)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    idf[df < (2 if n >= 50 else 1)] = 0.0
    return idf


class Parts(BaseModel, arbitrary_types_allowed=True):
    """The raw views of a batch of weighted vectors, before standardisation."""

    svm: np.ndarray
    centroid: np.ndarray
    nearest: np.ndarray
    sims: sp.csr_matrix | np.ndarray  # paper x positive cosines


class InterestModel:
    """Trained from positives (library, stars), negatives (dismissals) and background (unlabelled papers:
    the day, the store), which serve as weak negatives and tell which words are common."""

    def __init__(
        self,
        *,
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        positives: sp.csr_matrix,
        keys: list[str],
        titles: list[str],
        names: dict[int, str],
        stats: np.ndarray,
        quantiles: np.ndarray,
    ) -> None:
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.positives = positives
        self.centroid = np.asarray(positives.mean(axis=0)).ravel().astype(np.float32)
        self.keys = keys
        self.titles = titles
        self.names = names
        self.stats = stats  # (3, 2): mean and spread of each view over the background
        self.quantiles = quantiles

    # ------------------------------------------------------------------ training
    @classmethod
    def train(
        cls,
        positives: Sequence[PaperText],
        negatives: Sequence[PaperText] = (),
        background: Sequence[PaperText] = (),
        *,
        vectors: Vectors | None = None,
    ) -> InterestModel:
        if not positives:
            raise ValueError("an interest model needs at least one positive paper")
        pos_keys = {p.key for p in positives}
        negatives = [p for p in negatives if p.key not in pos_keys]
        neg_keys = {p.key for p in negatives}
        background = [p for p in background if p.key not in pos_keys and p.key not in neg_keys]
        tf_of = vectors or counts
        P, N, B = tf_of(positives), tf_of(negatives), tf_of(background)
        idf = inverse_document_frequency(sp.vstack([P, N, B]).tocsr())
        Pw, Nw, Bw = weigh(P, idf), weigh(N, idf), weigh(B, idf)
        coef, intercept = _svm(Pw, Nw, Bw)
        model = cls(
            idf=idf,
            coef=coef,
            intercept=intercept,
            positives=Pw,
            keys=[p.key for p in positives],
            titles=[p.title for p in positives],
            names=term_names(positives),
            stats=np.array([[0.0, 1.0]] * 3, dtype=np.float64),
            quantiles=np.zeros(len(_SHARES)),
        )
        # The papers a score is relative to: the unlabelled ones, else the dismissed, else (a reader with
        # positives only) the positives themselves.
        reference = next((m for m in (Bw, sp.vstack([Bw, Nw]).tocsr()) if m.shape[0] >= 20), None)
        if reference is None:
            reference = sp.vstack([Bw, Nw]).tocsr() if Bw.shape[0] + Nw.shape[0] else Pw
        views = model._views(reference)
        model.stats = np.array(
            [[v.mean(), max(v.std(), floor)] for v, floor in zip(views, _SPREAD, strict=False)]
        )
        model.quantiles = np.quantile(model._combine(views), _SHARES)
        return model

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path) -> None:
        """Atomically: after a kill -9 at any instant, `path` holds the old model or this one."""
        names = sorted(self.names.items())
        arrays = {
            "idf": sp.csr_matrix(self.idf.reshape(1, -1)),
            "coef": sp.csr_matrix(self.coef.reshape(1, -1)),
            "positives": self.positives,
            "stats": self.stats,
            "quantiles": self.quantiles,
            "name_columns": np.array([c for c, _ in names], dtype=np.int64),
        }
        meta = {
            "features": FEATURES,
            "intercept": self.intercept,
            "keys": self.keys,
            "titles": self.titles,
            "names": [t for _, t in names],
        }
        persist.write_atomic(path, persist.dump(arrays, meta))

    @classmethod
    def load(cls, path: Path) -> InterestModel:
        meta, archive = persist.read(path)
        if meta.get("features") != FEATURES:
            raise persist.ModelFileError(f"{path} was trained on other features; train again")
        try:
            return cls(
                idf=persist.sparse(archive, "idf").toarray().ravel(),
                coef=persist.sparse(archive, "coef").toarray().ravel(),
                intercept=float(meta["intercept"]),
                positives=persist.sparse(archive, "positives"),
                keys=list(meta["keys"]),
                titles=list(meta["titles"]),
                names=dict(zip(archive["name_columns"].tolist(), meta["names"], strict=True)),
                stats=archive["stats"],
                quantiles=archive["quantiles"],
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise persist.ModelFileError(f"{path} is not a readable model: {exc}") from exc

    # ------------------------------------------------------------------ scoring
    def score(self, papers: Sequence[PaperText], *, vectors: Vectors | None = None) -> list[LearnedScore]:
        if not papers:
            return []
        X = weigh((vectors or counts)(papers), self.idf)
        views = self._views(X)
        scores = self._calibrate(self._combine(views))
        scores[X.getnnz(axis=1) == 0] = 0.0  # no word the model knows: nothing to go on
        sims = views[3]
        nearest = np.argmax(sims, axis=1)
        contributions = self._contributions(X, nearest)
        return [
            LearnedScore(
                key=paper.key,
                score=float(scores[i]),
                like=self._like(sims[i]),
                words=self._words(contributions, i, paper),
            )
            for i, paper in enumerate(papers)
        ]

    def _views(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        sims = (X @ self.positives.T).toarray()
        svm = X @ self.coef + self.intercept
        return svm, X @ self.centroid, sims.max(axis=1), sims

    def _combine(self, views: tuple[np.ndarray, ...]) -> np.ndarray:
        parts = zip(views[:3], self.stats, VIEW_WEIGHTS, strict=False)
        return sum(w * (v - m) / s for v, (m, s), w in parts)

    def _calibrate(self, raw: np.ndarray) -> np.ndarray:
        """The share of background papers below, interpolated between percentiles 1 and 99; beyond them
        the score goes on rising (or falling) towards 1 (or 0), so that it never ties two different papers."""
        q = self.quantiles
        spread = max(float(q[-1] - q[len(q) // 2]), 1.0)
        inside = np.interp(raw, q, _SHARES)
        above = 0.99 + 0.01 * (1.0 - np.exp(-np.clip(raw - q[-1], 0, None) / spread))
        below = 0.01 * np.exp(np.clip(raw - q[0], None, 0) / spread)
        return np.where(raw > q[-1], above, np.where(raw < q[0], below, inside))

    def _like(self, row: np.ndarray) -> list[tuple[str, str]]:
        order = np.argsort(-row)[:2]
        best = row[order[0]]
        if best <= 0:
            return []
        close = [i for k, i in enumerate(order) if k == 0 or row[i] >= LIKE_SHARE * best]
        return [(self.keys[i], self.titles[i]) for i in close]

    def _contributions(self, X: sp.csr_matrix, nearest: np.ndarray) -> sp.csr_matrix:
        """What each term of each paper adds to its combined score (before calibration), in every view."""
        w = VIEW_WEIGHTS / self.stats[:, 1]
        linear = w[0] * self.coef + w[1] * self.centroid
        out = X.multiply(linear.reshape(1, -1)).tocsr() + w[2] * X.multiply(self.positives[nearest]).tocsr()
        out.sort_indices()
        return out

    def _words(self, contributions: sp.csr_matrix, i: int, paper: PaperText) -> list[str]:
        """The paper's terms that add most to its score; only terms the paper really has, as it writes them
        (a hashed column may be shared), and a phrase rather than its words."""
        start, end = contributions.indptr[i], contributions.indptr[i + 1]
        values, columns = contributions.data[start:end], contributions.indices[start:end]
        text = spelled(paper)
        words: list[str] = []
        for j in np.argsort(-values)[: 4 * MAX_WORDS]:
            if values[j] <= 0 or len(words) == MAX_WORDS:
                break
            term = self.names.get(int(columns[j]))
            if not term or term.startswith("cat:") or f" {term} " not in text:
                continue  # shown only as the paper writes it: words side by side, whole words
            if any(term in chosen.split() for chosen in words):
                continue  # "neural" adds nothing beside "graph neural"
            words = [chosen for chosen in words if chosen not in term.split()]
            words.append(term)
        return words


def _svm(P: sp.csr_matrix, N: sp.csr_matrix, B: sp.csr_matrix) -> tuple[np.ndarray, float]:
    """Positives against negatives and background; without any of those, no SVM view (all zeros)."""
    if N.shape[0] + B.shape[0] == 0:
        return np.zeros(N_FEATURES, dtype=np.float32), 0.0
    X = sp.vstack([P, N, B]).tocsr()
    y = np.r_[np.ones(P.shape[0]), np.zeros(N.shape[0] + B.shape[0])]
    # an explicit dismissal says more than an unlabelled paper
    w = np.r_[np.ones(P.shape[0]), np.full(N.shape[0], 2.0), np.ones(B.shape[0])]
    clf = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=20000, tol=1e-6)
    with warnings.catch_warnings():  # a model short of full convergence still ranks; no console noise
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, sample_weight=w)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])
