"""One refresh at a time, started by the API or the schedule, its progress published as events.

The refresh itself (refresh.refresh) fetches on the loop and parses and stores in threads; here it gets the
store and health book through a lock shared with the API's readers. A pending marker in the state directory
is written when a refresh starts and removed when it ends, so one cut short by a shutdown is resumed at the
next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, Literal

from ..api.models import RefreshEvent, RefreshProgress
from ..files import atomic_write_json
from ..ingest.fetcher import Fetcher
from ..ingest.refresh import RefreshReport, refresh
from ..ingest.sources import parse_feed
from ..models import Source, SourceKind
from .library import Library
from .parsing import ProcessParser

log = logging.getLogger("academichub.ingest.refresh")

PENDING_FILE = "refresh-pending.json"


class _Locked:
    """The store or health book as refresh() sees it: every method call takes the library's lock."""

    def __init__(self, target: object, library: Library):
        self._target = target
        self._library = library

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def locked(*args: Any, **kwargs: Any) -> Any:
            return self._library._locked(lambda: attribute(*args, **kwargs))

        return locked


class Refresher:
    def __init__(
        self,
        library: Library,
        fetcher_factory: Callable[[], Fetcher] = Fetcher,
        parser: ProcessParser | None = None,
    ):
        self.library = library
        self.fetcher_factory = fetcher_factory
        self.parser = parser  # None: parse in a thread, as refresh() does by itself
        self.progress = RefreshProgress()
        self.last_report: RefreshReport | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def pending_file(self) -> Path:
        return self.library.paths.state / PENDING_FILE

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def interrupted(self) -> dict[str, Any] | None:
        """The marker a refresh cut short left behind, if any."""
        try:
            return json.loads(self.pending_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def start(self, trigger: str, kinds: Collection[SourceKind] | None = None) -> tuple[str, bool]:
        """Start a refresh unless one runs; returns its id and whether it was already running."""
        if self.running and self.progress.id is not None:
            return self.progress.id, True
        sources = [s for s in self.library.sources() if kinds is None or s.kind in kinds]
        now = dt.datetime.now(dt.UTC)
        refresh_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        self.progress = RefreshProgress(
            id=refresh_id,
            state="running",
            trigger=trigger,
            started=now,
            sources_total=len(sources),
            offline_since=self.progress.offline_since,  # until a refresh finds the network again
        )
        self._mark_pending(refresh_id, trigger, kinds)
        self._task = asyncio.create_task(self._run(sources), name=f"refresh {refresh_id}")
        self._publish("started")
        return refresh_id, False

    async def wait(self) -> None:
        """Until the refresh under way ends. Cancelling the waiter leaves the refresh running, and the
        waiter's cancel is never swallowed: the service's stop reaches whoever waits here."""
        if self._task is not None:
            await asyncio.wait({self._task})

    async def stop(self) -> None:
        """At shutdown: abandon the fetches (the marker stays, so the next start resumes); a store write
        already in its thread finishes, and Library.close waits for it."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, sources: list[Source]) -> None:
        library = self.library
        try:
            async with self.fetcher_factory() as fetcher:
                report = await refresh(
                    sources,
                    _Locked(library.store, library),  # type: ignore[arg-type]
                    _Locked(library.health, library),  # type: ignore[arg-type]
                    fetcher,
                    progress=self._on_source,
                    backfill_days=library.config.backfill_days,
                    parse=self.parser.parse_feed if self.parser else parse_feed,
                )
        except asyncio.CancelledError:
            log.info("refresh %s interrupted; it resumes at the next start", self.progress.id)
            raise
        except Exception as exc:
            log.exception("refresh %s failed", self.progress.id)
            self._finish("failed", error=f"the refresh failed: {exc}")
            return
        self.last_report = report
        if report.ingest.added or report.ingest.updated:
            library.wrote(report.ingest.days)
        log.info("refresh %s: %s", self.progress.id, report.summary())
        offline_since = (self.offline_since or self.progress.started) if report.offline else None
        if offline_since and not self.offline_since:
            log.info(
                "offline: no source's host could be looked up; refreshing again once the network is back"
            )
        self._finish(
            "finished", papers_new=report.ingest.added, error=report.error, offline_since=offline_since
        )

    def _on_source(self, event: dict[str, Any]) -> None:
        self.progress = self.progress.model_copy(
            update={
                "sources_done": event.get("done", self.progress.sources_done),
                "sources_total": event.get("total", self.progress.sources_total),
                "papers_new": self.progress.papers_new + int(event.get("new", 0)),
                "current": event.get("source"),
            }
        )
        self._publish("source")

    @property
    def offline_since(self) -> dt.datetime | None:
        return self.progress.offline_since

    def _finish(
        self,
        state: str,
        *,
        papers_new: int | None = None,
        error: str | None = None,
        offline_since: dt.datetime | None = None,
    ) -> None:
        update: dict[str, Any] = {
            "state": state,
            "finished": dt.datetime.now(dt.UTC),
            "error": error,
            "current": None,
            "offline_since": offline_since,
        }
        if papers_new is not None:
            update["papers_new"] = papers_new
        self.progress = self.progress.model_copy(update=update)
        with contextlib.suppress(OSError):
            self.pending_file.unlink(missing_ok=True)
        self._publish("finished" if state == "finished" else "failed")

    def _publish(self, phase: Literal["started", "source", "finished", "failed"]) -> None:
        self.library.events.publish("refresh", RefreshEvent(phase=phase, progress=self.progress))

    def _mark_pending(self, refresh_id: str, trigger: str, kinds: Collection[SourceKind] | None) -> None:
        marker = {
            "id": refresh_id,
            "trigger": trigger,
            "kinds": sorted(k.value for k in kinds) if kinds else None,
        }
        try:
            self.pending_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(self.pending_file, marker)
        except OSError:
            log.warning("cannot write %s: an interrupted refresh will not resume", self.pending_file)
