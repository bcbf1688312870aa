"""One refresh of the user's sources: fetch all at once, parse off the event loop, store in one commit.

The API server shares this event loop, so parsing (about 0.5 s for a 1,000-item feed) and the store's
disk work run in threads. A source that breaks (timeout, HTTP error, a truncated body, an HTML error page)
is reported with its name and why, and never stops the others. Health is saved only after the papers are,
so a failed save never leaves a new ETag behind that would make the next refresh skip unsaved papers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..models import (
    FeedFormat,
    HealthState,
    IngestReport,
    Paper,
    ParsedFeed,
    Source,
    SourceHealth,
    SourceKind,
)
from .arxiv_calendar import expected_feed_date, is_announcement_day, next_announcement_day
from .backfill import ARXIV_API, BackfillError, backfill, plan_backfill
from .fetcher import Fetcher, FetchError, Offline
from .health import HealthBook, after_failure, after_fetch, assess
from .sources import FeedError, parse_feed

FeedParser = Callable[[bytes, Source | None], ParsedFeed]

if TYPE_CHECKING:
    from ..store.paper_store import PaperStore

log = logging.getLogger(__name__)

Progress = Callable[[dict[str, Any]], Awaitable[None] | None]

# A whole refresh, backfill included (arXiv's 3 s between requests, a few pages for each missed mailing):
# a source still fetching by then is reported, and the others' papers are saved.
DEADLINE = 15 * 60.0


class SourceReport(BaseModel):
    key: str
    name: str
    state: HealthState
    reason: str = ""
    items: int = 0
    new: int = 0
    error: str | None = Field(default=None, description="'arXiv (cs.CV): HTTP 503 after 3 tries'")
    backfilled: list[dt.date] = Field(
        default_factory=list, description="Missed mailings filled from the API."
    )


class RefreshReport(BaseModel):
    started: dt.datetime
    finished: dt.datetime | None = None
    sources: list[SourceReport] = Field(default_factory=list)
    ingest: IngestReport = Field(default_factory=IngestReport)
    error: str | None = Field(default=None, description="Set when the papers could not be saved.")
    offline: bool = Field(default=False, description="No source's host could be looked up: no network.")

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.state != HealthState.failing for s in self.sources)

    @property
    def new(self) -> int:
        return self.ingest.added

    def summary(self) -> str:
        counts = {state: sum(s.state == state for s in self.sources) for state in HealthState}
        states = ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)
        lines = [
            f"{len(self.sources)} sources ({states or 'none'}): "
            f"{self.ingest.parsed} papers, {self.ingest.added} new, {self.ingest.updated} updated."
        ]
        lines += [f"  {s.error}" for s in self.sources if s.error]
        lines += [
            f"  {s.name}: {s.state.value}, {s.reason}"
            for s in self.sources
            if s.state in (HealthState.quiet, HealthState.stale)
        ]
        lines += [
            f"  {s.name}: filled {', '.join(map(str, s.backfilled))}" for s in self.sources if s.backfilled
        ]
        if self.error:
            lines.append(f"  {self.error}")
        return "\n".join(lines)


@dataclass
class _Harvest:
    """One source's fetch, before the store has taken its papers."""

    source: Source
    previous: SourceHealth
    health: SourceHealth
    papers: list[Paper] = field(default_factory=list)
    backfilled: list[dt.date] = field(default_factory=list)
    error: str | None = None
    offline: bool = False  # its host could not be looked up

    def report(self) -> SourceReport:
        return SourceReport(
            key=self.source.key,
            name=self.source.name,
            state=self.health.state,
            reason=self.health.reason,
            items=self.health.item_count,
            new=self.health.new_count,
            error=self.error,
            backfilled=self.backfilled,
        )


