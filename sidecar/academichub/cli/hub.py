"""What the commands ask of AcademicHub, the same whether or not the service runs.

While a service runs on a data dir it owns the store (a second process cannot open it), so `open_hub` then
hands out a `RemoteHub` that asks the service over its loopback API; otherwise a `LocalHub` opens the files
itself. Commands only print what a Hub returns, so each one reads the same either way.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line starts without loading the radar or the briefing
    from ..briefing.model import Briefing, BriefingEvent, Language
    from ..models import Card, SourceHealth
    from ..paths import Paths
    from ..radar import Dismissal, RadarRule


class HubError(Exception):
    """Something the user can act on; the command line prints the message (never a traceback)."""


def message(exc: BaseException) -> str:
    """An exception's text as a user reads it (a KeyError's str() would add quotes)."""
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


@dataclass(frozen=True)
class DayCards:
    """A day's cards as a command shows them."""

    day: dt.date | None  # None: no paper stored yet
    cards: list[Card]
    has_papers: bool  # the day has papers (after the source filter), whether or not the radar matched any
    weights: Mapping[str, float] | None = None  # each rule's weight, what a radar card's "why" is made of
    radar_problem: str | None = None  # radar.json cannot be read: the cards come without the radar


@dataclass(frozen=True)
class FetchProgress:
    """One more source done."""

    done: int
    total: int
    source: str | None
    new: int  # new papers so far, all sources


@dataclass(frozen=True)
class FetchOutcome:
    summary: str  # one line, then one indented line per source that needs a look
    ok: bool


@dataclass(frozen=True)
class HubStatus:
    papers: int
    latest_day: dt.date | None
    sources: list[SourceHealth]
    service: str | None = None  # where the running service listens; None when none runs
    refreshing: FetchProgress | None = None  # a refresh under way in the service
    offline_since: dt.datetime | None = None  # the service found the network gone: it shows the last day


@dataclass(frozen=True)
class RadarState:
    rules: list[RadarRule]
    dismissed: list[Dismissal] = field(default_factory=list)


OnProgress = Callable[[FetchProgress], None]
OnBriefingEvent = Callable[["BriefingEvent"], None]


class Hub(abc.ABC):
    """The questions and changes the command line needs, answered by the files or by the service."""

    @abc.abstractmethod
    def cards(self, day: dt.date | None, source: str | None, radar_only: bool) -> DayCards:
        """The day's cards (default: the latest day), only `source`'s; only the radar's matches, best first,
        when `radar_only`."""

    @abc.abstractmethod
    def status(self) -> HubStatus: ...

    @abc.abstractmethod
    def fetch(self, on_progress: OnProgress) -> FetchOutcome:
        """Refresh every configured source, telling `on_progress` as each one is done."""

    @abc.abstractmethod
    def ingest(self, directory: Path) -> FetchOutcome:
        """Store the papers of every recorded feed file in `directory` (offline)."""

    @abc.abstractmethod
    def radar(self) -> RadarState: ...

    @abc.abstractmethod
    def add_rule(self, rule: RadarRule) -> RadarRule: ...

    @abc.abstractmethod
    def remove_rule(self, name: str) -> RadarRule: ...

    @abc.abstractmethod
    def dismiss(self, paper_id: str) -> Dismissal: ...

    @abc.abstractmethod
    def undismiss(self, paper_id: str) -> bool:
        """Take a dismissal back; False when the paper was not dismissed."""

    @abc.abstractmethod
    def brief(
        self, day: dt.date | None, language: Language, fresh: bool, on_event: OnBriefingEvent
    ) -> Briefing: ...


def open_hub(paths: Paths) -> Hub:
    """The service's hub while one runs on this data dir (and answers), else the files' own."""
    from ..service.runtime import find_running

    running = find_running(paths)
    if running is not None:
        from .remote_hub import RemoteHub

        return RemoteHub.for_service(running)
    from .local_hub import LocalHub

    return LocalHub(paths)
