"""Reading the paper store's records: a day whole, or single papers where they lie.

A day is parsed straight into `Paper`s with pydantic's JSON validator, twice as fast as json.load followed by
validation. To merge a revision the store needs the stored record alone: its day's runs are read (small),
and the base's record is read at its line (the index knows each paper's place in its day, the `.lines.json`
file where that line starts), so a revision costs a few small reads, not a 2 MB shard.
"""

from __future__ import annotations

import contextlib
import io
import json
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pydantic import TypeAdapter, ValidationError

from ..models import Paper
from .manifest import Day, Run, StoreError, damaged, lines_file, missing
from .storage import CorruptFileError, line_records, read_spans, record_id

PAPERS = "papers"  # the TinyDB table of a base shard
LINE_TABLES = 512  # base shards whose line offsets are kept in memory (4 KB each for 1,000 papers)

_SHARD = TypeAdapter(dict[str, dict[str, Paper]])
_RUN = TypeAdapter(dict[str, Paper])


class RecordReader:
    """Reads a store directory's shards and patch runs; within `session()`, each file is opened once and
    each run read once (an ingest reads one patch file for many days, and a run for several papers)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.line_tables: LRUCache[str, array[int]] = LRUCache(LINE_TABLES)  # base shard -> line offsets
        self._runs_read: dict[Run, bytes] | None = None
        self._handles: dict[str, io.RawIOBase] | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        self._runs_read, self._handles = {}, {}
        try:
            yield
        finally:
            for handle in self._handles.values():
                handle.close()
            self._runs_read = self._handles = None

    def day_papers(self, entry: Day) -> dict[str, Paper]:
        """A day's papers by id, in the day's order: its base, then its runs, oldest first."""
        (data,) = self.read_bytes(entry.base)
        papers = {paper.id: paper for paper in self._parse(entry.base, _SHARD, data).get(PAPERS, {}).values()}
        for run in entry.runs:  # a later record replaces an earlier one in place; a new paper comes last
            lines = self.run_bytes(run)
            papers.update(
                (paper.id, paper) for paper in self._parse(run.file, _RUN, b"{%s}" % lines).values()
            )
        return papers

    def parse_record(self, day: str, record: bytes) -> Paper:
        try:
            return Paper.model_validate_json(record)
        except ValidationError as err:
            raise StoreError(f"a stored record of {day} in {self.data_dir} is damaged ({err})") from err

    def stored_records(self, entry: Day, places: dict[str, int]) -> dict[str, bytes]:
        """The latest records of these papers (id -> place in the day) of one day: in its patch runs, else
        at their lines of its base."""
        found = self._patched_records(entry, list(places))
        in_base = [
            (pid, place)
            for pid, place in places.items()
            if pid not in found and 0 <= place < entry.base_papers
        ]
        if in_base:
            lines = self.line_table(entry.base)
            spans = [(lines[place], lines[place + 1] - lines[place]) for _, place in in_base]
            try:
                lines_read = self.read_bytes(entry.base, spans)
            except StoreError:  # shorter than written: let the whole read say what is wrong
                return found
            for (paper_id, _), line in zip(in_base, lines_read, strict=True):
                if (record := _record_of(line, paper_id)) is not None:
                    found[paper_id] = record
        return found

    def _patched_records(self, entry: Day, paper_ids: list[str]) -> dict[str, bytes]:
        """The latest records of these papers in the day's runs, searched newest run first, each found by
        its first bytes without splitting the runs into records (a hot day's runs hold hundreds)."""
        found: dict[str, bytes] = {}
        needles = {paper_id: _needle(paper_id) for paper_id in paper_ids}
        if None in needles.values():  # an id JSON may write in more than one way: read every record
            records: dict[str, bytes] = {}
            for run in entry.runs:
                records.update((record_id(record), record) for record in self.run_records(run))
            return {paper_id: records[paper_id] for paper_id in paper_ids if paper_id in records}
        for run in reversed(entry.runs):
            data = self.run_bytes(run)
            for paper_id, needle in needles.items():
                if paper_id not in found and needle is not None and (at := data.find(needle)) >= 0:
                    end = data.find(b"\n", at)
                    line = data[data.rfind(b"\n", 0, at) + 1 : end if end >= 0 else len(data)]
                    if (record := _record_of(line, paper_id)) is None:
                        why = f"the record of {paper_id} is not on one line"
                        raise StoreError(damaged(self.data_dir, run.file, why))
                    found[paper_id] = record
            if len(found) == len(needles):
                break
        return found

    def run_bytes(self, run: Run) -> bytes:
        if self._runs_read is not None and run in self._runs_read:
            return self._runs_read[run]
        (data,) = self.read_bytes(run.file, [(run.offset, run.length)])
        if self._runs_read is not None:
            self._runs_read[run] = data
        return data

    def run_records(self, run: Run) -> list[bytes]:
        return line_records(self.run_bytes(run))

    def line_table(self, base: str) -> array[int]:
        lines = self.line_tables.get(base)
        if lines is None:
            name = lines_file(base)
            (data,) = self.read_bytes(name)
            try:
                lines = array("q", json.loads(data))
            except (ValueError, TypeError) as err:
                raise StoreError(damaged(self.data_dir, name, str(err))) from err
            self.line_tables[base] = lines
        return lines

    def read_bytes(self, name: str, spans: Iterable[tuple[int, int]] | None = None) -> list[bytes]:
        try:
            if spans is None:
                return [(self.data_dir / name).read_bytes()]
            if self._handles is None:
                return read_spans(self.data_dir / name, spans)
            if (handle := self._handles.get(name)) is None:
                handle = self._handles[name] = open(self.data_dir / name, "rb", buffering=0)  # noqa: SIM115
            return read_spans(handle, spans)
        except FileNotFoundError:
            raise StoreError(missing(self.data_dir, name)) from None
        except CorruptFileError as err:
            raise StoreError(str(err)) from err

    def _parse(self, name: str, adapter: TypeAdapter[Any], data: bytes) -> Any:
        try:
            return adapter.validate_json(data)
        except ValidationError as err:
            problem = err.errors()[0]
            why = f"{err.error_count()} problems; first: {problem['msg']} at {problem['loc']}"
            raise StoreError(damaged(self.data_dir, name, why)) from err


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
