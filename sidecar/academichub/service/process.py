"""The long-lived sidecar: one per data directory, on 127.0.0.1, refreshing on arXiv's schedule.

- One instance per data dir: an exclusive lock on `service.lock` in the state dir (the OS drops it when the
  process dies, so a crash never leaves a stale lock), and `service.json` beside it saying where it runs.
- The API token lives in `token` in the state dir, readable by the user alone (0600); the native host hands
  it to the extension.
- Refresh: at start when the papers are stale or a refresh was cut short, then after each arXiv
  announcement (20:00 America/New_York, Sunday to Thursday) and every few hours for the journals. The
  fetcher sends each source's ETag and Last-Modified, so an unchanged feed costs a 304 and no parsing.
- SIGTERM and SIGINT stop it cleanly: new requests end, a store write in progress finishes, files close.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import fcntl
import gc
import json
import logging
import logging.handlers
import os
import secrets
import signal
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aiohttp import web

from .. import __version__
from ..api import LISTENING, create_app
from ..api.context import REFRESHER, SCHEDULE, SHELF
from ..api.library import Library
from ..api.models import ScheduleState
from ..api.parsing import ProcessParser
from ..config import Config, ConfigError, RefreshSettings, load_config, save_config
from ..ingest.arxiv_calendar import RSS_LAG, announcement_time, expected_announcement, next_announcement_time
from ..ingest.fetcher import Fetcher, FetchError, FetchResult
from ..models import SourceHealth, SourceKind
from ..paths import Paths
from ..store.paper_store import PaperStore, StoreError
from .card_shelf import CardShelf
from .refresher import Refresher

log = logging.getLogger("academichub.service.process")

HOST = "127.0.0.1"  # never 0.0.0.0: the API is for this machine's browser alone
LOCK_FILE = "service.lock"
RUNTIME_FILE = "service.json"
TOKEN_FILE = "token"
LOG_FILE = "service.log"
MAX_SLEEP = 600.0  # re-check the schedule at least this often: a suspended laptop wakes up late
RETRY_GAP = dt.timedelta(minutes=10)  # between two scheduled refreshes, whatever the health says

ARXIV_KINDS = frozenset({SourceKind.arxiv})
JOURNAL_KINDS = frozenset(set(SourceKind) - ARXIV_KINDS)


class ServiceError(RuntimeError):
    """The service cannot start; the message says why and what to do."""


class AlreadyRunning(ServiceError):
    def __init__(self, port: int | None, pid: int | None):
        where = f"{HOST}:{port}" if port else "an unknown port (starting up)"
        super().__init__(f"already running on {where} (pid {pid or 'unknown'})")
        self.port = port
        self.pid = pid


# ---- token ----


def token_path(paths: Paths) -> Path:
    return paths.state / TOKEN_FILE


def load_or_create_token(paths: Paths) -> str:
    """The API token, created on first use with mode 0600 (readable and writable by the user alone)."""
    path = token_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # someone loosened it: the token is as good as a password
        token = path.read_text(encoding="ascii").strip()
        if token:
            return token
        path.unlink()
        return load_or_create_token(paths)
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token + "\n")
    return token


# ---- one instance per data dir ----


@dataclass
class Runtime:
    port: int
    pid: int
    version: str = __version__

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/api/v1/"


def read_runtime(paths: Paths) -> Runtime | None:
    try:
        raw = json.loads((paths.state / RUNTIME_FILE).read_text(encoding="utf-8"))
        return Runtime(port=int(raw["port"]), pid=int(raw["pid"]), version=str(raw.get("version", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class InstanceLock:
    """Held for the service's whole life; `write_runtime` then says where it listens."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.paths.state.mkdir(parents=True, exist_ok=True)
        lock = open(self.paths.state / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            lock.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            runtime = read_runtime(self.paths)
            raise AlreadyRunning(
                runtime.port if runtime else None, runtime.pid if runtime else None
            ) from None
        self._file = lock

    def write_runtime(self, runtime: Runtime) -> None:
        path = self.paths.state / RUNTIME_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {"port": runtime.port, "pid": runtime.pid, "version": runtime.version, "url": runtime.url}
            ),
            encoding="utf-8",
        )
        os.replace(tmp, path)

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            (self.paths.state / RUNTIME_FILE).unlink()
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
        self._file = None


# ---- the schedule ----


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


