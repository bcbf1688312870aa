"""The paper store's manifest: the one file that says which shard, patch and index files make up the store,
and the commit that replaces it.

A commit is copy-on-write: every new file gets a name no live file has (the generation counts up), they are
fsynced together, then `manifest.json` is replaced atomically. That rename is the commit: a crash before it
leaves the previous manifest, which names only complete files; a crash after it leaves the new one. Whatever
an interrupted commit or clean-up left behind is deleted on open, since the manifest does not name it.

A missing manifest with shards still present is damage, not an empty store: `manifest.json` is written when a
store is created, before any shard, so it can only go missing by hand or by disk failure. Opening then
refuses with `StoreError` and deletes nothing; so does a manifest of another format.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import to_json

from ..files import fsync_dir, fsync_files
from .storage import TEMP_SUFFIX, AtomicJSONStorage, CorruptFileError

FORMAT = 2
MANIFEST = "manifest.json"
FOLDERS = ("days", "patches", "index")


class StoreError(RuntimeError):
    """The store cannot be opened or read as it is. The message says what to do; nothing was deleted."""


def lines_file(base: str) -> str:
    """The file that says where each record's line starts in a base shard."""
    return base.removesuffix(".json") + ".lines.json"


def missing(data_dir: Path, name: str) -> str:
    return (
        f"{data_dir / name} is named by {data_dir / MANIFEST} but missing: the store is "
        "damaged (files removed by hand or a disk error); restore it from a backup"
    )


def damaged(data_dir: Path, name: str, why: str) -> str:
    return f"{data_dir / name} is damaged ({why}); it was left untouched: restore it from a backup"


@dataclass(frozen=True)
class Run:
    """Consecutive records of one day in a patch file."""

    file: str
    offset: int
    length: int
    records: int


@dataclass(frozen=True)
class Day:
    """A day's files: its base shard, then its runs of patch records, oldest first."""

    papers: int  # papers listed on the day: the place the next new one takes
    base: str
    base_papers: int
    runs: tuple[Run, ...] = ()

    def patch_records(self) -> int:
        return sum(run.records for run in self.runs)

    def files(self) -> Iterator[str]:
        yield self.base
        yield lines_file(self.base)
        yield from (run.file for run in self.runs)

    def to_json(self) -> dict[str, Any]:
        runs = [[run.file, run.offset, run.length, run.records] for run in self.runs]
        return {"papers": self.papers, "base": [self.base, self.base_papers], "patches": runs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Day:
        base, base_papers = data["base"]
        runs = tuple(Run(str(f), int(o), int(n), int(r)) for f, o, n, r in data["patches"])
        return cls(int(data["papers"]), str(base), int(base_papers), runs)


@dataclass
class Manifest:
    generation: int = 0
    days: dict[str, Day] = field(default_factory=dict)  # ISO day -> its files
    index: list[tuple[str, int]] = field(default_factory=list)  # index files and their entries, oldest first

    def files(self) -> set[str]:
        return {name for day in self.days.values() for name in day.files()} | {name for name, _ in self.index}

    def to_json(self) -> dict[str, Any]:
        days = {iso: day.to_json() for iso, day in sorted(self.days.items())}
        return {"format": FORMAT, "generation": self.generation, "days": days, "index": self.index}

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> Manifest:
        if data.get("format") != FORMAT:
            raise StoreError(
                f"{path} has format {data.get('format')!r}; this AcademicHub reads format {FORMAT} (format 1 "
                "was a development version): nothing was changed; move the directory away and fetch again"
            )
        try:
            days = {iso: Day.from_json(day) for iso, day in data["days"].items()}
            index = [(str(name), int(entries)) for name, entries in data["index"]]
            return cls(int(data["generation"]), days, index)
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(
                f"{path} is not a paper store manifest ({err!r}); it was left untouched"
            ) from err


def open_manifest(data_dir: Path, *, read_only: bool = False) -> Manifest:
    """The store's manifest (a new one, written, for an empty directory), with every file it does not name
    removed: what an interrupted commit or clean-up left behind. `read_only` reads what is there and writes
    and removes nothing."""
    if not read_only:
        for sub in FOLDERS:
            (data_dir / sub).mkdir(parents=True, exist_ok=True)
    path = data_dir / MANIFEST
    try:
        data = AtomicJSONStorage(path).read()
    except CorruptFileError as err:
        raise StoreError(str(err)) from err
    if data is not None:
        manifest = Manifest.from_json(data, path)
    else:
        shards = [name for name in _files_on_disk(data_dir) if not name.endswith(TEMP_SUFFIX)]
        if shards:
            raise StoreError(
                f"{path} is missing but {len(shards)} shard files remain in {data_dir}: the store is "
                "damaged. Nothing was deleted; restore manifest.json from a backup, or move days/, patches/ "
                "and index/ away to start an empty store."
            )
        manifest = Manifest()
        if read_only:
            return manifest
        AtomicJSONStorage(path).write(manifest.to_json())  # from here on, a missing manifest means damage
    if read_only:
        return manifest
    live = manifest.files()
    for name in list(_files_on_disk(data_dir)):
        if name not in live:
            (data_dir / name).unlink()
    for temp in data_dir.glob(f"*{MANIFEST}*{TEMP_SUFFIX}"):  # a manifest write cut short
        temp.unlink(missing_ok=True)
    return manifest


def commit(data_dir: Path, manifest: Manifest, written: list[Path]) -> None:
    """Make the files a commit wrote durable together, then point the manifest at them: the commit."""
    fsync_files(written)
    for sub in {path.parent for path in written}:
        fsync_dir(sub)
    AtomicJSONStorage(data_dir / MANIFEST).write_bytes(to_json(manifest.to_json()))


def generation_on_disk(data_dir: Path) -> int | None:
    """The generation the manifest on disk holds; None where it cannot be read."""
    try:
        data = AtomicJSONStorage(data_dir / MANIFEST).read() or {}
        return int(data.get("generation", -1))
    except (OSError, ValueError, TypeError):
        return None


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # what is left, the next open removes
            path.unlink(missing_ok=True)


def _files_on_disk(data_dir: Path) -> Iterator[str]:
    for sub in FOLDERS:
        if not (data_dir / sub).is_dir():  # a read-only store never written to
            continue
        for entry in os.scandir(data_dir / sub):
            if entry.is_file():
                yield f"{sub}/{entry.name}"