class _Refresh:
    def __init__(
        self,
        store: PaperStore,
        fetcher: Fetcher,
        now: dt.datetime,
        previous: dict[str, SourceHealth],
        last_day_stored: dt.date | None,
        backfill_days: int,
        arxiv_api: str,
        parse: FeedParser,
    ):
        self.parse = parse
        self.store = store
        self.fetcher = fetcher
        self.now = now
        self.previous = previous
        self.last_day_stored = last_day_stored
        self.backfill_days = backfill_days
        self.arxiv_api = arxiv_api

    async def unseen(self, papers: Iterable[Paper]) -> set[str]:
        return await asyncio.to_thread(_unseen, self.store, {p.id for p in papers})

    async def harvest(self, source: Source) -> _Harvest:
        previous = self.previous.get(source.key) or SourceHealth(key=source.key)
        try:
            return await self._harvest(source, previous)
        except Exception as exc:  # a bug for one source must not cost the others their papers
            log.exception("refreshing %s", source.key)
            return self.failed(source, previous, f"unexpected error: {exc!r}")

    def failed(self, source: Source, previous: SourceHealth, reason: str) -> _Harvest:
        health = after_failure(previous, error=reason, now=self.now)
        return _Harvest(source, previous, health, error=f"{source.name}: {reason}")

    async def _harvest(self, source: Source, previous: SourceHealth) -> _Harvest:
        try:
            fetched = await self.fetcher.fetch(
                source.url, etag=previous.etag, last_modified=previous.last_modified
            )
        except FetchError as exc:
            harvest = self.failed(source, previous, exc.reason)
            harvest.offline = isinstance(exc, Offline)
            return harvest
        etag, last_modified = fetched.etag, fetched.last_modified
        if fetched.not_modified:
            # The same document as last time: its counts, mailing date and validators are the previous ones
            # (a 304 need not repeat the validators).
            etag, last_modified = etag or previous.etag, last_modified or previous.last_modified
            papers: list[Paper] = []
            items, new, warnings = previous.item_count, 0, ["not modified"]
            feed_date = previous.feed_date if items else None
        else:
            try:
                feed = await asyncio.to_thread(self.parse, fetched.body or b"", source)
            except FeedError as exc:
                return self.failed(source, previous, str(exc))
            papers, items, feed_date, warnings = feed.papers, len(feed.papers), feed.feed_date, feed.warnings
            new = len(await self.unseen(papers))
            if warnings:
                # A document the server cut off keeps its ETag: remembering it would turn every later fetch
                # into a 304 and the items it lost would never arrive. Ask unconditionally next time.
                etag = last_modified = None
        state, reason = assess(source, previous, items=items, new=new, feed_date=feed_date, now=self.now)
        if warnings:
            reason += f" ({'; '.join(warnings)})"
        if state == HealthState.stale:
            papers, new = [], 0  # yesterday's papers are not today's news
        health = after_fetch(
            previous,
            state=state,
            reason=reason,
            now=self.now,
            items=items,
            new=new,
            feed_date=feed_date,
            etag=etag,
            last_modified=last_modified,
        )
        harvest = _Harvest(source, previous, health, list(papers))
        if source.kind == SourceKind.arxiv and self.backfill_days > 0:
            await self._backfill(harvest, feed_date)
        return harvest

    def _missed_mailings(self, harvest: _Harvest, feed_date: dt.date | None) -> list[dt.date]:
        last = harvest.previous.feed_date or self.last_day_stored
        expected = expected_feed_date(self.now)
        state = harvest.health.state
        if state == HealthState.ok and feed_date is not None:
            return plan_backfill(last, feed_date, self.backfill_days)
        if state == HealthState.stale:
            return plan_backfill(last, expected, self.backfill_days)
        if state == HealthState.quiet and (feed_date is None or not is_announcement_day(feed_date)):
            # A weekend or holiday feed is empty, so it no longer serves the last mailing either.
            if last is None:
                return [expected]
            return plan_backfill(last, next_announcement_day(expected), self.backfill_days)
        return []

    async def _backfill(self, harvest: _Harvest, feed_date: dt.date | None) -> None:
        days = self._missed_mailings(harvest, feed_date)
        if not days:
            return
        try:
            filled = await backfill(harvest.source, days, self.fetcher, api=self.arxiv_api)
        except BackfillError as exc:
            harvest.health.reason += f"; {exc}"
            return
        unseen = await self.unseen(filled.papers)
        known_here = {p.id for p in harvest.papers}
        harvest.papers.extend(filled.papers)
        harvest.backfilled = filled.days
        health = harvest.health
        health.new_count += len(unseen - known_here)
        if filled.days:
            health.feed_date = max(d for d in (health.feed_date, filled.days[-1]) if d)
            health.reason += f"; filled {len(filled.days)} missed mailings from the arXiv API"
        if filled.error:
            health.reason += f"; {filled.error}"


