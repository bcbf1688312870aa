"""The paper store: every paper the radar has kept, one record (one card) each, durable on TinyDB files.

One TinyDB file does not scale: at 100,000 papers it is 157 MB, rewritten whole on every insert (1.7 s) and
scanned on every query (0.6 s). So the store is sharded by radar day, the unit the researcher reads: a paper's
`day` (its arXiv announcement day, or the day a journal item first arrived; its `date` when the caller left
`day` unset, and the store then sets it):

    manifest.json                     the commit point: the generation, each day's files, the index files
    days/2026-06-24.000042.json       the day's base shard: its papers as of commit 42 (a TinyDB document,
                                      table "papers", doc ids in the day's order, one record per line)
    days/2026-06-24.000042.lines.json where each record's line starts in that shard
    patches/000057.json               commit 57's records for days that already had a base: revisions and
                                      late arrivals (a TinyDB document, one table per day)
    index/000042.json                 paper id -> day and place in it, DOI -> paper id, alias -> paper id
    lock                              held while a PaperStore has the directory open

A day is its base shard followed by runs of records in patch files (the manifest lists each run: file,
offset, length); a later record of a paper replaces the earlier one in place, and a paper the base does not
hold is listed after it. Shards and patches are plain TinyDB documents (`storage.ShardStorage`): any TinyDB
can open one to inspect it. The store does not put a TinyDB `Table` in front of them, though: the in-memory
index says where each paper is.

This module is the facade; each job behind it has a module of its own:
    manifest.py    the manifest and its commit (copy-on-write, one atomic rename), and opening
    index.py       the id/DOI index and its log of files
    batch.py       one ingest folded against the store: merges, new places, the report
    records.py     reading a day, or single records where they lie
    compaction.py  what a commit writes: new bases, runs, folds, relocation, bounded per commit
    storage.py     the file format (atomic TinyDB documents, one record per line)

Opening reads the manifest and the index files only; days are read when asked for and kept in a small LRU
cache (`warm` fills it ahead of the reader). A day's first listing parses its 2 MB base, about 10 ms, most of
it pydantic building a thousand Papers; the reader's usual listing (the latest days, again and again) is a
cache hit.

Decisions:
- One PaperStore per directory, in one process: it holds an exclusive lock on `lock` (where the platform has
  flock), so a second opener (the CLI while the sidecar runs) gets a clear `StoreError` instead of two
  writers silently dropping each other's commits. Inside the process, calls are serialised by a lock, so
  `add` may run in a worker thread while the event loop lists days.
- Returned Papers are the store's cached objects: treat them as read-only (`model_copy(update=...)`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import IO

from cachetools import LRUCache

from ..files import hold_lock
from ..ids import doi_key
from ..models import IngestReport, Paper
from . import compaction
from .batch import Batch
from .index import Index, load_index, write_index
from .manifest import Manifest, StoreError, commit, generation_on_disk, open_manifest, remove
from .records import RecordReader

# Days kept ready in memory, at every layer: the store's parsed days, the card shelf's built cards, the
# radar's day views, and the days the service builds at start. The popup shows the latest day, and a reader
# pages back a few days at most.
WARM_DAYS = 8

__all__ = ["WARM_DAYS", "PaperStore", "StoreError"]


def _encode(paper: Paper) -> bytes:
    return paper.__pydantic_serializer__.to_json(paper)  # model_dump_json, without the str round trip


class PaperStore:
    """Papers by radar day, deduplicated across feeds, versions and DOIs; see the module docstring."""

    def __init__(self, data_dir: Path, cache_days: int = WARM_DAYS, *, read_only: bool = False) -> None:
        """`read_only`: for a data dir the user cannot write (a read-only mount): it is read as it is, under
        a shared lock, and a write raises StoreError."""
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self._mutex = threading.RLock()
        self._cache_days = cache_days
        self._cache: LRUCache[str, dict[str, Paper]] = LRUCache(max(cache_days, 1))  # ISO day -> papers
        self._reader = RecordReader(self.data_dir)
        self._sweeper: threading.Thread | None = None  # deleting the files the last commit superseded
        if not read_only:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = hold_lock(
            self.data_dir / "lock",
            shared=read_only,
            busy=f"the paper store {self.data_dir} is already open (another AcademicHub process, or another "
            "PaperStore in this one): close that one first",
            error=StoreError,
        )
        try:
            self._manifest = open_manifest(self.data_dir, read_only=read_only)
            self._next_generation = self._manifest.generation + 1
            self._index = load_index(self.data_dir, self._manifest.index)
        except BaseException:
            self.close()
            raise

    # -- the researcher's questions --------------------------------------------------------------------------

    def add(self, papers: Iterable[Paper]) -> IngestReport:
        """Store a batch (a feed, or several) in one atomic commit, merging every paper already known."""
        with self._mutex:
            self._check_open()
            if self.read_only:
                raise StoreError(f"the data directory {self.data_dir.parent} is read-only: nothing stored")
            superseded: set[str] = set()
            try:
                with self._reader.session():
                    batch = list(papers)
                    stored = self._fetch(
                        {known for paper in batch if (known := self._index.match(paper)) is not None}
                    )
                    folded = Batch(self._index, stored)
                    for paper in batch:
                        folded.take(paper)
                    if folded.changed:
                        superseded = self._commit(folded)
                    return folded.report(len(batch))
            finally:
                if superseded:
                    self._sweep([self.data_dir / name for name in superseded])

    def get(self, paper_id: str) -> Paper | None:
        with self._mutex:
            self._check_open()
            known = self._index.resolve(paper_id)
            return None if known is None else self._fetch({known})[known]

    def find_by_doi(self, doi: str) -> Paper | None:
        with self._mutex:
            self._check_open()
            known = self._index.dois.get(doi_key(doi))
            return None if known is None else self._fetch({known})[known]

    def day(self, day: dt.date) -> list[Paper]:
        """The day's papers in the order they were first stored."""
        with self._mutex:
            self._check_open()
            iso = day.isoformat()
            return list(self._day_papers(iso).values()) if iso in self._manifest.days else []

    def warm(self, days: Iterable[dt.date] | None = None) -> None:
        """Read days into the cache ahead of the reader: the latest ones by default, at most as many as the
        cache holds (the last ones given). About 10 ms a day; meant for a worker thread right after opening,
        so that the reader's first listing of a recent day is already a cache hit. Stops quietly once the
        store is closed."""
        with self._mutex:
            wanted = [day.isoformat() for day in days] if days is not None else sorted(self._manifest.days)
        for iso in wanted[-self._cache_days :]:  # the latest last: most recently used
            with self._mutex:  # day by day, so that a reader waits for one day at most
                if self._lock is None:
                    return
                if iso in self._manifest.days:
                    self._day_papers(iso)

    def days(self) -> list[dt.date]:
        with self._mutex:
            return [dt.date.fromisoformat(day) for day in sorted(self._manifest.days)]

    def latest_day(self) -> dt.date | None:
        with self._mutex:
            return dt.date.fromisoformat(max(self._manifest.days)) if self._manifest.days else None

    def count(self) -> int:
        with self._mutex:
            return len(self._index.ids)

    def __contains__(self, paper_id: str) -> bool:
        """Whether the store knows this id, or the id of a record merged into a stored paper."""
        with self._mutex:
            return self._index.resolve(paper_id) is not None

    def close(self) -> None:
        with self._mutex:
            if self._sweeper is not None:
                self._sweeper.join()
            self._cache.clear()
            self._reader.line_tables.clear()
            if self._lock is not None:
                self._lock.close()  # releases the flock
                self._lock = None

    def __enter__(self) -> PaperStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._lock is None:
            raise StoreError(f"the paper store {self.data_dir} is closed")

    def _day_papers(self, day: str) -> dict[str, Paper]:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._reader.day_papers(self._manifest.days[day])
            self._remember(day, cached)
        return cached

    def _remember(self, day: str, papers: dict[str, Paper]) -> None:
        if self._cache_days > 0:
            self._cache[day] = papers

    def _fetch(self, paper_ids: set[str]) -> dict[str, Paper]:
        """Stored papers by id: from the cache, else each record read on its own."""
        wanted: dict[str, dict[str, int]] = {}
        for paper_id in paper_ids:
            day, place = self._index.place(paper_id)
            wanted.setdefault(day, {})[paper_id] = place
        found: dict[str, Paper] = {}
        for day, places in wanted.items():
            if day in self._cache or day not in self._manifest.days:
                papers = self._day_papers(day) if day in self._manifest.days else {}
            else:
                records = self._reader.stored_records(self._manifest.days[day], places)
                papers = {pid: self._reader.parse_record(day, record) for pid, record in records.items()}
                if len(papers) < len(
                    places
                ):  # the base is not where the index says: let the whole read decide
                    papers = self._day_papers(day)
            found.update((paper_id, papers[paper_id]) for paper_id in places if paper_id in papers)
        if lost := paper_ids - found.keys():
            raise StoreError(
                f"the index of {self.data_dir} names papers no shard holds ({sorted(lost)[:3]}...)"
            )
        return found

    # -- committing ------------------------------------------------------------------------------------------

    def _commit(self, batch: Batch) -> set[str]:
        """Write the batch's changes and commit them; the files the commit superseded."""
        generation = self._next_generation
        self._next_generation += 1  # never reused, even if this commit fails half-way
        changes = batch.by_day()
        manifest = Manifest(generation, dict(self._manifest.days), list(self._manifest.index))
        listed = {day: entry.papers for day, entry in self._manifest.days.items()}
        new_keys = batch.place_new_papers(listed, changes)
        written: list[Path] = []
        work = compaction.Compaction(self._reader, generation, written)
        try:
            encoded = {day: {paper.id: _encode(paper) for paper in papers} for day, papers in changes.items()}
            for day in encoded.keys() - self._manifest.days.keys():
                manifest.days[day] = work.write_base(day, list(encoded.pop(day).values()))
            for day in work.overdue(manifest.days, encoded, len(self._index.ids)):
                manifest.days[day] = work.fold(day, manifest.days[day], encoded.pop(day, {}))
            planned = {day: work.plan_runs(manifest.days[day], records) for day, records in encoded.items()}
            planned.update(work.relocate_sparsest(manifest.days, planned))
            for day, runs in work.write_patch(planned).items():
                manifest.days[day] = replace(manifest.days[day], runs=runs)
            for day, count in new_keys.counts.items():
                manifest.days[day] = replace(manifest.days[day], papers=count)
            manifest.index = write_index(
                self.data_dir, self._manifest.index, new_keys.index, generation, written
            )
            commit(self.data_dir, manifest, written)
        except BaseException:
            on_disk = generation_on_disk(self.data_dir)
            if on_disk == generation:  # interrupted after the rename: the commit stands
                self._adopt(manifest, new_keys.index, changes)
            elif on_disk is not None:  # nothing was committed (unreadable: leave it to the next open)
                remove(written)
            raise
        return self._adopt(manifest, new_keys.index, changes)

    def _adopt(self, manifest: Manifest, new_keys: Index, changes: dict[str, list[Paper]]) -> set[str]:
        """Make a committed manifest the store's state; returns the files it no longer names."""
        superseded = self._manifest.files() - manifest.files()
        new_days = changes.keys() - self._manifest.days.keys()
        self._manifest = manifest
        self._index.absorb(new_keys)
        for iso, papers in changes.items():
            if iso in new_days:
                self._remember(iso, {paper.id: paper for paper in papers})
            elif (cached := self._cache.get(iso)) is not None:
                cached.update((paper.id, paper) for paper in papers)
        for name in superseded:
            self._reader.line_tables.pop(name, None)
        return superseded

    def _sweep(self, paths: list[Path]) -> None:
        """Delete superseded files in the background: unlinking a 2 MB shard takes milliseconds on a busy
        disk, and nothing needs to wait for it (no name is reused; what a crash leaves, opening deletes)."""
        if self._sweeper is not None:
            self._sweeper.join()
        self._sweeper = threading.Thread(
            target=remove, args=(paths,), name="paper-store-sweeper", daemon=True
        )
        self._sweeper.start()
