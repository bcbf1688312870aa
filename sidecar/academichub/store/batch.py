"""One ingest's papers folded together and against the store: what to write, and what to report.

A revised paper stays in the day it was first listed (see `merge`): its day, date and place never move, so
its card keeps its number. A new paper takes the next place of its day, in arrival order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..ids import doi_key
from ..ingest.merge import merge_paper
from ..models import IngestReport, Paper
from .index import Index


def day_of(paper: Paper) -> str:
    """The radar day a paper is listed under (Paper.day), as the ISO string that names its shard."""
    return (paper.day or paper.date).isoformat()


@dataclass
class Placed:
    """The index entries of a batch's new papers, each with its place in its day."""

    index: Index
    counts: dict[str, int]  # day -> papers listed on it once the commit is in


class Batch:
    def __init__(self, index: Index, stored: dict[str, Paper]) -> None:
        self.index = index
        self.stored = stored  # the stored papers this batch mentions
        self.changed: dict[str, Paper] = {}  # paper id -> record to write, in arrival order
        self.added: set[str] = set()
        self.seen: set[str] = set()
        self.new_keys = Index()  # ids map to the day only; the commit gives them their places

    def take(self, paper: Paper) -> None:
        known = self.index.match(paper) or self.new_keys.match(paper)
        if known is None:
            if paper.day is None:
                paper = paper.model_copy(update={"day": paper.date})
            self.changed[paper.id] = paper
            self.added.add(paper.id)
            self.new_keys.ids[paper.id] = day_of(paper)
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
            days.setdefault(day_of(paper), []).append(paper)
        return days

    def place_new_papers(self, listed: dict[str, int], changes: dict[str, list[Paper]]) -> Placed:
        """The index entries of the new papers, each placed after its day's `listed` papers, in arrival
        order, which is the order the day lists them."""
        placed = Placed(Index(dois=self.new_keys.dois, aliases=self.new_keys.aliases), {})
        for day, papers in changes.items():
            count = listed.get(day, 0)
            for paper in papers:
                if paper.id in self.added:
                    placed.index.ids[paper.id] = f"{day}/{count}"
                    count += 1
            placed.counts[day] = count
        return placed

    def report(self, parsed: int) -> IngestReport:
        return IngestReport(
            parsed=parsed,
            added=len(self.added),
            updated=len(self.changed) - len(self.added),
            unchanged=len(self.seen - self.changed.keys()),
            days=sorted({dt.date.fromisoformat(day_of(paper)) for paper in self.changed.values()}),
        )