def remember_representations(store: PaperStore, papers: list[Paper]) -> None:
    """What each stored paper is about, for the radar's learned interest: computed once, as it is stored."""
    from ..radar.learn.vectors import remember_stored  # scikit-learn loads on the first refresh, not at start

    remember_stored(store.data_dir, papers)


def _unseen(store: PaperStore, ids: set[str]) -> set[str]:
    return {pid for pid in ids if store.get(pid) is None}


async def _tell(progress: Progress | None, event: dict[str, Any]) -> None:
    if progress is None:
        return
    try:
        outcome = progress(event)
        if inspect.isawaitable(outcome):
            await outcome
    except Exception:  # a listener that went away must not stop the refresh
        log.exception("progress callback failed")


def with_radar_day(papers: list[Paper], today: dt.date | None = None) -> list[Paper]:
    """Give each paper the radar day it reaches the reader on (see Paper.day).

    An arXiv paper belongs to its announcement day. A journal feed lists items published days or weeks apart,
    so a journal item belongs to the day of the fetch that brought it: today, or the newest arXiv announcement
    in the same batch when that is later (arXiv dates its evening mailing with the next day). A recorded batch
    has no "today": its own newest announcement (else its newest item) is its day.
    """
    arxiv_days = [p.date for p in papers if p.arxiv_id]
    candidates = [*arxiv_days, today] if today else arxiv_days or [p.date for p in papers]
    if not candidates:
        return papers
    batch_day = max(candidates)
    return [p if p.day else p.model_copy(update={"day": p.date if p.arxiv_id else batch_day}) for p in papers]


