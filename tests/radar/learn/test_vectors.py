"""Each stored paper's representation is computed once, when the paper is stored, and read back from the
data dir afterwards; a paper whose text changed is computed again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from learn_papers import CLOSE, FAR, LIBRARY

from academichub.ingest.refresh import ingest_directory
from academichub.paths import Paths, seed_day_dir
from academichub.radar.learn.features import counts
from academichub.radar.learn.vectors import FILE, FOLDER, PaperVectors, paper_text
from academichub.store import PaperStore

PAPERS = [*LIBRARY, *CLOSE, *FAR]


def rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / FOLDER / FILE) as db:
        return db.execute("SELECT count(*) FROM vectors").fetchone()[0]


def test_a_representation_is_computed_once_and_read_back_equal(tmp_path: Path) -> None:
    vectors = PaperVectors(tmp_path)
    assert vectors.remember(PAPERS) == len(PAPERS)
    assert vectors.remember(PAPERS) == 0
    assert (vectors.counts(PAPERS) != counts(PAPERS)).nnz == 0


def test_papers_not_remembered_yet_are_computed_when_read(tmp_path: Path) -> None:
    vectors = PaperVectors(tmp_path)
    vectors.remember(PAPERS[:3])
    assert (vectors.counts(PAPERS) != counts(PAPERS)).nnz == 0
    assert rows(tmp_path) == len(PAPERS)


def test_a_paper_whose_text_changed_is_computed_again(tmp_path: Path) -> None:
    vectors = PaperVectors(tmp_path)
    vectors.remember(PAPERS)
    revised = CLOSE[0].model_copy(update={"abstract": CLOSE[0].abstract + " Code is released."})
    assert vectors.remember([revised]) == 1
    assert (vectors.counts([revised]) != counts([revised])).nnz == 0
    assert rows(tmp_path) == len(PAPERS)


def test_storing_a_day_keeps_each_papers_representation_beside_the_store(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    with PaperStore(paths.papers) as store:
        ingest_directory(seed_day_dir(), store)
        stored = [p for day in store.days() for p in store.day(day)]
    assert rows(paths.data) == len(stored) > 60
    assert PaperVectors(paths.data).remember(paper_text(p) for p in stored) == 0
