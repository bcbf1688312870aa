"""The jobs the CLI and the service run: each opens what it needs from the user's paths and closes it."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..models import Source
from ..paths import Paths
from ..store.paper_store import PaperStore
from .fetcher import Fetcher
from .health import HealthBook
from .refresh import Progress, RefreshReport, ingest_directory, refresh
from .sources.catalogue import find_source, source_for_url


def configured_sources(paths: Paths) -> list[Source]:
    """The config names sources by catalogue key or by URL; an unknown name is an error that says so."""
    config = load_config(paths.config_file)
    return [
        source_for_url(name) if name.startswith(("http://", "https://")) else find_source(name)
        for name in config.sources
    ]


def ingest_recordings(paths: Paths, directory: Path) -> RefreshReport:
    with PaperStore(paths.papers) as store:
        return ingest_directory(directory, store)


async def fetch_configured(paths: Paths, progress: Progress | None = None) -> RefreshReport:
    """Refresh every configured source; `progress` hears of each source as it is done (see refresh)."""
    sources = configured_sources(paths)
    with PaperStore(paths.papers) as store:
        async with Fetcher() as fetcher:
            return await refresh(sources, store, HealthBook(paths.state), fetcher, progress=progress)
