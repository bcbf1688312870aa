"""The paper store: every paper the radar has kept, one record (one card) each, durable on TinyDB files.

One TinyDB file does not scale: at 100,000 papers it is 157 MB, rewritten whole on every insert (1.7 s) and
scanned on every query (0.6 s). So the store is sharded by radar day, the unit the researcher reads: a paper's
`day` (its arXiv announcement day, or the day a journal item first arrived; its `date` when the caller left
`day` unset, and the store then sets it):

    manifest.json                 the commit point: the generation, each day's shard files, the index files
    days/2026-06-24.000042.json   that day's papers (a TinyDB document: table "papers", doc ids in insertion
                                  order), written by commit 42
    index/000042.json             paper id -> day, DOI -> paper id, alias -> paper id: entries added by 42
    lock                          held while a PaperStore has the directory open

Shards are plain TinyDB documents written through `ShardStorage`, a TinyDB Storage (any TinyDB can open one
to inspect it). The store does not put a TinyDB `Table` in front of them, though: it never queries inside a
shard (the in-memory index says which day holds a paper), and it parses a shard straight into `Paper`s with
pydantic's JSON validator, twice as fast as json.load followed by validation, which decides how quickly an
uncached day's cards appear. The manifest and index files are plain JSON written by `AtomicJSONStorage`.

A commit is copy-on-write: the new shard and index files get names that no live file has (the generation
counts up), each is fsynced, then `manifest.json` is replaced atomically. That rename is the commit: a crash
before it leaves the previous manifest, which names only complete files; a crash after it leaves the new one.
Files the new manifest no longer names are deleted after it; whatever an interrupted commit or clean-up left
behind (a stray shard of a generation that never committed, a half-written `.tmp`) is deleted on open, since
the manifest does not name it. `add` is one commit for its whole batch: all of it, or none of it.

Only the touched days are written, and only what changed in them: a small change to an old day (a revised
paper, typically) is written as a small delta shard after the day's base shard, and the day is rewritten
whole once its deltas hold more than a quarter of its papers. One arXiv feed revises papers announced on a
hundred different days; rewriting those hundred days whole would cost seconds per ingest. For the same
reason a merge that needs one stored paper reads only that paper's line of a shard (see `ShardStorage`).

Opening reads the manifest and the index files only, never the shards; days are read when asked for and kept
in a small LRU cache. The index files are a log (one per commit), folded into one every 16 commits.

Decisions:
- A revised paper stays in the day it was first listed (see `merge`): its day and date never move, so its
  card keeps its number.
- A missing manifest with shards still present is damage, not an empty store: `manifest.json` is written
  when a store is created, before any shard, so it can only go missing by hand or by disk failure. Opening
  then refuses with `StoreError` and deletes nothing.
- One PaperStore per directory, in one process: it holds an exclusive lock on `lock` (where the platform has
  flock), so a second opener (the CLI while the sidecar runs) gets a clear `StoreError` instead of two
  writers silently dropping each other's commits. Inside the process, calls are serialised by a lock, so
  `add` may run in a worker thread while the event loop lists days.
- Returned Papers are the store's cached objects: treat them as read-only (`model_copy(update=...)`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError

from .merge import merge_paper
from .models import IngestReport, Paper
from .storage import (
    TEMP_SUFFIX,
    AtomicJSONStorage,
    CorruptFileError,
    EncodedDocument,
    ShardStorage,
    fsync_dir,
    fsync_files,
)

try:
    import fcntl
except ImportError:  # Windows: no flock; one store per directory is then a convention only
    fcntl = None

FORMAT = 1
MANIFEST = "manifest.json"
PAPERS = "papers"  # the TinyDB table of a day shard
FOLD_SHARE = 0.25  # delta records beyond this share of a day's base shard: rewrite the day whole
MAX_DELTAS = 8  # delta shards a day may have before they are merged into one
MAX_INDEX_FILES = 16  # index files the manifest may list before they are folded into one
WHOLE_DAY_AT = 40  # papers wanted from one uncached day before reading it whole beats finding their lines
CACHE_DAYS = 8

_SHARD = TypeAdapter(dict[str, dict[str, Paper]])


class StoreError(RuntimeError):
    """The store cannot be opened or read as it is. The message says what to do; nothing was deleted."""


def doi_key(doi: str) -> str:
    """DOIs are case-insensitive (ISO 26324), and feeds write them bare, as `doi:...` or as a doi.org link."""
    key = doi.strip().lower()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _day_of(paper: Paper) -> str:
    """The radar day a paper is listed under (Paper.day), as the ISO string that names its shard."""
    return (paper.day or paper.date).isoformat()


def _may_share_doi(stored_id: str, incoming_id: str) -> bool:
    # Two different arXiv papers can carry one journal DOI (a paper published with its companion): keep both.
    return not (
        stored_id.startswith("arxiv:") and incoming_id.startswith("arxiv:") and stored_id != incoming_id
    )


@dataclass(frozen=True)
class _Part:
    file: str  # relative to the store directory
    papers: int


@dataclass
class _Manifest:
    generation: int = 0
    days: dict[str, list[_Part]] = field(default_factory=dict)  # ISO day -> base shard, then delta shards
    index: list[str] = field(default_factory=list)

    def files(self) -> set[str]:
        return {part.file for parts in self.days.values() for part in parts} | set(self.index)

    def to_json(self) -> dict[str, Any]:
        days = {day: [[part.file, part.papers] for part in parts] for day, parts in sorted(self.days.items())}
        return {"format": FORMAT, "generation": self.generation, "days": days, "index": self.index}

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> _Manifest:
        if data.get("format") != FORMAT:
            raise StoreError(
                f"{path} has format {data.get('format')!r}; this AcademicHub reads format {FORMAT}"
            )
        try:
            days = {day: [_Part(file, int(n)) for file, n in parts] for day, parts in data["days"].items()}
            return cls(int(data["generation"]), days, [str(name) for name in data["index"]])
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(
                f"{path} is not a paper store manifest ({err!r}); it was left untouched"
            ) from err


@dataclass
class _Index:
    ids: dict[str, str] = field(default_factory=dict)  # paper id -> ISO day
    dois: dict[str, str] = field(default_factory=dict)  # doi_key -> paper id
    aliases: dict[str, str] = field(default_factory=dict)  # id of a record merged by DOI -> paper id

    def __bool__(self) -> bool:
        return bool(self.ids or self.dois or self.aliases)

    def match(self, paper: Paper) -> str | None:
        """The id under which this index knows `paper`, if it does."""
        if paper.id in self.ids:
            return paper.id
        if (known := self.aliases.get(paper.id)) is not None:
            return known
        if paper.doi and (known := self.dois.get(doi_key(paper.doi))) and _may_share_doi(known, paper.id):
            return known
        return None

    def resolve(self, paper_id: str) -> str | None:
        return paper_id if paper_id in self.ids else self.aliases.get(paper_id)

    def absorb(self, other: _Index | dict[str, Any]) -> None:
        data = other.to_json() if isinstance(other, _Index) else other
        self.ids.update(data.get("ids", {}))
        self.dois.update(data.get("dois", {}))
        self.aliases.update(data.get("aliases", {}))

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"ids": self.ids, "dois": self.dois, "aliases": self.aliases}


class _Batch:
    """One ingest's papers folded together and against the store: what to write, and what to report."""

    def __init__(self, index: _Index, stored: dict[str, Paper]) -> None:
        self.index = index
        self.stored = stored  # the stored papers this batch mentions
        self.changed: dict[str, Paper] = {}  # paper id -> record to write, in arrival order
        self.added: set[str] = set()
        self.seen: set[str] = set()
        self.new_keys = _Index()

    def take(self, paper: Paper) -> None:
        known = self.index.match(paper) or self.new_keys.match(paper)
        if known is None:
            if paper.day is None:
                paper = paper.model_copy(update={"day": paper.date})
            self.changed[paper.id] = paper
            self.added.add(paper.id)
            self.new_keys.ids[paper.id] = _day_of(paper)
            self._note_doi(paper)
            return
        if paper.id != known and self.index.resolve(paper.id) is None:
            self.new_keys.aliases[paper.id] = known
        if known not in self.added:
            self.seen.add(known)
        current = self.changed.get(known)
        merged = merge_paper(self.stored[known] if current is None else current, paper)
        if merged is not None:
            self.changed[known] = merged
            self._note_doi(merged)

    def _note_doi(self, paper: Paper) -> None:
        if paper.doi:
            key = doi_key(paper.doi)
            if key not in self.index.dois:
                self.new_keys.dois.setdefault(key, paper.id)

    def by_day(self) -> dict[str, list[Paper]]:
        days: dict[str, list[Paper]] = {}
        for paper in self.changed.values():
            days.setdefault(_day_of(paper), []).append(paper)
        return days

    def report(self, parsed: int) -> IngestReport:
        return IngestReport(
            parsed=parsed,
            added=len(self.added),
            updated=len(self.changed) - len(self.added),
            unchanged=len(self.seen - self.changed.keys()),
            days=sorted({dt.date.fromisoformat(_day_of(paper)) for paper in self.changed.values()}),
        )


