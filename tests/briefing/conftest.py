"""The recorded seed day, ingested once, and the bundled model, loaded once: a briefing of the seed day is
written once per session and its events kept, and the tests read that run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from academichub.briefing.day import brief_day, day_cards
from academichub.briefing.model import Briefing, BriefingEvent
from academichub.briefing.select import select_papers
from academichub.ingest.refresh import ingest_directory
from academichub.llm.local import LocalModel
from academichub.llm.manager import ModelManager
from academichub.models import Card
from academichub.paths import Paths
from academichub.store.paper_store import PaperStore


@dataclass
class SeedDay:
    paths: Paths
    day: dt.date
    cards: list[Card]

    def card(self, n: int) -> Card:
        return next(c for c in self.cards if c.n == n)


@dataclass
class WrittenBriefing:
    briefing: Briefing
    events: list[BriefingEvent] = field(default_factory=list)


@pytest.fixture(scope="session")
def seed(tmp_path_factory, seed_day) -> SeedDay:
    paths = Paths.under(tmp_path_factory.mktemp("seed-data"))
    with PaperStore(paths.papers) as store:
        ingest_directory(seed_day, store)
        day = store.latest_day()
        papers = store.day(day)
    return SeedDay(paths, day, day_cards(papers, paths.data))


@pytest.fixture(scope="session")
def chosen(seed) -> list[Card]:
    """The 25 papers the seed day's briefing reads."""
    return select_papers(seed.cards)


@pytest.fixture(scope="session")
async def model():
    """The bundled SmolLM2-135M with the threads the sidecar would choose here."""
    manager = ModelManager(LocalModel(), idle_unload_s=0)
    await manager.load()
    yield manager
    await manager.close()


@pytest.fixture(scope="session")
async def seed_briefing(seed, model) -> WrittenBriefing:
    """The seed day's English briefing, written once through the same path as the CLI and the API."""
    written = WrittenBriefing(briefing=None)  # type: ignore[arg-type]
    written.briefing = await brief_day(
        seed.cards, day=seed.day, manager=model, data_dir=seed.paths.data, on_event=written.events.append
    )
    return written
