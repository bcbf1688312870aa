"""The offline demo: a data dir holding the recorded seed day, served with a fetcher that never goes
online."""

from __future__ import annotations

from pathlib import Path

from ..config import Config, RefreshSettings, save_config
from ..ingest.fetcher import Fetcher, FetchError, FetchResult
from ..paths import Paths
from ..store.paper_store import PaperStore, StoreError
from .runtime import AlreadyRunning, ServiceError, read_runtime


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
