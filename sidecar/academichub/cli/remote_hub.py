"""The Hub while the service runs: it owns the store, so every question goes to it over the loopback API
(the same authenticated routes the extension uses), and its answers come back as the LocalHub's would."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ..api.models import RefreshProgress, SourceStatus
from ..briefing.model import Briefing, Language
from ..models import HealthState
from ..radar import Dismissal, RadarRule, RuleList
from ..service.client import ServiceClient, ServiceRefused, ServiceUnreachable
from ..service.runtime import RunningService
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
)

T = TypeVar("T")


@contextmanager
def _answers() -> Iterator[None]:
    """The service's refusals and silences, as HubErrors in its own words."""
    try:
        yield
    except ServiceRefused as exc:
        raise HubError(exc.detail) from None
    except ServiceUnreachable as exc:
        raise HubError(f"{exc}; is the service still running? (`academichub status` asks again)") from None


def _progress(progress: RefreshProgress) -> FetchProgress:
    return FetchProgress(progress.sources_done, progress.sources_total, progress.current, progress.papers_new)


class RemoteHub(Hub):
    def __init__(self, client: ServiceClient, service: RunningService):
        self.client = client
        self.service = service

    @classmethod
    def for_service(cls, service: RunningService) -> RemoteHub:
        return cls(ServiceClient(service.port, service.token), service)

    def _ask(self, question: Callable[[], T]) -> T:
        with _answers():
            return question()

    # ---- cards and status ----

    def cards(self, day: dt.date | None, source: str | None, radar_only: bool) -> DayCards:
        with _answers():
            shown, cards = self.client.cards(day, source, radar_only)
            if not radar_only:
                return DayCards(shown, cards, bool(cards), radar_problem=self._radar_problem())
            # An empty radar view of a day that has papers says so, as it does without the service.
            has_papers = bool(cards) or self.client.day_total(shown, source) > 0
            return DayCards(shown, cards, has_papers, weights=self.client.rule_weights())

    def _radar_problem(self) -> str | None:
        """Why the radar cannot be read (the service then serves the cards without it), if it cannot."""
        try:
            self.client.get("/radar/rules")
        except ServiceRefused as exc:
            return exc.detail if exc.error == "radar_file_broken" else None
        return None

    def status(self) -> HubStatus:
        report = self._ask(self.client.status)
        refresh = report.refresh
        return HubStatus(
            papers=report.papers,
            latest_day=report.latest_day,
            sources=[s.health for s in report.sources],
            service=f"{self.service.url} (pid {self.service.pid})",
            refreshing=_progress(refresh) if refresh.state == "running" else None,
            offline_since=refresh.offline_since,
        )

    # ---- fetching ----

    def fetch(self, on_progress: OnProgress) -> FetchOutcome:
        """Start the service's refresh (or join the one under way) and follow its events to the end."""
        with _answers(), self.client.refresh_events() as events:
            next(events)  # the state now: from here on, no event of the refresh can be missed
            started = self.client.start_refresh()
            final = None
            for event in events:
                if event.progress.id != started.id:
                    continue
                if event.phase == "source":
                    on_progress(_progress(event.progress))
                elif event.phase in ("finished", "failed"):
                    final = event.progress
                    break
            if final is None:
                raise HubError(
                    "the service stopped before its refresh finished; it resumes at the next start"
                )
            report = self.client.status()
        return _outcome(final, report.sources)

    def ingest(self, directory: Path) -> FetchOutcome:
        raise HubError(
            f"the service on {self.service.url} (pid {self.service.pid}) holds the store: stop it to ingest "
            "recorded feeds, or let it fetch your sources with `academichub fetch`"
        )

    # ---- the radar ----

    def radar(self) -> RadarState:
        with _answers():
            rules = RuleList.model_validate(self.client.get("/radar/rules")).rules
            dismissed = self.client.get("/radar/dismissals")["dismissed"]
        return RadarState(rules, [Dismissal.model_validate(d) for d in dismissed])

    def add_rule(self, rule: RadarRule) -> RadarRule:
        answer = self._ask(lambda: self.client.call("POST", "/radar/rules", rule.model_dump(mode="json")))
        return RadarRule.model_validate(answer)

    def remove_rule(self, name: str) -> RadarRule:
        wanted = name.casefold()
        rule = next((r for r in self.radar().rules if r.name.casefold() == wanted), None)
        self._ask(lambda: self.client.call("DELETE", f"/radar/rules/{urllib.parse.quote(name, safe='')}"))
        # Not in the listing but removed all the same: it was added in between; its name is all we know.
        return rule or RadarRule.model_construct(name=name)

    def dismiss(self, paper_id: str) -> Dismissal:
        answer = self._ask(lambda: self.client.call("POST", "/radar/dismissals", {"id": paper_id}))
        return Dismissal.model_validate(answer)

    def undismiss(self, paper_id: str) -> bool:
        with _answers():
            try:
                self.client.call("DELETE", f"/radar/dismissals/{urllib.parse.quote(paper_id, safe='')}")
            except ServiceRefused as exc:
                if exc.status != 404:  # 404: it was not dismissed
                    raise
                return False
        return True

    # ---- the briefing ----

    def brief(
        self, day: dt.date | None, language: Language, fresh: bool, on_event: OnBriefingEvent
    ) -> Briefing:
        from ..briefing.day import NoPapers, brief_through_service

        try:
            return brief_through_service(
                self.client.base,
                self.client.token,
                day=day,
                language=language,
                on_event=on_event,
                fresh=fresh,
            )
        except (NoPapers, RuntimeError, OSError) as exc:
            raise HubError(str(exc)) from None


def _outcome(final: RefreshProgress, sources: list[SourceStatus]) -> FetchOutcome:
    """The refresh's summary, as the local fetch words it, from what the service reports."""
    healths = [s.health for s in sources]
    counts = {state: sum(h.state == state for h in healths) for state in HealthState}
    states = ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)
    lines = [f"{len(healths)} sources ({states or 'none'}): {final.papers_new} new papers."]
    names = {s.source.key: s.source.name for s in sources}
    lines += [
        f"  {names[h.key]}: {h.state.value}, {h.reason}"
        for h in healths
        if h.state not in (HealthState.ok, HealthState.never)
    ]
    if final.error:
        lines.append(f"  {final.error}")
    ok = final.state == "finished" and not final.error
    return FetchOutcome("\n".join(lines), ok)
