"""Which ranking views could lift the learned radar? The alternatives to the shipped model, on the dev set.

    PYTHONPATH=sidecar .venv/bin/python bench/radar_variants.py              # the whole dev set (~6 min)
    PYTHONPATH=sidecar .venv/bin/python bench/radar_variants.py --limit 60   # a quick look

Every view reads the product's own representation of a paper (`radar.learn.features.counts`: words,
two-word phrases, categories) and its weighting (`model.weigh`), so the figures differ from the shipped
model only by the view. The store is played by every paper of the set but the researcher's library: in
the sidecar the background is the latest days of the store (`radar.interest.MAX_BACKGROUND`), here it is
either the day alone or the whole set. The views:
- SVM: a linear SVM, the library against the background (arxiv-sanity's scheme), at three strengths C;
- centroid / nearest / top-3: cosine to the library's centroid, to its nearest paper, to its three nearest;
- language model: the candidate's words scored by how much likelier the library makes them than the
  background (TPMS's scheme for matching reviewers to papers; Dirichlet smoothing, mu 2,000 and 20,000);
- fusion: a logistic regression over every view above (standardised per researcher), learned on four
  fifths of the researchers and scored on the fifth, five times: what the views can give together without
  fitting the researchers it is scored on.
Prints one table (Recall@10, Recall@50, MRR, nDCG@10, and Recall@10 per field); exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from academichub.radar.learn.features import PaperText, counts
from academichub.radar.learn.model import inverse_document_frequency, weigh
from radar_quality import EVAL_DIR, METRICS, load_module

Views = dict[str, np.ndarray]


def svm(positives: sp.csr_matrix, background: sp.csr_matrix, day: sp.csr_matrix, c: float) -> np.ndarray:
    X = sp.vstack([positives, background]).tocsr()
    y = np.r_[np.ones(positives.shape[0]), np.zeros(background.shape[0])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LinearSVC(C=c, class_weight="balanced", max_iter=20000, tol=1e-6).fit(X, y)
    return day @ clf.coef_.ravel()


def language_model(
    library: sp.csr_matrix, background: sp.csr_matrix, day: sp.csr_matrix, mu: float
) -> np.ndarray:
    """Mean log-likelihood ratio of the candidate's terms, the library's smoothed model against the rest."""
    lib = np.asarray(library.sum(axis=0)).ravel()
    common = np.asarray(background.sum(axis=0)).ravel() + lib + 1.0 / library.shape[1]
    p = common / common.sum()
    weights = np.log((lib + mu * p) / ((lib.sum() + mu) * p))
    return (day @ weights) / np.maximum(np.asarray(day.sum(axis=1)).ravel(), 1.0)


def views_of(counts_all: sp.csr_matrix, library: np.ndarray, day: np.ndarray) -> Views:
    store = np.setdiff1d(np.arange(counts_all.shape[0]), library)
    out: Views = {}
    for name, background in (("day", day), ("store", store)):
        idf = inverse_document_frequency(counts_all[np.r_[library, background]])
        P, B, X = (weigh(counts_all[rows], idf) for rows in (library, background, day))
        for c in (0.3, 1.0, 3.0):
            out[f"SVM C={c:g}, {name} background"] = svm(P, B, X, c)
        if name == "day":
            sims = -np.sort(-(X @ P.T).toarray(), axis=1)
            out["centroid cosine"] = X @ np.asarray(P.mean(axis=0)).ravel()
            out["nearest cosine"] = sims[:, 0]
            out["top-3 cosine"] = sims[:, :3].mean(axis=1)
            for mu in (2000.0, 20000.0):
                out[f"language model, mu {mu:g}"] = language_model(
                    counts_all[library], counts_all[background], counts_all[day], mu
                )
    return out


def standardised(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-9)


def fused(per_user: list[Views], labels: list[np.ndarray], folds: int = 5) -> list[np.ndarray]:
    """Each researcher scored by a fusion learned on the other folds' researchers."""
    names = sorted(per_user[0])
    matrix = [np.column_stack([standardised(v[n]) for n in names]) for v in per_user]
    order = list(range(len(per_user)))
    random.Random(0).shuffle(order)
    scores: list[np.ndarray] = [np.zeros(0)] * len(per_user)
    for k in range(folds):
        held = set(order[k::folds])
        train = [i for i in order if i not in held]
        clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        clf.fit(np.vstack([matrix[i] for i in train]), np.concatenate([labels[i] for i in train]))
        for i in held:
            scores[i] = matrix[i] @ clf.coef_.ravel()
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help="the radar-eval folder")
    parser.add_argument("--limit", type=int, help="only the first N researchers")
    args = parser.parse_args(argv)
    if not (args.eval_dir / "evaluate.py").exists():
        raise SystemExit(f"no evaluation set at {args.eval_dir} (give --eval-dir)")
    evaluation = load_module(args.eval_dir / "evaluate.py", "radar_eval_evaluate")
    with gzip.open(args.eval_dir / "dev.json.gz", "rt", encoding="utf-8") as handle:
        users: list[dict[str, Any]] = json.load(handle)["users"]
    users = users[: args.limit] if args.limit else users
    papers = list(evaluation.load_papers(str(args.eval_dir / "papers_dev.jsonl.gz")).values())
    row_of = {p["id"]: i for i, p in enumerate(papers)}
    texts = [
        PaperText(key=p["id"], title=p["title"], abstract=p["abstract"], categories=p["categories"])
        for p in papers
    ]
    counts_all = counts(texts)

    per_user: list[Views] = []
    labels: list[np.ndarray] = []
    for n, user in enumerate(users, 1):
        library = np.array([row_of[i] for i in user["library"]])
        day = np.array([row_of[i] for i in user["candidates"]])
        per_user.append(views_of(counts_all, library, day))
        labels.append(np.isin(user["candidates"], user["relevant"]).astype(int))
        print(f"\r{n}/{len(users)} researchers", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)

    def table_row(name: str, score: Callable[[int], np.ndarray]) -> None:
        rows = []
        for i, user in enumerate(users):
            ranked = [user["candidates"][j] for j in np.argsort(-score(i), kind="stable")]
            row = evaluation.metrics(
                evaluation.clean_ranking(ranked, user["candidates"], user["user_id"]), user["relevant"]
            )
            row.update(user_id=user["user_id"], field=user["field"])
            rows.append(row)
        summary = evaluation.summarize(rows)
        fields = " ".join(f"{g} {summary[g]['R@10']:.3f}" for g in sorted(summary) if g != "ALL")
        print(f"{name:40}" + "".join(f"{summary['ALL'][m]:9.3f}" for m in METRICS) + f"   {fields}")

    print(f"\nViews of the learned radar on {len(users)} researchers (dev split)")
    print(f"{'view':40}" + "".join(f"{m:>9}" for m in METRICS) + "   Recall@10 per field")
    for name in per_user[0]:
        table_row(name, lambda i, name=name: per_user[i][name])
    fusion = fused(per_user, labels)
    table_row("fusion of all views (5-fold, by researcher)", lambda i: fusion[i])
    return 0


if __name__ == "__main__":
    sys.exit(main())
