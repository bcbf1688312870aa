"""A writer for the crash test (test_store_crash.py): ingests batch after batch until it is killed.

    python tests/crash_writer.py STORE_DIR ROUND

Prints `ready` once the store is open, then `committed <batch>` as soon as each `add` has returned. Each
batch is what a refresh brings: new papers on one of a few days (late arrivals on an old day, once the days
come round again), cross-lists that appear twice in the batch, and newer versions of the previous batch's
papers. The store's limits are made small, so that a few dozen batches go through all the maintenance a
year of ingests does: runs merged, days folded (one per commit, others left waiting), the sparsest patch
file emptied into the new one, index files merged.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sidecar"))

import academichub.store.compaction as store_module
from academichub.models import Paper
from academichub.store.paper_store import PaperStore

NEW_PER_BATCH = 20
REVISED_PER_BATCH = 6
FIRST_DAY = dt.date(2026, 6, 22)
DAYS = 7


def paper_id(round_no: int, batch: int, n: int) -> str:
    return f"arxiv:{round_no:02d}{batch:04d}.{n:05d}"


def paper(round_no: int, batch: int, n: int, version: int = 1, feed: str = "cs.LG") -> Paper:
    arxiv_id = paper_id(round_no, batch, n).removeprefix("arxiv:")
    day = FIRST_DAY + dt.timedelta(days=batch % DAYS)
    return Paper(
        id=f"arxiv:{arxiv_id}",
        title=f"Round {round_no} batch {batch} paper {n} v{version}",
        authors=["Ada Lovelace", "Daniel Pérez Herrera"],
        abstract="We show that for $x<y$ the bound holds. " * 25,
        source_label=f"arXiv ({feed})",
        date=day,
        categories=["cs.LG", "stat.ML"],
        arxiv_id=arxiv_id,
        arxiv_version=version,
        announce_type="new" if version == 1 else "replace",
        feeds=[f"arxiv:{feed}"],
    )


def batch_papers(round_no: int, batch: int) -> list[Paper]:
    papers = [paper(round_no, batch, n) for n in range(NEW_PER_BATCH)]
    papers += [paper(round_no, batch, n, feed="stat.ML") for n in range(3)]  # cross-lists, seen twice
    if batch > 0:
        papers += [paper(round_no, batch - 1, n, version=2) for n in range(REVISED_PER_BATCH)]
    return papers


def expected_version(batch: int, n: int, committed: set[int]) -> int:
    """The least version a paper of `batch` must have once the batches in `committed` are stored."""
    return 2 if n < REVISED_PER_BATCH and batch + 1 in committed else 1


def use_small_limits() -> None:
    store_module.MAX_PATCH_FILES = 3
    store_module.FOLDS_PER_COMMIT = 1
    store_module.MAX_RUNS = 3
    store_module.FOLD_SHARE = 0.5


def main(store_dir: str, round_no: str) -> None:
    use_small_limits()
    with PaperStore(Path(store_dir)) as store:
        print("ready", flush=True)
        for batch in range(10_000):
            store.add(batch_papers(int(round_no), batch))
            print(f"committed {batch}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
