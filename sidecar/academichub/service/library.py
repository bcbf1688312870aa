"""What the API serves from: the papers, the sources' health and the settings, opened once per service.

The store has one owner (this process) and one writer at a time: every call into it goes through
`in_store`, which runs it in a worker thread under a lock, so the event loop never waits on the disk and a
read never sees a write half done. A day's cards are built off the loop once per write to that day and then
served from memory (see CardShelf), which is what keeps a cards request a dictionary lookup and a slice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Collection
from typing import TypeVar

from ..config import Config, load_config, update_config
from ..ingest.health import HealthBook
from ..ingest.sources.catalogue import find_source
from ..models import Source
from ..paths import Paths
from ..store.paper_store import PaperStore
from .events import EventBus

T = TypeVar("T")


def resolve_source(name: str) -> Source:
    """A config entry (catalogue key, catalogue name or feed URL) as a Source: LookupError when the
    catalogue does not know it, ValueError for a malformed URL."""
    return find_source(name)


class Library:
    def __init__(self, paths: Paths):
        self.paths = paths
        self.config: Config = load_config(paths.config_file)
        self.store = PaperStore(paths.papers)
        self.health = HealthBook(paths.state)
        self.events = EventBus()
        self._lock = threading.Lock()
        self._config_lock = asyncio.Lock()
        self._write_listeners: list[Callable[[Collection[dt.date] | None], None]] = []

    # ---- the store, off the loop ----

    async def in_store(self, work: Callable[[], T]) -> T:
        """Run `work` (which touches the store or the health book) in a thread, one at a time."""
        return await asyncio.to_thread(self._locked, work)

    def _locked(self, work: Callable[[], T]) -> T:
        with self._lock:
            return work()

    def wrote(self, days: Collection[dt.date] | None = None) -> None:
        """Called on the loop after a write to the store's `days` (None: unknown, any day): the cards built
        from them are now out of date."""
        for listener in self._write_listeners:
            listener(days)

    def on_write(self, listener: Callable[[Collection[dt.date] | None], None]) -> None:
        self._write_listeners.append(listener)

    def close(self) -> None:
        """Waits for a write in progress (the lock), then closes: a shutdown never cuts a write short."""
        with self._lock:
            self.store.close()
            self.health.close()

    # ---- sources and settings ----

    def sources(self) -> list[Source]:
        """The followed sources, resolved; an entry the catalogue no longer knows is skipped, not fatal."""
        found: list[Source] = []
        for name in self.config.sources:
            try:
                found.append(resolve_source(name))
            except (LookupError, ValueError):
                continue  # a hand-edited entry the catalogue does not know: `status` must still answer
        return found

    async def change_sources(self, change: Callable[[list[str]], list[str]]) -> None:
        """Apply `change` to the config's source list and save the file (atomically, off the loop)."""
        await self.change_config(lambda c: c.model_copy(update={"sources": change(list(c.sources))}))

    async def change_config(self, change: Callable[[Config], Config]) -> Config:
        """Apply `change` to the config as the file now reads (ConfigError if it no longer parses) and save
        it; under the same lock as change_sources, so neither loses the other's change."""
        async with self._config_lock:
            # Re-read inside the file's lock: the user or another process may have changed it since.
            updated = await asyncio.to_thread(update_config, self.paths.config_file, change)
            self.config = updated
            return updated
