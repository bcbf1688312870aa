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
hold is listed after it. Shards and patches are plain TinyDB documents (`ShardStorage`): any TinyDB can open
one to inspect it. The store does not put a TinyDB `Table` in front of them, though: the in-memory index says
where each paper is, and a day is parsed straight into `Paper`s with pydantic's JSON validator, twice as fast
as json.load followed by validation.

Why patches: one arXiv feed revises papers first announced on a hundred different days (a quarter of a
category's daily feed are replacements, v2 following v1 by weeks or months). Writing a file per touched day
costs a hundred files and fsyncs per ingest; rewriting those days whole costs seconds. A commit therefore
writes a handful of files whatever it touches: the base of each day new to the store (one, for a day's
feeds), one patch file, one index file, the manifest, and the bases of the days it folds (at most
`FOLDS_PER_COMMIT`). What keeps the patches small is bounded work per commit:
- a day's runs are merged tier by tier (a new run absorbs the runs before it that are no bigger), so a day
  has a few runs and a record is copied a few times, not once per later revision;
- a day whose patch records outgrow a quarter of its base is folded into a new base, and so are the most
  patched days while patches hold more than 5% of all papers (and 2,000 records): at most
  `FOLDS_PER_COMMIT` days per commit, the largest patch share first;
- past `MAX_PATCH_FILES` live patch files, the runs still live in the sparsest one are copied, as they are,
  into the new patch file, so the old one can go.
Merges, folds and copies move the records' bytes; nothing is parsed and encoded again.

To merge a revision the store needs the stored record: its day's runs are read (small), and the base's
record is read alone at its line (the index knows each paper's place in its day, the `.lines.json` file
where that line is), so a revision costs a few small reads, not a 2 MB shard.

A commit is copy-on-write: every new file gets a name no live file has (the generation counts up), they
are fsynced together, then `manifest.json` is replaced atomically. That rename is the commit: a crash
before it leaves the previous manifest, which names only complete files; a crash after it leaves the new one.
Files the new manifest no longer names are deleted after it (in the background); whatever an interrupted
commit or clean-up left behind is deleted on open, since the manifest does not name it. `add` is one commit
for its whole batch.

Opening reads the manifest and the index files only; days are read when asked for and kept in a small LRU
cache (`warm` fills it ahead of the reader). A day's first listing parses its 2 MB base, about 10 ms, most of
it pydantic building a thousand Papers; the reader's usual listing (the latest days, again and again) is a
cache hit. The index files are a log, one per commit that learns new ids, merged like a binary counter (a
file absorbs the newer ones once they are as big as it), so there are a few of them.

Decisions:
- A revised paper stays in the day it was first listed (see `merge`): its day, date and place never move,
  so its card keeps its number.
- A missing manifest with shards still present is damage, not an empty store: `manifest.json` is written
  when a store is created, before any shard, so it can only go missing by hand or by disk failure. Opening
  then refuses with `StoreError` and deletes nothing; so does a manifest of another format.
- One PaperStore per directory, in one process: it holds an exclusive lock on `lock` (where the platform has
  flock), so a second opener (the CLI while the sidecar runs) gets a clear `StoreError` instead of two
  writers silently dropping each other's commits. Inside the process, calls are serialised by a lock, so
  `add` may run in a worker thread while the event loop lists days.
- Returned Papers are the store's cached objects: treat them as read-only (`model_copy(update=...)`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_json

from ..ingest.merge import merge_paper
from ..models import IngestReport, Paper
from .storage import (
    TEMP_SUFFIX,
    AtomicJSONStorage,
    CorruptFileError,
    ShardStorage,
    fsync_dir,
    fsync_files,
    line_records,
    read_spans,
    record_id,
    table_records,
)

try:
    import fcntl
except ImportError:  # Windows: no flock; one store per directory is then a convention only
    fcntl = None

FORMAT = 2
MANIFEST = "manifest.json"
PAPERS = "papers"  # the TinyDB table of a base shard
FOLDERS = ("days", "patches", "index")
FOLD_SHARE = 0.25  # patch records beyond this share of a day's base: fold the day into a new base
# Patch records beyond this share of all papers (and beyond the floor, 4 MB, below which they cost next to
# nothing): fold the most patched days anyway.
PATCHED_SHARE = 0.05
PATCHED_FLOOR = 2_000
FOLDS_PER_COMMIT = 2  # days one commit folds at most, so that a commit writes a bounded number of files
MAX_RUNS = 8  # runs of patch records a day may have before they are merged into one
MAX_PATCH_FILES = 16  # live patch files before the sparsest one is emptied into the new one
CACHE_DAYS = 8
LINE_TABLES = 512  # base shards whose line offsets are kept in memory (4 KB each for 1,000 papers)

_SHARD = TypeAdapter(dict[str, dict[str, Paper]])
_RUN = TypeAdapter(dict[str, Paper])


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


def _encode(paper: Paper) -> bytes:
    return paper.__pydantic_serializer__.to_json(paper)  # model_dump_json, without the str round trip


def _may_share_doi(stored_id: str, incoming_id: str) -> bool:
    # Two different arXiv papers can carry one journal DOI (a paper published with its companion): keep both.
    return not (
        stored_id.startswith("arxiv:") and incoming_id.startswith("arxiv:") and stored_id != incoming_id
    )


def _lines_file(base: str) -> str:
    return base.removesuffix(".json") + ".lines.json"


@dataclass(frozen=True)
class _Run:
    """Consecutive records of one day in a patch file."""

    file: str
    offset: int
    length: int
    records: int


@dataclass(frozen=True)
class _Day:
    """A day's files: its base shard, then its runs of patch records, oldest first."""

    papers: int  # papers listed on the day: the place the next new one takes
    base: str
    base_papers: int
    runs: tuple[_Run, ...] = ()

    def patch_records(self) -> int:
        return sum(run.records for run in self.runs)

    def files(self) -> Iterator[str]:
        yield self.base
        yield _lines_file(self.base)
        yield from (run.file for run in self.runs)

    def to_json(self) -> dict[str, Any]:
        runs = [[run.file, run.offset, run.length, run.records] for run in self.runs]
        return {"papers": self.papers, "base": [self.base, self.base_papers], "patches": runs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Day:
        base, base_papers = data["base"]
        runs = tuple(_Run(str(f), int(o), int(n), int(r)) for f, o, n, r in data["patches"])
        return cls(int(data["papers"]), str(base), int(base_papers), runs)


@dataclass
class _Manifest:
    generation: int = 0
    days: dict[str, _Day] = field(default_factory=dict)  # ISO day -> its files
    index: list[tuple[str, int]] = field(default_factory=list)  # index files and their entries, oldest first

    def files(self) -> set[str]:
        return {name for day in self.days.values() for name in day.files()} | {name for name, _ in self.index}

    def to_json(self) -> dict[str, Any]:
        days = {iso: day.to_json() for iso, day in sorted(self.days.items())}
        return {"format": FORMAT, "generation": self.generation, "days": days, "index": self.index}

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> _Manifest:
        if data.get("format") != FORMAT:
            raise StoreError(
                f"{path} has format {data.get('format')!r}; this AcademicHub reads format {FORMAT} (format 1 "
                "was a development version): nothing was changed; move the directory away and fetch again"
            )
        try:
            days = {iso: _Day.from_json(day) for iso, day in data["days"].items()}
            index = [(str(name), int(entries)) for name, entries in data["index"]]
            return cls(int(data["generation"]), days, index)
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(
                f"{path} is not a paper store manifest ({err!r}); it was left untouched"
            ) from err


@dataclass
class _Index:
    ids: dict[str, str] = field(default_factory=dict)  # paper id -> "ISO day/place in the day"
    dois: dict[str, str] = field(default_factory=dict)  # doi_key -> paper id
    aliases: dict[str, str] = field(default_factory=dict)  # id of a record merged by DOI -> paper id

    def __len__(self) -> int:
        return len(self.ids) + len(self.dois) + len(self.aliases)

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

    def place(self, paper_id: str) -> tuple[str, int]:
        day, _, place = self.ids[paper_id].partition("/")
        return day, int(place or -1)

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
        self.new_keys = _Index()  # ids map to the day only; the commit gives them their places

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


@dataclass(eq=False)
class _NewRun:
    """A run the commit is about to write into its patch file."""

    records: list[bytes]


class PaperStore:
    """Papers by radar day, deduplicated across feeds, versions and DOIs; see the module docstring."""

    def __init__(self, data_dir: Path, cache_days: int = CACHE_DAYS, *, read_only: bool = False) -> None:
        """`read_only`: for a data dir the user cannot write (a read-only mount): it is read as it is, under
        a shared lock, and a write raises StoreError."""
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self._mutex = threading.RLock()
        self._cache: OrderedDict[str, dict[str, Paper]] = OrderedDict()  # ISO day -> papers by id, in order
        self._cache_days = cache_days
        self._line_tables: OrderedDict[str, array[int]] = OrderedDict()  # base shard -> its line offsets
        self._runs_read: dict[_Run, bytes] | None = None  # during one add: the runs it has read
        self._handles: dict[str, io.RawIOBase] | None = None  # during one add: the files it has open
        self._sweeper: threading.Thread | None = None  # deleting the files the last commit superseded
        if not read_only:
            for sub in FOLDERS:
                (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = _lock_directory(self.data_dir, shared=read_only)
        try:
            self._manifest = self._open_manifest()
            if not read_only:
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
            if self.read_only:
                raise StoreError(f"the data directory {self.data_dir.parent} is read-only: nothing stored")
            self._runs_read, self._handles = {}, {}
            superseded: set[str] = set()
            try:
                batch = list(papers)
                stored = self._fetch(
                    {known for paper in batch if (known := self._index.match(paper)) is not None}
                )
                folded = _Batch(self._index, stored)
                for paper in batch:
                    folded.take(paper)
                if folded.changed:
                    superseded = self._commit(folded)
                return folded.report(len(batch))
            finally:
                for handle in self._handles.values():
                    handle.close()
                self._runs_read = self._handles = None
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
            self._line_tables.clear()
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
                "damaged. Nothing was deleted; restore manifest.json from a backup, or move days/, patches/ "
                "and index/ away to start an empty store."
            )
        manifest = _Manifest()
        if self.read_only:
            return manifest
        AtomicJSONStorage(path).write(manifest.to_json())  # from here on, a missing manifest means damage
        return manifest

    def _files_on_disk(self) -> Iterator[str]:
        for sub in FOLDERS:
            if self.read_only and not (self.data_dir / sub).is_dir():
                continue
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
        for name, _ in self._manifest.index:
            index.absorb(self._read_index_file(name))
        return index

    def _read_index_file(self, name: str) -> dict[str, Any]:
        try:
            data = AtomicJSONStorage(self.data_dir / name).read()
        except CorruptFileError as err:
            raise StoreError(str(err)) from err
        if data is None:
            raise StoreError(self._missing(name))
        return data

    def _missing(self, name: str) -> str:
        return (
            f"{self.data_dir / name} is named by {self.data_dir / MANIFEST} but missing: the store is "
            "damaged (files removed by hand or a disk error); restore it from a backup"
        )

    def _damaged(self, name: str, why: str) -> str:
        return f"{self.data_dir / name} is damaged ({why}); it was left untouched: restore it from a backup"

    # -- reading ---------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._lock is None:
            raise StoreError(f"the paper store {self.data_dir} is closed")

    def _read_bytes(self, name: str, spans: Iterable[tuple[int, int]] | None = None) -> list[bytes]:
        try:
            if spans is None:
                return [(self.data_dir / name).read_bytes()]
            if self._handles is None:
                return read_spans(self.data_dir / name, spans)
            if (handle := self._handles.get(name)) is None:  # an ingest reads a patch file for many days
                handle = self._handles[name] = open(self.data_dir / name, "rb", buffering=0)  # noqa: SIM115
            return read_spans(handle, spans)
        except FileNotFoundError:
            raise StoreError(self._missing(name)) from None
        except CorruptFileError as err:
            raise StoreError(str(err)) from err

    def _parse(self, name: str, adapter: TypeAdapter[Any], data: bytes) -> Any:
        try:
            return adapter.validate_json(data)
        except ValidationError as err:
            problem = err.errors()[0]
            why = f"{err.error_count()} problems; first: {problem['msg']} at {problem['loc']}"
            raise StoreError(self._damaged(name, why)) from err

    def _day_papers(self, day: str) -> dict[str, Paper]:
        cached = self._cache.get(day)
        if cached is not None:
            self._cache.move_to_end(day)
            return cached
        entry = self._manifest.days[day]
        (data,) = self._read_bytes(entry.base)
        papers = {paper.id: paper for paper in self._parse(entry.base, _SHARD, data).get(PAPERS, {}).values()}
        for run in entry.runs:  # a later record replaces an earlier one in place; a new paper comes last
            lines = self._run_bytes(run)
            papers.update(
                (paper.id, paper) for paper in self._parse(run.file, _RUN, b"{%s}" % lines).values()
            )
        self._remember(day, papers)
        return papers

    def _remember(self, day: str, papers: dict[str, Paper]) -> None:
        self._cache[day] = papers
        self._cache.move_to_end(day)
        while len(self._cache) > self._cache_days:
            self._cache.popitem(last=False)

    def _fetch(self, paper_ids: set[str]) -> dict[str, Paper]:
        """Stored papers by id: from the cache, else each record read on its own."""
        wanted: dict[str, list[str]] = {}
        for paper_id in paper_ids:
            wanted.setdefault(self._index.place(paper_id)[0], []).append(paper_id)
        found: dict[str, Paper] = {}
        for day, ids in wanted.items():
            if day in self._cache:
                papers = self._day_papers(day)
            else:
                records = self._stored_records(day, ids)
                papers = {pid: self._parse_record(day, record) for pid, record in records.items()}
                if len(papers) < len(ids):  # the base is not where the index says: let the whole read decide
                    papers = self._day_papers(day)
            found.update((paper_id, papers[paper_id]) for paper_id in ids if paper_id in papers)
        if lost := paper_ids - found.keys():
            raise StoreError(
                f"the index of {self.data_dir} names papers no shard holds ({sorted(lost)[:3]}...)"
            )
        return found

    def _parse_record(self, day: str, record: bytes) -> Paper:
        try:
            return Paper.model_validate_json(record)
        except ValidationError as err:
            raise StoreError(f"a stored record of {day} in {self.data_dir} is damaged ({err})") from err

    def _stored_records(self, day: str, paper_ids: list[str]) -> dict[str, bytes]:
        """The latest records of these papers of `day`: in its patch runs, else at their lines of its base."""
        entry = self._manifest.days.get(day)
        if entry is None:
            return {}
        found = self._patched_records(entry, paper_ids)
        places = {paper_id: self._index.place(paper_id)[1] for paper_id in paper_ids if paper_id not in found}
        in_base = [(paper_id, place) for paper_id, place in places.items() if 0 <= place < entry.base_papers]
        if in_base:
            lines = self._line_table(entry.base)
            spans = [(lines[place], lines[place + 1] - lines[place]) for _, place in in_base]
            try:
                lines_read = self._read_bytes(entry.base, spans)
            except StoreError:  # shorter than written: let the whole read say what is wrong
                return found
            for (paper_id, _), line in zip(in_base, lines_read, strict=True):
                if (record := _record_of(line, paper_id)) is not None:
                    found[paper_id] = record
        return found

    def _patched_records(self, entry: _Day, paper_ids: list[str]) -> dict[str, bytes]:
        """The latest records of these papers in the day's runs, searched newest run first, each found by
        its first bytes without splitting the runs into records (a hot day's runs hold hundreds)."""
        found: dict[str, bytes] = {}
        needles = {paper_id: _needle(paper_id) for paper_id in paper_ids}
        if None in needles.values():  # an id JSON may write in more than one way: read every record
            records: dict[str, bytes] = {}
            for run in entry.runs:
                records.update((record_id(record), record) for record in self._run_records(run))
            return {paper_id: records[paper_id] for paper_id in paper_ids if paper_id in records}
        for run in reversed(entry.runs):
            data = self._run_bytes(run)
            for paper_id, needle in needles.items():
                if paper_id not in found and (at := data.find(needle)) >= 0:
                    end = data.find(b"\n", at)
                    line = data[data.rfind(b"\n", 0, at) + 1 : end if end >= 0 else len(data)]
                    if (record := _record_of(line, paper_id)) is None:
                        raise StoreError(
                            self._damaged(run.file, f"the record of {paper_id} is not on one line")
                        )
                    found[paper_id] = record
            if len(found) == len(needles):
                break
        return found

    def _run_bytes(self, run: _Run) -> bytes:
        if self._runs_read is not None and run in self._runs_read:
            return self._runs_read[run]
        (data,) = self._read_bytes(run.file, [(run.offset, run.length)])
        if self._runs_read is not None:
            self._runs_read[run] = data
        return data

    def _run_records(self, run: _Run) -> list[bytes]:
        return line_records(self._run_bytes(run))

    def _line_table(self, base: str) -> array[int]:
        lines = self._line_tables.get(base)
        if lines is None:
            name = _lines_file(base)
            (data,) = self._read_bytes(name)
            try:
                lines = array("q", json.loads(data))
            except (ValueError, TypeError) as err:
                raise StoreError(self._damaged(name, str(err))) from err
            self._line_tables[base] = lines
            while len(self._line_tables) > LINE_TABLES:
                self._line_tables.popitem(last=False)
        self._line_tables.move_to_end(base)
        return lines

    # -- committing ------------------------------------------------------------------------------------------

    def _commit(self, batch: _Batch) -> set[str]:
        """Write the batch's changes and commit them; the files the commit superseded."""
        generation = self._next_generation
        self._next_generation += 1  # never reused, even if this commit fails half-way
        changes = batch.by_day()
        manifest = _Manifest(generation, dict(self._manifest.days), list(self._manifest.index))
        new_keys = self._place_new_papers(batch, changes)
        written: list[Path] = []
        try:
            encoded = {day: {paper.id: _encode(paper) for paper in papers} for day, papers in changes.items()}
            for day in encoded.keys() - self._manifest.days.keys():
                manifest.days[day] = self._write_base(
                    day, generation, list(encoded.pop(day).values()), written
                )
            for day in self._overdue(manifest.days, encoded):
                manifest.days[day] = self._fold(
                    day, manifest.days[day], encoded.pop(day, {}), generation, written
                )
            planned = {day: self._plan_runs(manifest.days[day], records) for day, records in encoded.items()}
            planned.update(self._relocate_sparsest(manifest.days, planned))
            for day, runs in self._write_patch(planned, generation, written).items():
                manifest.days[day] = replace(manifest.days[day], runs=runs)
            for day, count in new_keys.counts.items():
                manifest.days[day] = replace(manifest.days[day], papers=count)
            manifest.index = self._write_index(new_keys.index, generation, written)
            fsync_files(written)
            for sub in {path.parent for path in written}:
                fsync_dir(sub)
            AtomicJSONStorage(self.data_dir / MANIFEST).write_bytes(to_json(manifest.to_json()))
        except BaseException:
            on_disk = self._generation_on_disk()
            if on_disk == generation:  # interrupted after the rename: the commit stands
                self._adopt(manifest, new_keys.index, changes)
            elif on_disk is not None:  # nothing was committed (unreadable: leave it to the next open)
                _remove([*written, *(path.with_name(path.name + TEMP_SUFFIX) for path in written)])
            raise
        return self._adopt(manifest, new_keys.index, changes)

    def _place_new_papers(self, batch: _Batch, changes: dict[str, list[Paper]]) -> _Placed:
        """The index entries of the batch's new papers, each with its place in its day: after the day's
        papers, in arrival order, which is the order the day lists them."""
        placed = _Placed(_Index(dois=batch.new_keys.dois, aliases=batch.new_keys.aliases), {})
        for day, papers in changes.items():
            count = self._manifest.days[day].papers if day in self._manifest.days else 0
            for paper in papers:
                if paper.id in batch.added:
                    placed.index.ids[paper.id] = f"{day}/{count}"
                    count += 1
            placed.counts[day] = count
        return placed

    def _overdue(self, days: dict[str, _Day], encoded: dict[str, dict[str, bytes]]) -> list[str]:
        """The days to fold into new bases now, a few per commit, the largest patch share first: those whose
        patch records (this commit's included) outgrow FOLD_SHARE of their base, and, while the store's
        patch records exceed PATCHED_SHARE of its papers, the others too. Revisions spread thin over many
        days (an arXiv v2 follows its v1 by weeks to months) would otherwise pile up below the first rule."""
        shares, records, patched = {}, {}, 0
        for iso, day in days.items():
            if count := day.patch_records() + len(encoded.get(iso, ())):
                shares[iso], records[iso] = count / max(day.base_papers, 1), count
                patched += count
        budget = max(PATCHED_FLOOR, PATCHED_SHARE * len(self._index.ids))
        folds = []
        for iso in sorted(shares, key=shares.__getitem__, reverse=True)[:FOLDS_PER_COMMIT]:
            if shares[iso] > FOLD_SHARE or patched > budget:
                folds.append(iso)
                patched -= records[iso]
        return folds

    def _fold(
        self, iso: str, day: _Day, changes: dict[str, bytes], generation: int, written: list[Path]
    ) -> _Day:
        (data,) = self._read_bytes(day.base)
        try:
            base = table_records(data, PAPERS)
        except CorruptFileError as err:
            raise StoreError(self._damaged(day.base, str(err))) from err
        records = {record_id(record): record for record in base}
        for run in day.runs:
            records.update((record_id(record), record) for record in self._run_records(run))
        records.update(changes)
        return self._write_base(iso, generation, list(records.values()), written)

    def _write_base(self, iso: str, generation: int, records: list[bytes], written: list[Path]) -> _Day:
        name = f"days/{iso}.{generation:06d}.json"
        path = self.data_dir / name
        written.append(path)
        (run,) = ShardStorage(path, durable=False).write_runs({PAPERS: [records]})[PAPERS]
        lines = self.data_dir / _lines_file(name)
        written.append(lines)
        AtomicJSONStorage(lines, durable=False).write_bytes(to_json(run.lines))
        self._line_tables[name] = array("q", run.lines)
        return _Day(len(records), name, len(records))

    def _plan_runs(self, day: _Day, records: dict[str, bytes]) -> list[_Run | _NewRun]:
        """The day's runs once this commit's records are added: a new run that has absorbed the runs
        before it no bigger than itself (tier by tier, so a record is copied a few times over its life)."""
        runs: list[_Run | _NewRun] = list(day.runs)
        merged = records
        while runs and (runs[-1].records <= len(merged) or len(runs) >= MAX_RUNS):
            older = {record_id(record): record for record in self._run_records(runs.pop())}
            older.update(merged)  # an older record keeps its place; the newer one's text wins
            merged = older
        return [*runs, _NewRun(list(merged.values()))]

    def _relocate_sparsest(
        self, days: dict[str, _Day], planned: dict[str, list[_Run | _NewRun]]
    ) -> dict[str, list[_Run | _NewRun]]:
        """Past MAX_PATCH_FILES live patch files, the runs left in the one with the fewest live records,
        copied as they are into the new patch file (each keeps its place among its day's runs)."""
        live: Counter[str] = Counter()
        for iso, day in days.items():
            for run in planned.get(iso, day.runs):
                if isinstance(run, _Run):
                    live[run.file] += run.records
        if not planned or len(live) < MAX_PATCH_FILES:  # (a commit without a patch file adds none)
            return {}
        sparsest = min(live, key=lambda name: (live[name], name))
        moved = {}
        for iso, day in days.items():
            runs = planned.get(iso, list(day.runs))
            if any(isinstance(run, _Run) and run.file == sparsest for run in runs):
                moved[iso] = [
                    _NewRun(self._run_records(run)) if isinstance(run, _Run) and run.file == sparsest else run
                    for run in runs
                ]
        return moved

    def _write_patch(
        self, planned: dict[str, list[_Run | _NewRun]], generation: int, written: list[Path]
    ) -> dict[str, tuple[_Run, ...]]:
        """Write the planned new runs into this commit's patch file; the days' runs as written."""
        if not planned:
            return {}
        tables = {
            iso: [run.records for run in runs if isinstance(run, _NewRun)]
            for iso, runs in sorted(planned.items())
        }
        name = f"patches/{generation:06d}.json"
        path = self.data_dir / name
        written.append(path)
        landed = ShardStorage(path, durable=False).write_runs(tables)
        days = {}
        for iso, runs in planned.items():
            placed = iter(landed[iso])
            days[iso] = tuple(
                _Run(name, (spot := next(placed)).offset, spot.length, spot.records)
                if isinstance(run, _NewRun)
                else run
                for run in runs
            )
        return days

    def _write_index(self, new_keys: _Index, generation: int, written: list[Path]) -> list[tuple[str, int]]:
        """Log the new index entries; merge the newest files while the newer is as big (a binary counter:
        a few files, and each entry rewritten a few times, however many commits)."""
        files = list(self._manifest.index)
        if not new_keys:
            return files
        merged = new_keys
        while files and len(merged) >= files[-1][1]:
            older = _Index()
            older.absorb(self._read_index_file(files.pop()[0]))
            older.absorb(merged)
            merged = older
        name = f"index/{generation:06d}.json"
        path = self.data_dir / name
        written.append(path)
        AtomicJSONStorage(path, durable=False).write_bytes(to_json(merged.to_json()))  # 4x json.dumps speed
        return [*files, (name, len(merged))]

    def _sweep(self, paths: list[Path]) -> None:
        """Delete superseded files in the background: unlinking a 2 MB shard takes milliseconds on a busy
        disk, and nothing needs to wait for it (no name is reused; what a crash leaves, opening deletes)."""
        if self._sweeper is not None:
            self._sweeper.join()
        self._sweeper = threading.Thread(
            target=_remove, args=(paths,), name="paper-store-sweeper", daemon=True
        )
        self._sweeper.start()

    def _generation_on_disk(self) -> int | None:
        try:
            data = AtomicJSONStorage(self.data_dir / MANIFEST).read() or {}
            return int(data.get("generation", -1))
        except (OSError, ValueError, TypeError):
            return None

    def _adopt(self, manifest: _Manifest, new_keys: _Index, changes: dict[str, list[Paper]]) -> set[str]:
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
            self._line_tables.pop(name, None)
        return superseded


def _needle(paper_id: str) -> bytes | None:
    """How a record of this paper begins on its line, where JSON can write the id only one way."""
    if all(" " <= char <= "~" and char not in '"\\' for char in paper_id):
        return b'":{"id":"%s",' % paper_id.encode()
    return None


def _record_of(line: bytes, paper_id: str) -> bytes | None:
    """The record on a base's line, if it is the one the index expects there (a base rewritten by hand, in
    another layout, is read whole instead)."""
    try:
        records = line_records(line)
        return records[0] if len(records) == 1 and record_id(records[0]) == paper_id else None
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class _Placed:
    index: _Index
    counts: dict[str, int]  # day -> papers listed on it once the commit is in


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # what is left, the next open removes
            path.unlink(missing_ok=True)


def _lock_directory(directory: Path, *, shared: bool = False) -> IO[str]:
    if shared:  # a reader of a directory it cannot write; a store never opened there has no lock yet
        handle = open(directory / "lock" if (directory / "lock").exists() else os.devnull)  # noqa: SIM115
    else:
        handle = open(directory / "lock", "a")  # noqa: SIM115 (held open for the store's lifetime)
    if fcntl is not None:
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreError(
                f"the paper store {directory} is already open (another AcademicHub process, or another "
                "PaperStore in this one): close that one first"
            ) from None
    return handle
