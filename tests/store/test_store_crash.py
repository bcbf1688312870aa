"""kill -9 a writer in the middle of its ingests, again and again: every finished commit survives, and the
store always opens. The writer (crash_writer.py) prints a line after each `add` returns; whatever it printed
before the kill must be in the store, complete, whatever instant the kill hit."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_writer import NEW_PER_BATCH, batch_papers, expected_version, paper_id

from academichub.store.paper_store import PaperStore

ROUNDS = 30
WRITER = Path(__file__).with_name("crash_writer.py")


def run_and_kill(store_dir: Path, round_no: int, delay: float) -> set[int]:
    """Start a writer, let it ingest for `delay` seconds after it opened the store, kill -9 it; the batches
    it reported committed."""
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(store_dir), str(round_no)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = writer.stdout.readline()
        assert ready == "ready\n", f"the writer did not start: {ready!r} {writer.stderr.read()}"
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        out, _ = writer.communicate(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL, "the writer ended on its own: give it more batches"
    return {int(line.split()[1]) for line in out.splitlines() if line.startswith("committed ")}


def assert_whole(store_dir: Path, committed: dict[int, set[int]]) -> None:
    """The store opens, holds every reported batch's papers at least at their reported version, lists each
    paper once and as its own record reads it, and keeps no file its manifest does not name."""
    with PaperStore(store_dir, cache_days=0) as store:  # every read from the files
        for round_no, batches in committed.items():
            for batch in batches:
                for n in range(NEW_PER_BATCH):
                    paper = store.get(paper_id(round_no, batch, n))
                    assert paper is not None, f"round {round_no} batch {batch} paper {n} was lost"
                    assert paper.arxiv_version >= expected_version(batch, n, batches)
                    assert paper.feeds == (["arxiv:cs.LG", "arxiv:stat.ML"] if n < 3 else ["arxiv:cs.LG"])
        listed = [paper for day in store.days() for paper in store.day(day)]
        assert len(listed) == len({paper.id for paper in listed}) == store.count()
        assert all(store.get(paper.id) == paper for paper in listed)  # a paper read alone, at its place
    manifest = json.loads((store_dir / "manifest.json").read_text())
    named = {name for name, _ in manifest["index"]}
    for day in manifest["days"].values():
        base = day["base"][0]
        named |= {base, base.removesuffix(".json") + ".lines.json"} | {run[0] for run in day["patches"]}
    on_disk = {f"{sub}/{p.name}" for sub in ("days", "patches", "index") for p in (store_dir / sub).iterdir()}
    assert on_disk == named


@pytest.mark.slow
def test_a_writer_killed_at_random_instants_loses_no_finished_commit(tmp_path):
    rng = random.Random(20260624)
    store_dir = tmp_path / "papers"
    committed: dict[int, set[int]] = {}
    for round_no in range(ROUNDS):
        # Early rounds kill within the first commits (the store's very first ones included); later ones
        # let the store grow, so kills land in folds, run merges, patch relocations and index merges too.
        delay = rng.uniform(0, 0.02) if round_no < 5 else rng.uniform(0, 0.25)
        committed[round_no] = run_and_kill(store_dir, round_no, delay)
        assert_whole(store_dir, committed)
    assert sum(map(len, committed.values())) > ROUNDS  # the kills did interrupt a working writer


def test_the_writer_batches_hold_cross_lists_and_revisions():
    papers = batch_papers(3, 1)
    ids = [p.id for p in papers]
    assert len(ids) - len(set(ids)) == 3  # three papers cross-listed within the batch
    assert sum(p.arxiv_version == 2 for p in papers) == 6  # revisions of batch 0's papers