async def refresh(
    sources: list[Source],
    store: PaperStore,
    health: HealthBook,
    fetcher: Fetcher,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    backfill_days: int = 7,
    arxiv_api: str = ARXIV_API,
    parse: FeedParser = parse_feed,
    deadline: float | None = DEADLINE,
) -> RefreshReport:
    """Fetch every enabled source, store all their papers in one commit, and record each source's health.

    `progress(event)` (sync or async) hears of each source as it finishes:
    {"done": i, "total": n, "source": key, "new": k, "state": "ok"}.
    `parse` is called in a worker thread; the service passes one that parses in a child process, so a
    1,000-item feed does not hold the event loop's GIL. A source not done within `deadline` seconds is
    reported as failed, and the papers of the others are saved.
    """
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError(f"refresh needs an aware datetime for now, not {now!r}: arXiv's calendar is in ET")
    started = dt.datetime.now(dt.UTC)
    active = [s for s in sources if s.enabled]
    fetcher.trust(s.url for s in active)  # the user's own feeds may live on this machine or the network
    previous = {h.key: h for h in await asyncio.to_thread(health.all)}
    last_day_stored = await asyncio.to_thread(store.latest_day)
    run = _Refresh(store, fetcher, now, previous, last_day_stored, backfill_days, arxiv_api, parse)

    done = 0

    loop = asyncio.get_running_loop()
    ends = None if deadline is None else loop.time() + deadline

    async def one(source: Source) -> _Harvest:
        nonlocal done
        try:
            async with asyncio.timeout_at(ends):
                harvest = await run.harvest(source)
        except TimeoutError:
            previous = run.previous.get(source.key) or SourceHealth(key=source.key)
            harvest = run.failed(
                source, previous, f"no answer within the refresh's deadline of {deadline:g} s"
            )
        done += 1
        event = {"done": done, "total": len(active), "source": source.key, "new": harvest.health.new_count}
        await _tell(progress, event | {"state": harvest.health.state.value})
        return harvest

    harvests = await asyncio.gather(*(one(s) for s in active))
    report = RefreshReport(started=started)
    papers = with_radar_day([p for h in harvests for p in h.papers], today=now.astimezone().date())
    try:
        if papers:
            report.ingest = await asyncio.to_thread(store.add, papers)
    except Exception as exc:  # disk full, permissions: say so, and keep every source's old validators
        log.exception("saving %d papers", len(papers))
        report.error = f"could not save {len(papers)} papers: {exc}"
        for h in harvests:
            if h.papers:
                h.health = after_failure(h.previous, error=report.error, now=now)
    else:
        if papers:  # once they are saved: a representation that fails is no failed save
            await asyncio.to_thread(remember_representations, store, papers)
    try:
        await asyncio.to_thread(health.save, [h.health for h in harvests])
    except (
        Exception
    ) as exc:  # the papers are safe; the next refresh fetches unconditionally and loses nothing
        log.exception("saving the sources' health")
        report.error = f"{report.error}; " if report.error else ""
        report.error += f"could not save the sources' health: {exc}"
    report.sources = [h.report() for h in harvests]
    report.offline = bool(harvests) and all(h.offline for h in harvests)
    report.finished = dt.datetime.now(dt.UTC)
    return report


def ingest_directory(path: Path, store: PaperStore) -> RefreshReport:
    """Ingest every recorded feed file in `path` in one commit; each file's format is told by its content.

    A file that is not a feed is reported with its name and why; the others are stored all the same.
    """
    if not path.is_dir():
        raise NotADirectoryError(f"{path}: not a directory of recorded feeds")
    now = dt.datetime.now(dt.UTC)
    report = RefreshReport(started=now)
    parsed: list[tuple[str, list[Paper]]] = []
    for file in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            feed = parse_feed(file.read_bytes())
        except (FeedError, OSError) as exc:
            row = SourceReport(key=file.name, name=file.name, state=HealthState.failing, reason=str(exc))
            row.error = f"{file.name}: {exc}"
            report.sources.append(row)
            continue
        # Judged as a first fetch of the feed it records, so an arXiv weekend file reads as quiet, with why.
        kind = (
            SourceKind.arxiv
            if feed.format in (FeedFormat.arxiv_rss, FeedFormat.arxiv_atom)
            else SourceKind.feed
        )
        recorded = Source(key=file.name, name=file.name, url=file.resolve().as_uri(), kind=kind)
        items = len(feed.papers)
        state, reason = assess(
            recorded, SourceHealth(key=file.name), items=items, new=items, feed_date=feed.feed_date, now=now
        )
        report.sources.append(
            SourceReport(key=file.name, name=file.name, state=state, reason=reason, items=items)
        )
        parsed.append((file.name, feed.papers))
    papers = with_radar_day([p for _, ps in parsed for p in ps])
    unseen = _unseen(store, {p.id for p in papers})
    new_by_file = {name: len({p.id for p in ps} & unseen) for name, ps in parsed}
    for row in report.sources:
        row.new = new_by_file.get(row.key, 0)
    try:
        if papers:
            report.ingest = store.add(papers)
    except Exception as exc:
        log.exception("saving %d papers", len(papers))
        report.error = f"could not save {len(papers)} papers: {exc}"
    else:
        if papers:
            remember_representations(store, papers)
    report.finished = dt.datetime.now(dt.UTC)
    return report
