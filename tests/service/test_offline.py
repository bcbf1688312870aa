"""Offline is a state, not ten failures: a laptop without network gets a quick refresh that says so, status
and the popup say since when, the next refresh runs once the network is back, and a refresh missed while the
laptop slept runs at wake."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from academichub.config import RefreshSettings
from academichub.ingest.fetcher import Fetcher
from academichub.models import SourceHealth
from academichub.paths import Paths
from academichub.service.library import Library
from academichub.service.refresher import Refresher
from academichub.service.scheduler import Scheduler
from feed_server import SEED_DAY, FeedServer, recorded
from running import command, end, offline_config, serve

NOWHERE = ["http://feeds.academichub-test.invalid/a.xml", "http://journal.academichub-test.invalid/b.xml"]


async def test_without_network_the_refresh_ends_at_once_and_status_says_offline_since(tmp_path: Path) -> None:
    offline_config(tmp_path, NOWHERE, backfill_days=0, refresh=RefreshSettings(on_start=True, scheduled=True))
    process, port = await asyncio.to_thread(serve, tmp_path)
    token = (Paths.under(tmp_path).state / "token").read_text().strip()
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as client:
            async with asyncio.timeout(20):
                while True:
                    async with client.get(f"http://127.0.0.1:{port}/api/v1/status") as r:
                        report = await r.json()
                    if report["refresh"]["state"] == "finished":
                        break
                    await asyncio.sleep(0.05)
        took = time.monotonic() - started
        cli = command(tmp_path, "status")
        out, err = await asyncio.to_thread(cli.communicate, timeout=60)
    finally:
        await asyncio.to_thread(end, process)
    assert took < 5, f"{took:.1f} s"  # one look-up per source, no retries, no backoff
    assert report["refresh"]["offline_since"] is not None
    for source in report["sources"]:
        assert source["health"]["last_error"].startswith("cannot look up"), source
        assert "tries" not in source["health"]["last_error"]
    since = dt.datetime.fromisoformat(report["refresh"]["offline_since"]).astimezone()
    assert f"offline since {since:%H:%M}, showing the last day" in out, out + err


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


async def test_the_next_refresh_runs_when_the_network_is_back(tmp_path: Path) -> None:
    offline_config(
        tmp_path, NOWHERE, backfill_days=0, refresh=RefreshSettings(on_start=False, scheduled=True)
    )
    library = Library(Paths.under(tmp_path))
    refresher = Refresher(library, lambda: Fetcher(tries=3, backoff=5.0))
    looks: list[list[str]] = []

    async def network_up(urls: list[str]) -> bool:
        looks.append(urls)
        return len(looks) >= 3  # back at the third look

    scheduler = Scheduler(library, refresher, network_up=network_up, check_every=0.05)
    try:
        refresher.start("api")
        await refresher.wait()
        assert refresher.offline_since is not None
        first_offline = refresher.offline_since
        running = asyncio.create_task(scheduler.run())
        async with asyncio.timeout(10):
            while refresher.progress.trigger != "network":
                await asyncio.sleep(0.02)
        await refresher.wait()
        running.cancel()
        assert looks[0] == NOWHERE
        assert refresher.offline_since == first_offline  # still none: the same outage, since the same time
    finally:
        await refresher.stop()
        library.close()


async def test_a_refresh_missed_while_the_laptop_slept_runs_at_wake(
    tmp_path: Path, feeds: FeedServer
) -> None:
    url = feeds.serve("/nature.xml", recorded(SEED_DAY / "journal_rss1_nature_science.xml"))
    offline_config(tmp_path, [url], backfill_days=0, refresh=RefreshSettings(on_start=False, scheduled=True))
    library = Library(Paths.under(tmp_path))
    refresher = Refresher(library, lambda: Fetcher(default_gap=0, gaps={}))
    now = dt.datetime.now(dt.UTC)
    source = library.sources()[0]
    library.health.save([SourceHealth(key=source.key, last_attempt=now - dt.timedelta(hours=1))])
    clock = {"now": now}
    scheduler = Scheduler(library, refresher, clock=lambda: clock["now"], check_every=0.05)
    try:
        running = asyncio.create_task(scheduler.run())
        await asyncio.sleep(0.3)
        assert refresher.progress.state == "idle"  # the journals are due in 5 hours
        clock["now"] = now + dt.timedelta(hours=9)  # the lid opens the next morning
        async with asyncio.timeout(5):
            while refresher.progress.trigger != "schedule":
                await asyncio.sleep(0.02)
        await refresher.wait()
        running.cancel()
        assert refresher.progress.state == "finished" and refresher.progress.papers_new > 0
    finally:
        await refresher.stop()
        library.close()
