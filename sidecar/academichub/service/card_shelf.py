"""A day's numbered cards, kept ready to serve.

A cards request must not parse a day's shard, validate a thousand papers or serialize them: with 200
clients asking at once that work would stall the loop. So each day is built once per write to it,
off the loop, into the ordered papers and each paper's JSON; a page is then a slice and a join of bytes,
its numbers added on the way out. After a refresh writes, the shelf keeps serving the old day while the new
one is built in the background (stale for a moment, never slow).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from cachetools import LRUCache

from ..models import Card, Paper
from ..store.cards import cards_of_day, matches_source
from ..store.paper_store import WARM_DAYS
from .library import Library

MAX_VIEWS = 256  # filtered views (source, text query) kept


@dataclass
class DayCards:
    day: dt.date
    papers: list[Card]  # in card order, numbered over the whole day
    json: list[bytes]  # each card's JSON object, without its number
    text: list[str]  # lower-case title, authors and abstract, for the text query
    views: LRUCache[tuple[str, str], list[int]] = field(default_factory=lambda: LRUCache(MAX_VIEWS))

    def view(self, source: str | None, q: str | None) -> list[int]:
        """Positions of the papers that pass the filters, in card order (computed once, then cached)."""
        key = ((source or "").strip().lower(), " ".join((q or "").lower().split()))
        found = self.views.get(key)
        if found is not None:
            return found
        positions: Sequence[int] = range(len(self.papers))
        if key[0]:
            positions = [i for i in positions if matches_source(self.papers[i], key[0])]
        if key[1]:
            words = key[1].split()
            positions = [i for i in positions if all(w in self.text[i] for w in words)]
        found = list(positions)
        self.views[key] = found
        return found


def build_day(day: dt.date, papers: list[Paper]) -> DayCards:
    # The same cards as `academichub cards --json`, made by the same functions; each is kept as JSON
    # without its number, which depends on the filter and is spliced in per page.
    cards = cards_of_day(papers)
    return DayCards(
        day=day,
        papers=cards,
        json=[c.__pydantic_serializer__.to_json(c, exclude={"n"}) for c in cards],
        text=[" ".join((c.title, " ".join(c.authors), c.abstract)).lower() for c in cards],
    )


def page_json(
    day: dt.date | None, total: int, offset: int, limit: int, papers: Sequence[bytes] = ()
) -> bytes:
    """The CardPage body for `papers` (the page's slice, as JSON): each gets `n`, its place in the filtered
    list, so numbers stay contiguous across pages."""
    head = {"day": day.isoformat() if day else None, "total": total, "offset": offset, "limit": limit}
    # One join over views of the cached bytes: a page of 50 cards is ~100 KB, and every extra copy of it
    # showed in the profile under load.
    parts: list[bytes | memoryview] = [json.dumps(head)[:-1].encode(), b',"cards":[']
    for n, paper in enumerate(papers, start=offset + 1):
        parts += (b'{"n":%d,' % n if n == offset + 1 else b',{"n":%d,' % n, memoryview(paper)[1:])
    parts.append(b"]}")
    return b"".join(parts)


@dataclass
class StoreSummary:
    days: list[dt.date]  # newest first
    papers: int

    @property
    def latest_day(self) -> dt.date | None:
        return self.days[0] if self.days else None


class CardShelf:
    def __init__(self, library: Library):
        self.library = library
        self._days: LRUCache[dt.date, DayCards] = LRUCache(WARM_DAYS)  # the days kept built
        self._building: dict[dt.date, asyncio.Future[DayCards]] = {}
        self._summary: StoreSummary | None = None
        self._summary_building: asyncio.Future[StoreSummary] | None = None
        self._refreshing: asyncio.Task[None] | None = None
        self._stale_days: set[dt.date] | None = set()  # written since the last rebuild; None: all of them
        library.on_write(self._stale)

    async def summary(self) -> StoreSummary:
        if self._summary is not None:
            return self._summary
        return await self._build_summary()

    async def current_summary(self) -> StoreSummary:
        """The summary of the store as it is now, for /status: right after a write it waits for the recount
        (a look at the index, not a day's cards) instead of answering with the counts from before, so a
        client that sees a refresh finished also sees its papers."""
        if self._refreshing is not None and not self._refreshing.done():
            return await self._build_summary()
        return await self.summary()

    async def day(self, day: dt.date) -> DayCards:
        found = self._days.get(day)
        if found is not None:
            return found
        return await self._build_day(day)

    async def warm(self, days: int = WARM_DAYS) -> None:
        """Build the latest `days` days ahead of the first requests (the popup asks for the latest first)."""
        summary = await self.summary()
        for day in summary.days[:days]:
            await self.day(day)

    async def close(self) -> None:
        """At shutdown, before the store closes: stop the rebuilds under way, so none reads a closed store."""
        pending = [self._refreshing, self._summary_building, *self._building.values()]
        running = [task for task in pending if task is not None and not task.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _build_summary(self) -> StoreSummary:
        if self._summary_building is None:
            store = self.library.store
            self._summary_building = asyncio.ensure_future(
                self.library.in_store(lambda: StoreSummary(store.days()[::-1], store.count()))
            )
        building = self._summary_building
        try:
            summary = await asyncio.shield(building)
        finally:
            if self._summary_building is building and building.done():
                self._summary_building = None
        self._summary = summary
        return summary

    async def _build_day(self, day: dt.date) -> DayCards:
        building = self._building.get(day)
        if building is None:
            building = asyncio.ensure_future(self._load_day(day))
            self._building[day] = building
        try:
            built = await asyncio.shield(building)
        finally:
            if self._building.get(day) is building and building.done():
                del self._building[day]
        self._days[day] = built
        return built

    async def _load_day(self, day: dt.date) -> DayCards:
        papers = await self.library.in_store(lambda: self.library.store.day(day))
        return await asyncio.to_thread(build_day, day, papers)

    def _stale(self, days: Collection[dt.date] | None) -> None:
        """After a write to `days` (None: any day): rebuild those on the shelf in the background, serving the
        old cards until then; the summary (days, counts) is rebuilt too."""
        if days is None or self._stale_days is None:
            self._stale_days = None
        else:
            self._stale_days |= set(days)
        self._summary_building = None  # a count already under way may have read the store before this write
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._rebuild())

    async def _rebuild(self) -> None:
        while self._stale_days is None or self._stale_days:
            stale, self._stale_days = self._stale_days, set()
            summary = await self._build_summary()
            if summary.latest_day is not None and summary.latest_day not in self._days:
                await self._build_day(summary.latest_day)  # a refresh's new day: ready before it is asked for
            for day in list(self._days):
                if day in self._days and (stale is None or day in stale):
                    self._building.pop(day, None)
                    await self._build_day(day)