class Scheduler:
    """Starts refreshes when they are due; a refresh already running postpones the next check."""

    def __init__(
        self,
        library: Library,
        refresher: Refresher,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):
        self.library = library
        self.refresher = refresher
        self.clock = clock
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

    async def run(self) -> None:
        await self.at_start()
        while True:
            await self.refresher.wait()
            now, wake = await self._plan()
            await asyncio.sleep(min(max((wake - now).total_seconds(), 1.0), MAX_SLEEP))
            if not self.settings.scheduled:
                continue
            now = self.clock()
            due = due_kinds(now, self.settings, *await self._healths())
            # A refresh whose health could not be saved leaves its sources due; never retry in a tight loop.
            if due and (self._last_start is None or now - self._last_start >= RETRY_GAP):
                self._start("schedule", None if due == set(SourceKind) else due)


# ---- logging ----


def setup_logging(paths: Paths, config: Config) -> logging.Handler:
    """A rotating log in the state dir, for everything under the `academichub` logger."""
    paths.state.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.state / LOG_FILE,
        maxBytes=config.log.max_kib * 1024,
        backupCount=config.log.backups,
        encoding="utf-8",
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("academichub")
    root.setLevel(config.log.level)
    root.addHandler(handler)
    return handler


# ---- the service ----


async def _warm_cards(shelf: CardShelf) -> None:
    await shelf.warm()
    # The store's index and the days' cards are now most of the heap and live as long as the service. A
    # full collection walks them all (0.2-0.35 s measured with 100,000 papers, a pause every request would
    # feel); frozen, the collector leaves them out. They are still freed by reference counting when replaced.
    gc.freeze()


async def serve(
    paths: Paths,
    port: int | None = None,
    *,
    on_ready: Callable[[Runtime, str], None] | None = None,
    fetcher_factory: Callable[[], Fetcher] = Fetcher,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`); raises AlreadyRunning if this data dir has a service."""
    lock = InstanceLock(paths)
    lock.acquire()
    handler: logging.Handler | None = None
    try:
        try:
            config = load_config(paths.config_file)
            handler = setup_logging(paths, config)
            token = load_or_create_token(paths)
            library = await asyncio.to_thread(Library, paths)
        except (ConfigError, StoreError, OSError) as exc:
            raise ServiceError(str(exc)) from exc
        parser = ProcessParser()
        app = create_app(library, token, fetcher_factory=fetcher_factory, parser=parser)
        scheduler = Scheduler(library, app[REFRESHER])
        app[SCHEDULE] = scheduler.state
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        wanted = config.server.port if port is None else port
        site = web.TCPSite(runner, HOST, wanted, backlog=1024)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ServiceError(f"cannot listen on {HOST}:{wanted}: {exc.strerror or exc}") from exc
        bound = runner.addresses[0][1]
        app[LISTENING].port = bound
        runtime = Runtime(port=bound, pid=os.getpid())
        lock.write_runtime(runtime)
        log.info("AcademicHub %s serving %s (pid %d)", __version__, runtime.url, runtime.pid)

        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        # The parsing process and the recent days' cards are made ready in the background: the first
        # refresh and the popup's first look then cost the loop nothing.
        warming = [
            asyncio.create_task(asyncio.to_thread(parser.warm)),
            asyncio.create_task(_warm_cards(app[SHELF])),
        ]
        schedule = asyncio.create_task(scheduler.run(), name="schedule")
        if on_ready is not None:
            on_ready(runtime, token)
        try:
            await stop.wait()
        finally:
            log.info("stopping")
            for task in (schedule, *warming):
                task.cancel()
            for task in (schedule, *warming):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            await runner.cleanup()  # ends the streams, stops the refresh, waits for a write, closes the store
            log.info("stopped")
    finally:
        lock.release()
        if handler is not None:
            logging.getLogger("academichub").removeHandler(handler)
            handler.close()


# ---- the offline demo ----


class OfflineFetcher(Fetcher):
    """The demo's fetcher: it never touches the network, so a refresh there says why nothing came."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        raise FetchError(url, "the demo is offline: it shows the recorded day and fetches nothing")


def prepare_demo(data_dir: Path) -> Paths:
    """A data dir holding the recorded seed day, with the schedule off: the demo never goes online."""
    from ..ingest.jobs import ingest_recordings
    from ..paths import seed_day_dir

    paths = Paths.under(data_dir)
    runtime = read_runtime(paths)
    if runtime is not None:
        raise AlreadyRunning(runtime.port, runtime.pid)
    if not paths.config_file.exists():
        offline = RefreshSettings(on_start=False, scheduled=False)
        save_config(paths.config_file, Config(refresh=offline, backfill_days=0))
    try:
        with PaperStore(paths.papers) as store:
            empty = store.count() == 0
        if empty:
            ingest_recordings(paths, seed_day_dir())
    except StoreError as exc:
        raise ServiceError(str(exc)) from exc
    return paths
