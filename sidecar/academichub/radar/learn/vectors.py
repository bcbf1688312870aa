"""Each stored paper's representation (its hashed term counts), computed once and kept beside the store.

A SQLite file (`radar-learn/vectors.sqlite3` in the data dir) keyed by paper key: one transaction per batch,
so a kill -9 keeps a batch whole or not at all, and a reader (the service) and a writer (a refresh in the
CLI) can share it. Each row carries a digest of the text it was computed from: a paper whose title or
abstract changed since (a new version) is computed again rather than read stale. It is a cache: deleting
the file loses nothing but the time to compute it again.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from ...files import PRIVATE_DIR
from .features import N_FEATURES, VERSION, PaperText, counts

log = logging.getLogger(__name__)

FOLDER = "radar-learn"
FILE = "vectors.sqlite3"
_CHUNK = 500  # keys per SELECT: well under SQLite's bound-parameter limit


class StoredPaper(Protocol):
    """What the cache reads of a stored Paper."""

    id: str
    title: str
    abstract: str
    categories: list[str]


def paper_text(paper: StoredPaper) -> PaperText:
    return PaperText(key=paper.id, title=paper.title, abstract=paper.abstract, categories=paper.categories)


def digest(paper: PaperText) -> bytes:
    text = "\x00".join([paper.title, paper.abstract, *paper.categories])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest()


def _encode(row: sp.csr_matrix) -> bytes:
    columns = row.indices.astype("<u4").tobytes()
    return len(row.indices).to_bytes(4, "little") + columns + row.data.astype("<u2").tobytes()


def _decode(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = int.from_bytes(blob[:4], "little")
    columns = np.frombuffer(blob, dtype="<u4", count=n, offset=4)
    values = np.frombuffer(blob, dtype="<u2", count=n, offset=4 + 4 * n)
    return columns, values


class PaperVectors:
    """The cache of one data dir: `counts` reads what is there and computes (and keeps) the rest."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FOLDER / FILE

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors"
            " (key TEXT PRIMARY KEY, digest BLOB NOT NULL, counts BLOB NOT NULL)"
        )
        found = db.execute("SELECT value FROM meta WHERE name = 'features'").fetchone()
        if found is None or found[0] != VERSION:  # computed by another version: of no use
            with db:
                db.execute("DELETE FROM vectors")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('features', ?)", (VERSION,))
        return db

    def remember(self, papers: Iterable[PaperText]) -> int:
        """Compute and keep the representation of every paper not cached yet (or changed); how many."""
        with closing(self._connect()) as db:
            batch = list({p.key: p for p in papers}.values())
            return self._compute(db, batch, self._read(db, batch))

    def counts(self, papers: Sequence[PaperText]) -> sp.csr_matrix:
        """The papers' term counts, one row each, in order (see `features.counts`)."""
        with closing(self._connect()) as db:
            found = self._read(db, papers)
            missing = [p for p in papers if p.key not in found]
            if missing:
                self._compute(db, missing, found)
        rows = [found[p.key] for p in papers]
        lengths = np.array([len(c) for c, _ in rows], dtype=np.int64)
        indptr = np.r_[0, np.cumsum(lengths)]
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.uint32)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.uint16)
        return sp.csr_matrix(
            (values.astype(np.float32), columns.astype(np.int32), indptr), shape=(len(papers), N_FEATURES)
        )

    def _read(
        self, db: sqlite3.Connection, papers: Sequence[PaperText]
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        wanted = {p.key: digest(p) for p in papers}
        keys = list(wanted)
        found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, digest, counts FROM vectors WHERE key IN ({marks})"
            for key, stored_digest, blob in db.execute(query, chunk):
                if stored_digest == wanted[key]:
                    found[key] = _decode(blob)
        return found

    def _compute(
        self,
        db: sqlite3.Connection,
        papers: Sequence[PaperText],
        found: dict[str, tuple[np.ndarray, np.ndarray]],
    ) -> int:
        todo = list({p.key: p for p in papers if p.key not in found}.values())
        if not todo:
            return 0
        matrix = counts(todo)
        matrix.data = np.minimum(matrix.data, np.iinfo(np.uint16).max)
        rows = []
        for i, paper in enumerate(todo):
            row = matrix[i]
            rows.append((paper.key, digest(paper), _encode(row)))
            found[paper.key] = _decode(rows[-1][2])
        with db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        return len(todo)


def remember_stored(store_dir: Path, papers: Iterable[StoredPaper]) -> int:
    """The ingest path's hook, called off the event loop after a batch is stored: computes each new paper's
    representation once, into the data dir that holds the store (`store_dir` is the store's folder).

    Never raises: the papers are stored already, and a representation missing here is computed when the
    paper is first scored."""
    try:
        return PaperVectors(Path(store_dir).parent).remember(paper_text(p) for p in papers)
    except Exception as exc:  # a full disk, a damaged cache, a missing library: the papers are safe anyway
        log.warning("could not keep the papers' representations: %s", exc)  # one line, never a traceback
        return 0
