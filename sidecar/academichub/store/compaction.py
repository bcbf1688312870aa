"""Bounded work per commit: how the paper store's patches stay small (runs, folds, relocation).

One arXiv feed revises papers first announced on a hundred different days (a quarter of a category's daily
feed are replacements, v2 following v1 by weeks or months). Writing a file per touched day costs a hundred
files and fsyncs per ingest; rewriting those days whole costs seconds. A commit therefore writes a handful of
files whatever it touches: the base of each day new to the store, one patch file, one index file, the
manifest, and the bases of the days it folds (at most `FOLDS_PER_COMMIT`). What keeps the patches small:
- a day's runs are merged tier by tier (a new run absorbs the runs before it that are no bigger), so a day
  has a few runs and a record is copied a few times, not once per later revision;
- a day whose patch records outgrow a quarter of its base is folded into a new base, and so are the most
  patched days while patches hold more than 5% of all papers (and 2,000 records): at most
  `FOLDS_PER_COMMIT` days per commit, the largest patch share first;
- past `MAX_PATCH_FILES` live patch files, the runs still live in the sparsest one are copied, as they are,
  into the new patch file, so the old one can go.
Merges, folds and copies move the records' bytes; nothing is parsed and encoded again.

The limits are read from this module when a commit runs, so a test may lower them.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pydantic_core import to_json

from .manifest import Day, Run, StoreError, damaged, lines_file
from .records import PAPERS, RecordReader
from .storage import AtomicJSONStorage, CorruptFileError, ShardStorage, record_id, table_records

FOLD_SHARE = 0.25  # patch records beyond this share of a day's base: fold the day into a new base
# Patch records beyond this share of all papers (and beyond the floor, 4 MB, below which they cost next to
# nothing): fold the most patched days anyway.
PATCHED_SHARE = 0.05
PATCHED_FLOOR = 2_000
FOLDS_PER_COMMIT = 2  # days one commit folds at most, so that a commit writes a bounded number of files
MAX_RUNS = 8  # runs of patch records a day may have before they are merged into one
MAX_PATCH_FILES = 16  # live patch files before the sparsest one is emptied into the new one


@dataclass(eq=False)
class NewRun:
    """A run the commit is about to write into its patch file."""

    records: list[bytes]


Planned = dict[str, list[Run | NewRun]]  # ISO day -> its runs once the commit is in


class Compaction:
    """The files one commit (of `generation`) writes, each appended to `written`."""

    def __init__(self, reader: RecordReader, generation: int, written: list[Path]) -> None:
        self.reader = reader
        self.data_dir = reader.data_dir
        self.generation = generation
        self.written = written

    def overdue(self, days: dict[str, Day], encoded: dict[str, dict[str, bytes]], papers: int) -> list[str]:
        """The days to fold into new bases now, a few per commit, the largest patch share first: those whose
        patch records (this commit's included) outgrow FOLD_SHARE of their base, and, while the store's
        patch records exceed PATCHED_SHARE of its `papers`, the others too. Revisions spread thin over many
        days (an arXiv v2 follows its v1 by weeks to months) would otherwise pile up below the first rule."""
        shares, records, patched = {}, {}, 0
        for iso, day in days.items():
            if count := day.patch_records() + len(encoded.get(iso, ())):
                shares[iso], records[iso] = count / max(day.base_papers, 1), count
                patched += count
        budget = max(PATCHED_FLOOR, PATCHED_SHARE * papers)
        folds = []
        for iso in sorted(shares, key=shares.__getitem__, reverse=True)[:FOLDS_PER_COMMIT]:
            if shares[iso] > FOLD_SHARE or patched > budget:
                folds.append(iso)
                patched -= records[iso]
        return folds

    def fold(self, iso: str, day: Day, changes: dict[str, bytes]) -> Day:
        """The day rewritten as one new base: its base, its runs and `changes`, each paper in its place."""
        (data,) = self.reader.read_bytes(day.base)
        try:
            base = table_records(data, PAPERS)
        except CorruptFileError as err:
            raise StoreError(damaged(self.data_dir, day.base, str(err))) from err
        records = {record_id(record): record for record in base}
        for run in day.runs:
            records.update((record_id(record), record) for record in self.reader.run_records(run))
        records.update(changes)
        return self.write_base(iso, list(records.values()))

    def write_base(self, iso: str, records: list[bytes]) -> Day:
        name = f"days/{iso}.{self.generation:06d}.json"
        path = self.data_dir / name
        self.written.append(path)
        (run,) = ShardStorage(path, durable=False).write_runs({PAPERS: [records]})[PAPERS]
        lines = self.data_dir / lines_file(name)
        self.written.append(lines)
        AtomicJSONStorage(lines, durable=False).write_bytes(to_json(run.lines))
        self.reader.line_tables[name] = array("q", run.lines)
        return Day(len(records), name, len(records))

    def plan_runs(self, day: Day, records: dict[str, bytes]) -> list[Run | NewRun]:
        """The day's runs once this commit's records are added: a new run that has absorbed the runs
        before it no bigger than itself (tier by tier, so a record is copied a few times over its life)."""
        runs = list(day.runs)
        merged = records
        while runs and (runs[-1].records <= len(merged) or len(runs) >= MAX_RUNS):
            older = {record_id(record): record for record in self.reader.run_records(runs.pop())}
            older.update(merged)  # an older record keeps its place; the newer one's text wins
            merged = older
        return [*runs, NewRun(list(merged.values()))]

    def relocate_sparsest(self, days: dict[str, Day], planned: Planned) -> Planned:
        """Past MAX_PATCH_FILES live patch files, the runs left in the one with the fewest live records,
        copied as they are into the new patch file (each keeps its place among its day's runs)."""
        live: Counter[str] = Counter()
        for iso, day in days.items():
            for run in planned.get(iso, day.runs):
                if isinstance(run, Run):
                    live[run.file] += run.records
        if not planned or len(live) < MAX_PATCH_FILES:  # (a commit without a patch file adds none)
            return {}
        sparsest = min(live, key=lambda name: (live[name], name))
        moved: Planned = {}
        for iso, day in days.items():
            runs = planned.get(iso, list(day.runs))
            if any(isinstance(run, Run) and run.file == sparsest for run in runs):
                moved[iso] = [
                    NewRun(self.reader.run_records(run))
                    if isinstance(run, Run) and run.file == sparsest
                    else run
                    for run in runs
                ]
        return moved

    def write_patch(self, planned: Planned) -> dict[str, tuple[Run, ...]]:
        """Write the planned new runs into this commit's patch file; the days' runs as written."""
        if not planned:
            return {}
        tables = {
            iso: [run.records for run in runs if isinstance(run, NewRun)]
            for iso, runs in sorted(planned.items())
        }
        name = f"patches/{self.generation:06d}.json"
        path = self.data_dir / name
        self.written.append(path)
        landed = ShardStorage(path, durable=False).write_runs(tables)
        days = {}
        for iso, runs in planned.items():
            placed = iter(landed[iso])
            days[iso] = tuple(
                Run(name, (spot := next(placed)).offset, spot.length, spot.records)
                if isinstance(run, NewRun)
                else run
                for run in runs
            )
        return days
