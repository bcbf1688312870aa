"""The learned radar's upkeep, as the product does it: a 2,000-paper library imported, the model trained
from the library beside 2,000 background papers and saved, and a 1,000-paper day ranked with it.

    PYTHONPATH=sidecar .venv/bin/python bench/radar_training.py
    PYTHONPATH=sidecar .venv/bin/python bench/radar_training.py --library 2000 --day 1000 --repeat 3

The goals (issue 13): retrained off the event loop after a change in at most 5 s for a 2,000-paper
library; scoring a 1,000-paper day in at most 1 s. The papers are the real arXiv metadata of
`../shared/radar-eval/papers_dev.jsonl.gz` (no evaluation is made here: see bench/radar_quality.py).
Printed, for the same papers in the same run: best and median wall time of --repeat runs of
- the library import (BibTeX text written from the papers, parsed and merged into library.json),
- the training (training set from the signals, model trained and saved atomically),
- ranking the day (learned scores, relevance, cards) against the baseline of the same day's cards with the
  rules alone.
Prints a table and exits 0; the figures are the result, not a pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from academichub.models import Paper
from academichub.radar import interest
from academichub.radar.library import UserLibrary, read_library_file
from academichub.radar.matching import matcher_for
from academichub.radar.ranking import ranked_cards
from academichub.radar.view import radar_cards

# ../shared/radar-eval beside the checkout (or beside the folder of worktrees that holds it)
EVAL = next(
    (
        found
        for up in Path(__file__).resolve().parents[1:4]
        if (found := up.parent / "shared" / "radar-eval" / "papers_dev.jsonl.gz").exists()
    ),
    Path("../shared/radar-eval/papers_dev.jsonl.gz"),
)


def load_papers(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def as_paper(record: dict) -> Paper:
    return Paper(
        id=f"arxiv:{record['id']}",
        title=record["title"],
        abstract=record["abstract"],
        categories=record["categories"],
        source_label="arXiv",
        date=dt.date(2026, 6, 24),
        arxiv_id=record["id"],
    )


def bibtex(records: list[dict]) -> str:
    return "\n".join(
        f"@article{{p{n}, title={{{r['title']}}}, abstract={{{r['abstract']}}}, eprint={{{r['id']}}}, "
        "archivePrefix={arXiv}}"
        for n, r in enumerate(records)
    )


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Best and median wall time, and best CPU time (what other load on the machine does not change)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), statistics.median(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=int, default=2000)
    parser.add_argument("--background", type=int, default=2000)
    parser.add_argument("--day", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--papers", type=Path, default=EVAL, help="radar-eval's papers_dev.jsonl.gz")
    args = parser.parse_args()

    records = load_papers(args.papers)
    library = records[: args.library]
    background = [as_paper(r) for r in records[args.library : args.library + args.background]]
    day = background[: args.day]
    text = bibtex(library)

    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)

        def import_library() -> None:
            UserLibrary(data).clear()
            read = read_library_file("library.bib", text)
            UserLibrary(data).add(read.entries, skipped=read.skipped)

        importing = timed(import_library, args.repeat)
        signals = interest.read_signals(data)
        lookup = {p.id: p for p in background}

        def train() -> None:
            examples = interest.training_set(signals, lambda key, doi: lookup.get(key), background)
            interest.train(data, signals, examples)

        training = timed(train, args.repeat)
        model, _ = interest.load(data)
        matcher = matcher_for([])
        ranking = timed(lambda: ranked_cards(day, matcher, set(), model), args.repeat)
        rules_only = timed(lambda: radar_cards(day, matcher, set()), args.repeat)

    sizes = f"library {len(library)} papers, background {len(background)}, day {len(day)}"
    print(f"{sizes}; best / median of {args.repeat} runs")
    print(f"{'step':44} {'best s':>8} {'median s':>9} {'CPU s':>7}")
    for name, (best, median, cpu) in (
        ("import the library (BibTeX, merged)", importing),
        ("train and save the model", training),
        ("rank the day (learned + rules)", ranking),
        ("baseline: the day's cards, rules only", rules_only),
    ):
        print(f"{name:44} {best:8.3f} {median:9.3f} {cpu:7.3f}")
    print(f"ranking costs {ranking[0] / max(rules_only[0], 1e-9):.1f}x the rules-only cards")


if __name__ == "__main__":
    main()
