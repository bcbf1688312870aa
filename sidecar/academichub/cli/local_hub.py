"""The Hub while no service runs: each call opens the store (or the radar file) it needs, and closes it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from ..briefing.model import Briefing, Language
from ..paths import Paths
from ..radar import (
    Dismissal,
    RadarBook,
    RadarRule,
    RuleExists,
    RuleNotFound,
    matcher_for,
)
from ..store.paper_store import PaperStore, StoreError
from .hub import (
    DayCards,
    FetchOutcome,
    FetchProgress,
    Hub,
    HubError,
    HubStatus,
    OnBriefingEvent,
    OnProgress,
    RadarState,
    message,
)


class LocalHub(Hub):
    def __init__(self, paths: Paths):
        self.paths = paths

    # ---- cards and status ----

    def cards(self, day: dt.date | None, source: str | None, radar_only: bool) -> DayCards:
        from ..radar.view import radar_cards
        from ..store.cards import cards_of_day, matches_source

        with self._store(read_only=True) as store:
            day = day or store.latest_day()
            papers = store.day(day) if day else []
        if source:
            papers = [p for p in papers if matches_source(p, source)]
        try:
            with RadarBook(self.paths.data) as book:
                matcher, dismissed = matcher_for(book.rules()), book.dismissed()
        except ValueError as exc:  # radar.json damaged: the cards still show, without the radar
            if radar_only:
                raise HubError(str(exc)) from None
            cards = cards_of_day(papers)
            return DayCards(day, cards, bool(papers), radar_problem=str(exc))
        cards = radar_cards(papers, matcher, dismissed, only_radar=radar_only)
        return DayCards(day, cards, bool(papers), weights=matcher.weights)

    def status(self) -> HubStatus:
        from ..ingest.health import HealthBook

        with self._store(read_only=True) as store:
            total, latest = store.count(), store.latest_day()
        # Read only where a fetch has written it: a read-only data dir is read as it is.
        recorded = (self.paths.state / "health.json").exists()
        return HubStatus(total, latest, HealthBook(self.paths.state).all() if recorded else [])

    # ---- fetching ----

    def fetch(self, on_progress: OnProgress) -> FetchOutcome:
        from ..config import ConfigError
        from ..ingest.jobs import fetch_configured
        from ..ingest.sources.catalogue import UnknownSource

        new = 0

        def progress(event: dict[str, Any]) -> None:
            nonlocal new
            new += int(event.get("new", 0))
            on_progress(FetchProgress(event["done"], event["total"], event.get("source"), new))

        try:
            report = asyncio.run(fetch_configured(self.paths, progress=progress))
        except (ConfigError, UnknownSource) as exc:
            raise HubError(message(exc)) from None
        return FetchOutcome(report.summary(), report.ok)

    def ingest(self, directory: Path) -> FetchOutcome:
        from ..ingest.jobs import ingest_recordings

        if not directory.is_dir():
            raise HubError(f"{directory} is not a directory of recorded feed files")
        report = ingest_recordings(self.paths, directory)
        return FetchOutcome(report.summary(), report.ok)

    # ---- the radar ----

    def radar(self) -> RadarState:
        with self._book() as book:
            return RadarState(book.rules(), book.dismissals())

    def add_rule(self, rule: RadarRule) -> RadarRule:
        with self._book() as book:
            return book.add(rule)

    def remove_rule(self, name: str) -> RadarRule:
        with self._book() as book:
            return book.remove(name)

    def dismiss(self, paper_id: str) -> Dismissal:
        with self._book() as book:
            return book.dismiss(paper_id)

    def undismiss(self, paper_id: str) -> bool:
        with self._book() as book:
            return book.undismiss(paper_id)

    # ---- the briefing ----

    def brief(
        self, day: dt.date | None, language: Language, fresh: bool, on_event: OnBriefingEvent
    ) -> Briefing:
        from ..briefing.day import NoPapers, brief_stored_day
        from ..config import ConfigError

        try:
            return asyncio.run(
                brief_stored_day(self.paths, day=day, language=language, on_event=on_event, fresh=fresh)
            )
        except (NoPapers, ConfigError) as exc:
            raise HubError(message(exc)) from None
        except StoreError as exc:
            raise HubError(str(exc)) from None

    # ---- opening the files ----

    def _store(self, *, read_only: bool = False) -> PaperStore:
        """The store; `read_only` for a command that only reads: under a shared lock, so readers run side by
        side, and a data dir the user cannot write is read as it is."""
        try:
            return PaperStore(self.paths.papers, read_only=read_only)
        except StoreError as exc:
            raise HubError(str(exc)) from None

    def _book(self) -> _Book:
        return _Book(self.paths.data)


class _Book:
    """The radar file, its refusals turned into HubErrors (a missing rule, a taken name, a damaged file)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.book: RadarBook | None = None

    def __enter__(self) -> RadarBook:
        try:
            self.book = RadarBook(self.data_dir)
        except ValueError as exc:
            raise HubError(str(exc)) from None
        return self.book

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        assert self.book is not None
        self.book.close()
        if isinstance(exc, RuleNotFound | RuleExists | ValueError):
            raise HubError(message(exc)) from None
