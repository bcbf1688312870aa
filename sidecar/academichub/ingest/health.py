"""Each source's standing: when it was last fetched, what it held, and whether that is as it should be.

A weekend arXiv feed is empty by design (quiet, not failing), and an arXiv feed that still shows
yesterday's mailing when today's is due is stale: its papers are old news. The book keeps one
SourceHealth per source key in a small TinyDB file, with the ETag and Last-Modified for conditional GET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from tinydb import Query, TinyDB

from ..models import HealthState, Source, SourceHealth, SourceKind
from ..store.storage import AtomicJSONStorage
from .arxiv_calendar import ARXIV_TZ, expected_feed_date, is_announcement_day, why_no_announcement

_Source = Query()


class HealthBook:
    """The sources' health, kept in `<data_dir>/health.json`; one atomic write per `save`."""

    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "health.json"
        self._db = TinyDB(self.path, storage=AtomicJSONStorage)
        self._table = self._db.table("sources")

    def __enter__(self) -> HealthBook:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, key: str) -> SourceHealth:
        """The source's health; a source never fetched is in state `never`."""
        doc = self._table.get(_Source.key == key)
        return SourceHealth.model_validate(doc) if doc else SourceHealth(key=key)

    def all(self) -> list[SourceHealth]:
        return [SourceHealth.model_validate(doc) for doc in self._table.all()]

    def save(self, healths: Iterable[SourceHealth]) -> None:
        """Record the sources' new health: at most two writes (known keys, then new ones), each atomic."""
        by_key = {h.key: h.model_dump(mode="json") for h in healths}
        known = {doc["key"] for doc in self._table.all()}
        updates = [(doc, _Source.key == key) for key, doc in by_key.items() if key in known]
        if updates:
            self._table.update_multiple(updates)
        fresh = [doc for key, doc in by_key.items() if key not in known]
        if fresh:
            self._table.insert_multiple(fresh)


def _is_arxiv(source: Source) -> bool:
    return source.kind == SourceKind.arxiv


def assess(
    source: Source,
    previous: SourceHealth,
    *,
    items: int,
    new: int,
    feed_date: dt.date | None,
    now: dt.datetime,
) -> tuple[HealthState, str]:
    """Judge a feed that was fetched and parsed: ok, quiet (nothing announced) or stale (old news)."""
    if items == 0:
        return HealthState.quiet, _why_empty(source, feed_date, now)
    if not _is_arxiv(source):
        return HealthState.ok, f"{items} items"
    expected = expected_feed_date(now)
    if feed_date is not None:
        same_mailing = previous.feed_date is not None and feed_date <= previous.feed_date
        if feed_date < expected and same_mailing:
            return HealthState.stale, f"feed still shows {feed_date}; expected {expected}"
        return HealthState.ok, f"{items} papers announced {feed_date}"
    # Without a feed date, the same papers as last time while a newer mailing was due mean a stale feed.
    due_since_last = previous.last_success is not None and expected > expected_feed_date(
        previous.last_success
    )
    if new == 0 and due_since_last:
        return HealthState.stale, f"feed still shows the same {items} papers; expected {expected}'s"
    return HealthState.ok, f"{items} papers"


def _why_empty(source: Source, feed_date: dt.date | None, now: dt.datetime) -> str:
    if not _is_arxiv(source):
        return "the feed has no items"
    day = feed_date or now.astimezone(ARXIV_TZ).date()
    if not is_announcement_day(day):
        return f"no arXiv announcements on {day:%a} {day} ({why_no_announcement(day)})"
    return f"no papers in the listing of {day}"


def after_fetch(
    previous: SourceHealth,
    *,
    state: HealthState,
    reason: str,
    now: dt.datetime,
    items: int,
    new: int,
    feed_date: dt.date | None,
    etag: str | None,
    last_modified: str | None,
) -> SourceHealth:
    """The health after a successful download; `feed_date` only moves forward, to the newest mailing held."""
    held = max((d for d in (previous.feed_date, feed_date if items else None) if d), default=None)
    return previous.model_copy(
        update={
            "state": state,
            "reason": reason,
            "last_attempt": now,
            "last_success": now,
            "last_error": None,
            "item_count": items,
            "new_count": new,
            "feed_date": held,
            "etag": etag,
            "last_modified": last_modified,
        }
    )


def after_failure(previous: SourceHealth, *, error: str, now: dt.datetime) -> SourceHealth:
    """A failed fetch keeps the last good validators, counts and date: the next try starts from them."""
    return previous.model_copy(
        update={"state": HealthState.failing, "reason": error, "last_attempt": now, "last_error": error}
    )
