"""The learned radar against real reading: does it put a researcher's next papers first?

    PYTHONPATH=sidecar .venv/bin/python bench/radar_quality.py              # the whole dev set
    PYTHONPATH=sidecar .venv/bin/python bench/radar_quality.py --limit 40   # a quick look
    PYTHONPATH=sidecar .venv/bin/python bench/radar_quality.py --no-baselines --timing-only

The evaluation set (`../shared/radar-eval/`, or --eval-dir) holds 240 simulated researchers: a library of
their earlier papers, a day of ~1,000 candidates, and their own later papers hidden among them (authors
removed). For each researcher this runs the product's ranking path, as the sidecar does it:
1. the day's papers are stored: each paper's representation is computed once and kept (`PaperVectors`,
   in a temporary data dir), as the ingest path does;
2. the library is the positives, the day the background: `InterestModel.train`, representations read
   from the cache;
3. the day is scored (`InterestModel.score`) and ranked by `combined_score` (no radar rules: the learned
   interest alone decides), best first.
The metrics are the evaluation set's own (`evaluate.py`: Recall@10, Recall@50, MRR, nDCG@10, per field
and in total). Beside them, in the same process on the same researchers, its two strongest baselines
(`baselines.py`): TF-IDF mean cosine to the library (zotero-arxiv-daily's scheme) and TF-IDF + linear SVM
(arxiv-sanity's scheme, C=1), with the figures the set's README gives for the whole dev set.

Then the timings the radar promises, on two threads: retraining on a 2,000-paper library (with a day of
background) and scoring a 1,000-paper day whose representations are stored; best of --repeat runs.
Prints tables and exits 0; the figures are the result, not a pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from academichub.radar.learn import InterestModel, PaperText, combined_score
from academichub.radar.learn.vectors import PaperVectors

REPO = Path(__file__).resolve().parents[1]
# shared/ lies beside the repository (or beside the folder of worktrees).
EVAL_DIR = next(
    (
        d
        for d in (REPO.parent / "shared" / "radar-eval", REPO.parent.parent / "shared" / "radar-eval")
        if d.is_dir()
    ),
    REPO.parent / "shared" / "radar-eval",
)
METRICS = ("R@10", "R@50", "MRR", "nDCG@10")
# The set's README, whole dev set (240 researchers).
README_DEV = {
    "TF-IDF mean cosine": (0.474, 0.652, 0.416, 0.378),
    "TF-IDF + SVM (C=1)": (0.513, 0.675, 0.485, 0.434),
    "BM25 on library terms": (0.400, 0.613, 0.370, 0.329),
    "category prior": (0.067, 0.160, 0.062, 0.049),
}

Paper = dict[str, Any]
Ranker = Callable[[list[Paper], list[Paper]], list[str]]


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def paper_text(paper: Paper) -> PaperText:
    return PaperText(
        key=paper["id"],
        title=paper["title"],
        abstract=paper["abstract"],
        categories=paper["categories"],
        date=dt.date.fromisoformat(paper["date"] + "-01"),
    )


class ProductRanker:
    """The sidecar's path: store the day (representations kept), train on the library, rank the day."""

    def __init__(self, data_dir: Path) -> None:
        self.vectors = PaperVectors(data_dir)
        self.train_s = self.score_s = 0.0

    def __call__(self, library: list[Paper], candidates: list[Paper]) -> list[str]:
        day = [paper_text(p) for p in candidates]
        self.vectors.remember(day)  # the ingest path, when the day is stored
        positives = [paper_text(p) for p in library]
        started = time.perf_counter()
        model = InterestModel.train(positives, background=day, vectors=self.vectors.counts)
        trained = time.perf_counter()
        scores = model.score(day, vectors=self.vectors.counts)
        self.train_s += trained - started
        self.score_s += time.perf_counter() - trained
        ranked = sorted(scores, key=lambda s: (-combined_score(None, s.score), s.key))
        return [s.key for s in ranked]


def evaluate(
    evaluation: ModuleType, users: list[dict[str, Any]], papers: dict[str, Paper], rank: Ranker
) -> tuple[dict[str, dict[str, float]], float]:
    rows = []
    started = time.perf_counter()
    for user in users:
        ranking = rank([papers[i] for i in user["library"]], [papers[i] for i in user["candidates"]])
        ranking = evaluation.clean_ranking(ranking, user["candidates"], user["user_id"])
        row = evaluation.metrics(ranking, user["relevant"])
        row.update(user_id=user["user_id"], field=user["field"])
        rows.append(row)
    return evaluation.summarize(rows), time.perf_counter() - started


