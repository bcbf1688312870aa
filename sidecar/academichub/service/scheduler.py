"""When to refresh: after each arXiv announcement (20:00 America/New_York, Sunday to Thursday, looked at
twice because the RSS feed lags), every few hours for the journals, and at start when the papers are stale or
a refresh was cut short. The fetcher sends each source's ETag and Last-Modified, so an unchanged feed costs a
304 and no parsing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from collections.abc import Awaitable, Callable, Collection, Iterable
from urllib.parse import urlsplit

from ..api.models import ScheduleState
from ..config import RefreshSettings
from ..ingest.arxiv_calendar import RSS_LAG, announcement_time, expected_announcement, next_announcement_time
from ..models import SourceHealth, SourceKind
from .library import Library
from .refresher import Refresher

log = logging.getLogger("academichub.service.scheduler")

MAX_SLEEP = 600.0  # re-plan at least this often
# The wall clock is looked at this often while waiting: asyncio's sleep counts a monotonic clock that stands
# still while the laptop is suspended, so a refresh due during the night would otherwise wait after wake.
CHECK_EVERY = 30.0
RETRY_GAP = dt.timedelta(minutes=10)  # between two scheduled refreshes, whatever the health says

ARXIV_KINDS = frozenset({SourceKind.arxiv})
JOURNAL_KINDS = frozenset(set(SourceKind) - ARXIV_KINDS)


def _arxiv_offsets(settings: RefreshSettings) -> list[dt.timedelta]:
    # Two looks per announcement: soon after 20:00 ET, and once the RSS feed has surely been rebuilt (it
    # lags by hours); the second costs a 304 when the first already had the new mailing.
    return sorted({dt.timedelta(minutes=settings.arxiv_delay_minutes), max(RSS_LAG, dt.timedelta(0))})


def next_arxiv_refresh(now: dt.datetime, settings: RefreshSettings) -> dt.datetime:
    """The first arXiv refresh moment strictly after `now`."""
    offsets = _arxiv_offsets(settings)
    first = next_announcement_time(now - offsets[-1])
    second = next_announcement_time(first)
    return min(a + off for a in (first, second) for off in offsets if a + off > now)


def last_arxiv_refresh(now: dt.datetime, settings: RefreshSettings) -> dt.datetime:
    """The latest arXiv refresh moment at or before `now`."""
    return max(announcement_time(expected_announcement(now - off)) + off for off in _arxiv_offsets(settings))


def _oldest_attempt(healths: Iterable[SourceHealth]) -> dt.datetime | None:
    """The least recent fetch among the sources; None when any of them was never fetched."""
    attempts = [h.last_attempt for h in healths]
    if not attempts or any(a is None for a in attempts):
        return None
    return min(a for a in attempts if a is not None)


def due_kinds(
    now: dt.datetime,
    settings: RefreshSettings,
    arxiv: Iterable[SourceHealth],
    journals: Iterable[SourceHealth],
) -> set[SourceKind]:
    """The kinds of source whose refresh is due: a source never fetched, or not since its last moment."""
    due: set[SourceKind] = set()
    arxiv, journals = list(arxiv), list(journals)
    if arxiv:
        oldest = _oldest_attempt(arxiv)
        if oldest is None or oldest < last_arxiv_refresh(now, settings):
            due |= ARXIV_KINDS
    if journals:
        oldest = _oldest_attempt(journals)
        if oldest is None or now - oldest >= dt.timedelta(hours=settings.journal_interval_hours):
            due |= JOURNAL_KINDS
    return due


async def hosts_resolve(urls: list[str]) -> bool:
    """Whether the network is back: any of the sources' host names can be looked up again."""
    loop = asyncio.get_running_loop()
    for host in dict.fromkeys(urlsplit(url).hostname for url in urls):
        if not host:
            continue
        try:
            await loop.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
        except OSError:
            continue
        return True
    return False


class Scheduler:
    """Starts refreshes when they are due; a refresh already running postpones the next check."""

    def __init__(
        self,
        library: Library,
        refresher: Refresher,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        network_up: Callable[[list[str]], Awaitable[bool]] | None = None,
        check_every: float = CHECK_EVERY,
    ):
        self.library = library
        self.refresher = refresher
        self.clock = clock
        self.network_up = network_up or hosts_resolve
        self.check_every = check_every
        self.next_arxiv: dt.datetime | None = None
        self.next_journals: dt.datetime | None = None
        self._last_start: dt.datetime | None = None

    @property
    def settings(self) -> RefreshSettings:
        return self.library.config.refresh

    def state(self) -> ScheduleState:
        return ScheduleState(next_arxiv=self.next_arxiv, next_journals=self.next_journals)

    async def _healths(self) -> tuple[list[SourceHealth], list[SourceHealth]]:
        sources = self.library.sources()
        book = await self.library.in_store(lambda: {h.key: h for h in self.library.health.all()})
        healths = [(s, book.get(s.key) or SourceHealth(key=s.key)) for s in sources if s.enabled]
        return (
            [h for s, h in healths if s.kind in ARXIV_KINDS],
            [h for s, h in healths if s.kind not in ARXIV_KINDS],
        )

    def _start(self, trigger: str, kinds: Collection[SourceKind] | None) -> None:
        self._last_start = self.clock()
        refresh_id, already = self.refresher.start(trigger, kinds)
        if not already:
            log.info(
                "refresh %s started (%s, %s)",
                refresh_id,
                trigger,
                "all sources" if kinds is None else ", ".join(sorted(k.value for k in kinds)),
            )

    async def at_start(self) -> None:
        marker = self.refresher.interrupted()
        if marker is not None:
            kinds = {SourceKind(k) for k in marker.get("kinds") or []} or None
            self._start("resume", kinds)
        elif self.settings.on_start:
            due = due_kinds(self.clock(), self.settings, *await self._healths())
            if due:
                self._start("start", None if due == set(SourceKind) else due)

    async def _plan(self) -> tuple[dt.datetime, dt.datetime]:
        now = self.clock()
        _, journals = await self._healths()
        self.next_arxiv = next_arxiv_refresh(now, self.settings)
        oldest = _oldest_attempt(journals)
        interval = dt.timedelta(hours=self.settings.journal_interval_hours)
        self.next_journals = max(now, oldest + interval) if oldest else now
        if not journals:
            self.next_journals = None
        return now, min(t for t in (self.next_arxiv, self.next_journals) if t is not None)

    async def _wait_until(self, wake: dt.datetime) -> bool:
        """Until `wake` by the wall clock (a suspend and resume included); True when the network came
        back meanwhile after refreshes found none."""
        while (left := (wake - self.clock()).total_seconds()) > 0:
            if self.refresher.offline_since is not None and self.settings.scheduled:
                hosts = [s.url for s in self.library.sources() if s.enabled]
                if await self.network_up(hosts):
                    return True
            await asyncio.sleep(min(left, self.check_every))
        return False

    async def run(self) -> None:
        await self.at_start()
        while True:
            await self.refresher.wait()
            now, wake = await self._plan()
            wake = min(wake, now + dt.timedelta(seconds=MAX_SLEEP))
            if await self._wait_until(max(wake, now + dt.timedelta(seconds=1))):
                log.info("the network is back: refreshing")
                self._start("network", None)
                continue
            if not self.settings.scheduled:
                continue
            now = self.clock()
            due = due_kinds(now, self.settings, *await self._healths())
            # A refresh whose health could not be saved leaves its sources due; never retry in a tight loop.
            if due and (self._last_start is None or now - self._last_start >= RETRY_GAP):
                self._start("schedule", None if due == set(SourceKind) else due)