class PaperStore:
    """Papers by radar day, deduplicated across feeds, versions and DOIs; see the module docstring."""

    def __init__(self, data_dir: Path, cache_days: int = CACHE_DAYS) -> None:
        self.data_dir = Path(data_dir)
        self._mutex = threading.RLock()
        self._cache: OrderedDict[str, dict[str, Paper]] = OrderedDict()  # ISO day -> papers by id, in order
        self._cache_days = cache_days
        self._line_reads: Counter[str] = Counter()  # papers read line by line, per uncached day
        for sub in ("days", "index"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = _lock_directory(self.data_dir)
        try:
            self._manifest = self._open_manifest()
            self._remove_orphans()
            self._next_generation = self._manifest.generation + 1
            self._index = self._load_index()
        except BaseException:
            self.close()
            raise

    # -- the researcher's questions --------------------------------------------------------------------------

    def add(self, papers: Iterable[Paper]) -> IngestReport:
        """Store a batch (a feed, or several) in one atomic commit, merging every paper already known."""
        with self._mutex:
            self._check_open()
            batch = list(papers)
            stored = self._fetch(
                {known for paper in batch if (known := self._index.match(paper)) is not None}
            )
            folded = _Batch(self._index, stored)
            for paper in batch:
                folded.take(paper)
            if folded.changed:
                self._commit(folded)
            return folded.report(len(batch))

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
            self._cache.clear()
            if self._lock is not None:
                self._lock.close()  # releases the flock
                self._lock = None

    def __enter__(self) -> PaperStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- opening ---------------------------------------------------------------------------------------------

    def _open_manifest(self) -> _Manifest:
        path = self.data_dir / MANIFEST
        try:
            data = AtomicJSONStorage(path).read()
        except CorruptFileError as err:
            raise StoreError(str(err)) from err
        if data is not None:
            return _Manifest.from_json(data, path)
        shards = [name for name in self._files_on_disk() if not name.endswith(TEMP_SUFFIX)]
        if shards:
            raise StoreError(
                f"{path} is missing but {len(shards)} shard files remain in {self.data_dir}: the store is "
                "damaged. Nothing was deleted; restore manifest.json from a backup, or move days/ and index/ "
                "away to start an empty store."
            )
        manifest = _Manifest()
        AtomicJSONStorage(path).write(manifest.to_json())  # from here on, a missing manifest means damage
        return manifest

    def _files_on_disk(self) -> Iterator[str]:
        for sub in ("days", "index"):
            for entry in os.scandir(self.data_dir / sub):
                if entry.is_file():
                    yield f"{sub}/{entry.name}"

    def _remove_orphans(self) -> None:
        live = self._manifest.files()
        for name in list(self._files_on_disk()):
            if name not in live:
                (self.data_dir / name).unlink()
        (self.data_dir / (MANIFEST + TEMP_SUFFIX)).unlink(missing_ok=True)

    def _load_index(self) -> _Index:
        index = _Index()
        for name in self._manifest.index:
            try:
                data = AtomicJSONStorage(self.data_dir / name).read()
            except CorruptFileError as err:
                raise StoreError(str(err)) from err
            if data is None:
                raise StoreError(self._missing(name))
            index.absorb(data)
        return index

    def _missing(self, name: str) -> str:
        return (
            f"{self.data_dir / name} is named by {self.data_dir / MANIFEST} but missing: the store is "
            "damaged (files removed by hand or a disk error); restore it from a backup"
        )

    # -- reading ---------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._lock is None:
            raise StoreError(f"the paper store {self.data_dir} is closed")

    def _read_part(self, part: _Part) -> Iterable[Paper]:
        path = self.data_dir / part.file
        try:
            tables = _SHARD.validate_json(path.read_bytes())
        except FileNotFoundError:
            raise StoreError(self._missing(part.file)) from None
        except ValidationError as err:
            problem = err.errors()[0]
            raise StoreError(
                f"{path} is damaged ({err.error_count()} problems; first: {problem['msg']} at "
                f"{problem['loc']}); it was left untouched: restore it from a backup"
            ) from err
        return tables.get(PAPERS, {}).values()

    def _day_papers(self, day: str) -> dict[str, Paper]:
        cached = self._cache.get(day)
        if cached is not None:
            self._cache.move_to_end(day)
            return cached
        papers: dict[str, Paper] = {}
        for part in self._manifest.days.get(day, []):
            papers.update((paper.id, paper) for paper in self._read_part(part))  # a later part wins, in place
        self._remember(day, papers)
        return papers

    def _remember(self, day: str, papers: dict[str, Paper]) -> None:
        self._cache[day] = papers
        self._cache.move_to_end(day)
        while len(self._cache) > self._cache_days:
            self._cache.popitem(last=False)

    def _fetch(self, paper_ids: set[str]) -> dict[str, Paper]:
        """Stored papers by id: whole days where many are wanted or cached, single lines otherwise."""
        wanted: dict[str, list[str]] = {}
        for paper_id in paper_ids:
            wanted.setdefault(self._index.ids[paper_id], []).append(paper_id)
        found: dict[str, Paper] = {}
        for day, ids in wanted.items():
            if day in self._cache or len(ids) + self._line_reads[day] >= WHOLE_DAY_AT:
                papers = self._day_papers(day)
                found.update((paper_id, papers[paper_id]) for paper_id in ids if paper_id in papers)
            else:
                self._line_reads[day] += len(ids)  # one get() after another on a day ends in reading it whole
                found.update(self._find_lines(day, ids))
        if lost := paper_ids - found.keys():
            raise StoreError(
                f"the index of {self.data_dir} names papers no shard holds ({sorted(lost)[:3]}...)"
            )
        return found

    def _find_lines(self, day: str, paper_ids: list[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        for part in reversed(self._manifest.days.get(day, [])):  # the newest delta holds the latest record
            wanted = [paper_id for paper_id in paper_ids if paper_id not in found]
            try:
                records = ShardStorage(self.data_dir / part.file).find_records(wanted) if wanted else {}
            except FileNotFoundError:
                raise StoreError(self._missing(part.file)) from None
            except CorruptFileError as err:
                raise StoreError(str(err)) from err
            found.update((paper_id, Paper.model_validate(record)) for paper_id, record in records.items())
        if len(found) < len(paper_ids):  # not found line by line: let the whole read decide
            papers = self._day_papers(day)
            found.update((paper_id, papers[paper_id]) for paper_id in paper_ids if paper_id in papers)
        return found

    # -- committing ------------------------------------------------------------------------------------------

    def _commit(self, batch: _Batch) -> None:
        generation = self._next_generation
        self._next_generation += 1  # never reused, even if this commit fails half-way
        changes = batch.by_day()
        manifest = _Manifest(generation, dict(self._manifest.days), list(self._manifest.index))
        written: list[Path] = []
        rewritten: dict[str, dict[str, Paper]] = {}
        try:
            for day, papers in changes.items():
                manifest.days[day] = self._write_day(day, papers, generation, written, rewritten)
            manifest.index = self._write_index(batch.new_keys, generation, written)
            fsync_files(written)
            fsync_dir(self.data_dir / "days")
            fsync_dir(self.data_dir / "index")
            AtomicJSONStorage(self.data_dir / MANIFEST).write(manifest.to_json())
        except BaseException:
            on_disk = self._generation_on_disk()
            if on_disk == generation:  # interrupted after the rename: the commit stands
                self._adopt(manifest, batch, changes, rewritten)
            elif on_disk is not None:  # nothing was committed (unreadable: leave it to the next open)
                _remove([*written, *(path.with_name(path.name + TEMP_SUFFIX) for path in written)])
            raise
        _remove([self.data_dir / name for name in self._adopt(manifest, batch, changes, rewritten)])

    def _write_day(
        self,
        day: str,
        changes: list[Paper],
        generation: int,
        written: list[Path],
        rewritten: dict[str, dict[str, Paper]],
    ) -> list[_Part]:
        parts = self._manifest.days.get(day, [])
        base, deltas = (parts[0], parts[1:]) if parts else (None, [])
        if base is None or sum(part.papers for part in deltas) + len(changes) > base.papers * FOLD_SHARE:
            papers = dict(self._day_papers(day)) if base else {}
            papers.update((paper.id, paper) for paper in changes)
            rewritten[day] = papers
            return [self._write_part(day, generation, papers.values(), written)]
        if len(deltas) >= MAX_DELTAS:
            merged: dict[str, Paper] = {}
            for part in deltas:
                merged.update((paper.id, paper) for paper in self._read_part(part))
            merged.update((paper.id, paper) for paper in changes)
            return [base, self._write_part(day, generation, merged.values(), written)]
        return [*parts, self._write_part(day, generation, changes, written)]

    def _write_part(self, day: str, generation: int, papers: Iterable[Paper], written: list[Path]) -> _Part:
        name = f"days/{day}.{generation:06d}.json"
        path = self.data_dir / name
        written.append(path)
        documents = {
            str(n): EncodedDocument(paper.model_dump_json()) for n, paper in enumerate(papers, start=1)
        }
        ShardStorage(path, durable=False).write({PAPERS: documents})
        return _Part(name, len(documents))

    def _write_index(self, new_keys: _Index, generation: int, written: list[Path]) -> list[str]:
        if not new_keys:
            return list(self._manifest.index)
        name = f"index/{generation:06d}.json"
        path = self.data_dir / name
        written.append(path)
        if len(self._manifest.index) >= MAX_INDEX_FILES:
            everything = _Index()
            everything.absorb(self._index)
            everything.absorb(new_keys)
            AtomicJSONStorage(path, durable=False).write(everything.to_json())
            return [name]
        AtomicJSONStorage(path, durable=False).write(new_keys.to_json())
        return [*self._manifest.index, name]

    def _generation_on_disk(self) -> int | None:
        try:
            data = AtomicJSONStorage(self.data_dir / MANIFEST).read() or {}
            return int(data.get("generation", -1))
        except (OSError, ValueError, TypeError):
            return None

    def _adopt(
        self,
        manifest: _Manifest,
        batch: _Batch,
        changes: dict[str, list[Paper]],
        rewritten: dict[str, dict[str, Paper]],
    ) -> set[str]:
        """Make a committed manifest the store's state; returns the files it no longer names."""
        superseded = self._manifest.files() - manifest.files()
        self._manifest = manifest
        self._index.absorb(batch.new_keys)
        for day, papers in changes.items():
            if day in rewritten:
                self._remember(day, rewritten[day])
            elif (cached := self._cache.get(day)) is not None:
                cached.update((paper.id, paper) for paper in papers)
        return superseded


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # what is left, the next open removes
            path.unlink(missing_ok=True)


def _lock_directory(directory: Path) -> IO[str]:
    handle = open(directory / "lock", "a")  # noqa: SIM115 (held open for the store's lifetime)
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreError(
                f"the paper store {directory} is already open (another AcademicHub process, or another "
                "PaperStore in this one): close that one first"
            ) from None
    return handle