def print_quality(results: dict[str, dict[str, dict[str, float]]], users: int, total: int) -> None:
    groups = ["ALL", *sorted(g for g in next(iter(results.values())) if g != "ALL")]
    print(f"\nRanking quality on {users} of {total} researchers (dev split)")
    print(f"{'ranker':34}{'group':>8}{'users':>7}" + "".join(f"{m:>9}" for m in METRICS))
    for name, summary in results.items():
        for group in groups:
            s = summary[group]
            cells = "".join(f"{s[m]:9.3f}" for m in METRICS)
            print(f"{name if group == 'ALL' else '':34}{group:>8}{s['users']:7d}{cells}")
    if users == total:
        print("\nThe set's README, whole dev set:")
        for name, figures in README_DEV.items():
            print(f"{name:34}{'ALL':>8}{total:7d}" + "".join(f"{v:9.3f}" for v in figures))
    product = results["AcademicHub learned radar"]["ALL"]["R@10"]
    for name, summary in results.items():
        if name != "AcademicHub learned radar":
            print(f"Recall@10: {product / summary['ALL']['R@10']:.3f}x {name} (same researchers)")


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def print_timing(
    papers: Sequence[Paper], data_dir: Path, repeat: int, library_size: int, day_size: int
) -> None:
    pool = [paper_text(p) for p in papers]
    if len(pool) < library_size + day_size:
        raise SystemExit(f"the set has {len(pool)} papers, fewer than {library_size + day_size}")
    library, day = pool[:library_size], pool[library_size : library_size + day_size]
    vectors = PaperVectors(data_dir)
    remember = best_of(1, lambda: vectors.remember(pool[: library_size + day_size]))
    train = best_of(repeat, lambda: InterestModel.train(library, background=day, vectors=vectors.counts))
    model = InterestModel.train(library, background=day, vectors=vectors.counts)
    score = best_of(repeat, lambda: model.score(day, vectors=vectors.counts))
    path = data_dir / "model.npz"
    save = best_of(repeat, lambda: model.save(path))
    load = best_of(repeat, lambda: InterestModel.load(path))
    size = path.stat().st_size / 1e6
    print(f"\nTimings, one process on {os.cpu_count()} cores, best of {repeat}:")
    rows = [
        (
            f"representations of {library_size + day_size} papers, computed and stored",
            f"{remember:.2f} s",
            "",
        ),
        (f"retrain: {library_size}-paper library, {day_size}-paper background", f"{train:.2f} s", "goal 5 s"),
        (f"score a {day_size}-paper day, representations stored", f"{score:.2f} s", "goal 1 s"),
        (f"save / load the model ({size:.1f} MB)", f"{save:.2f} / {load:.2f} s", ""),
    ]
    for label, figure, goal in rows:
        print(f"  {label:64}{figure:>14}  {goal}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help="the radar-eval folder")
    parser.add_argument("--limit", type=int, help="only the first N researchers")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines run in this process")
    parser.add_argument("--timing-only", action="store_true", help="only the timings")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--library", type=int, default=2000, help="library size for the retrain timing")
    parser.add_argument("--day", type=int, default=1000, help="day size for the scoring timing")
    args = parser.parse_args(argv)

    if not (args.eval_dir / "evaluate.py").exists():
        raise SystemExit(f"no evaluation set at {args.eval_dir} (give --eval-dir)")
    evaluation = load_module(args.eval_dir / "evaluate.py", "radar_eval_evaluate")
    with gzip.open(args.eval_dir / "dev.json.gz", "rt", encoding="utf-8") as handle:
        split = json.load(handle)
    papers: dict[str, Paper] = evaluation.load_papers(str(args.eval_dir / "papers_dev.jsonl.gz"))
    users = split["users"][: args.limit] if args.limit else split["users"]

    with tempfile.TemporaryDirectory(prefix="academichub-radar-quality-") as tmp:
        if not args.timing_only:
            product = ProductRanker(Path(tmp) / "eval")
            results = {}
            summary, elapsed = evaluate(evaluation, users, papers, product)
            results["AcademicHub learned radar"] = summary
            print(
                f"learned radar: {elapsed:.1f} s for {len(users)} researchers; per researcher "
                f"train {1000 * product.train_s / len(users):.0f} ms, score the day "
                f"{1000 * product.score_s / len(users):.0f} ms"
            )
            if not args.no_baselines:
                baselines = load_module(args.eval_dir / "baselines.py", "radar_eval_baselines")
                results["TF-IDF mean cosine"] = evaluate(evaluation, users, papers, baselines.tfidf_mean)[0]
                svm = lambda lib, cands: baselines.tfidf_svm(lib, cands, C=1.0)  # noqa: E731
                results["TF-IDF + SVM (C=1)"] = evaluate(evaluation, users, papers, svm)[0]
            print_quality(results, len(users), len(split["users"]))
        print_timing(list(papers.values()), Path(tmp) / "timing", args.repeat, args.library, args.day)
    return 0


if __name__ == "__main__":
    sys.exit(main())
