"""Fixtures for the API tests: the seed day stored once, and a running sidecar on a copy of it per test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from served import SEED_SOURCES, SeedFacts, Sidecar, start_sidecar

from academichub.config import Config, RefreshSettings, save_config
from academichub.ingest.jobs import ingest_recordings
from academichub.paths import Paths, seed_day_dir
from academichub.store.paper_store import PaperStore


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed day ingested once; each test gets its own copy."""
    root = tmp_path_factory.mktemp("seeded")
    paths = Paths.under(root)
    save_config(
        paths.config_file,
        Config(
            sources=SEED_SOURCES, backfill_days=0, refresh=RefreshSettings(on_start=False, scheduled=False)
        ),
    )
    ingest_recordings(paths, seed_day_dir())
    return root


@pytest.fixture(scope="session")
def seed(seeded_dir: Path) -> SeedFacts:
    with PaperStore(Paths.under(seeded_dir).papers) as store:
        days = store.days()[::-1]
        return SeedFacts(latest=days[0], on_latest=len(store.day(days[0])), days=days, papers=store.count())


@pytest.fixture
async def sidecar(seeded_dir: Path, tmp_path: Path) -> AsyncIterator[Sidecar]:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    runner, served = await start_sidecar(data_dir)
    try:
        yield served
    finally:
        await served.client.close()
        await runner.cleanup()
