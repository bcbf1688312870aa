"""The refresh schedule: arXiv's announcements and the journals' interval, a refresh at start when the papers
are stale, and a refresh cut short by a shutdown that resumes at the next start."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import aiohttp
import pytest

from academichub.config import Config, RefreshSettings, save_config
from academichub.ingest.arxiv_calendar import ARXIV_TZ
from academichub.ingest.fetcher import Fetcher
from academichub.models import SourceHealth, SourceKind
from academichub.paths import Paths
from academichub.service.runtime import Runtime
from academichub.service.scheduler import (
    ARXIV_KINDS,
    JOURNAL_KINDS,
    due_kinds,
    last_arxiv_refresh,
    next_arxiv_refresh,
)
from academichub.service.serve import serve
from feed_server import SEED_DAY, FeedServer, recorded, slow
from running import offline_config

ET = ARXIV_TZ
SETTINGS = RefreshSettings()  # 30 minutes after the announcement, then again at 6 hours


def et(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=ET)  # June 2026: the 21st is a Sunday


# ---- the schedule ----


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (et(24, 12), et(24, 20, 30)),  # Wednesday noon: this evening's announcement
        (et(24, 20, 45), et(25, 2)),  # after the first look: again once the RSS feed is rebuilt
        (et(26, 12), et(28, 20, 30)),  # Friday: no announcement until Sunday evening
        (et(27, 23), et(28, 20, 30)),  # Saturday
        (et(25, 20, 30), et(26, 2)),  # exactly at a moment: the next one
    ],
)
def test_next_arxiv_refresh_follows_the_announcements(now: dt.datetime, expected: dt.datetime) -> None:
    assert next_arxiv_refresh(now.astimezone(dt.UTC), SETTINGS) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (et(24, 21), et(24, 20, 30)),
        (et(25, 3), et(25, 2)),
        (et(27, 12), et(26, 2)),  # Saturday: the last look was early Friday
    ],
)
def test_last_arxiv_refresh(now: dt.datetime, expected: dt.datetime) -> None:
    assert last_arxiv_refresh(now, SETTINGS) == expected


def _health(key: str, attempt: dt.datetime | None) -> SourceHealth:
    return SourceHealth(key=key, last_attempt=attempt)


@pytest.mark.parametrize(
    ("arxiv_attempt", "journal_attempt", "due"),
    [
        (None, None, ARXIV_KINDS | JOURNAL_KINDS),  # never fetched
        (et(24, 20, 45), et(24, 20, 45), set()),  # fetched after the last moment, and within the interval
        (et(24, 20, 0), et(24, 20, 45), ARXIV_KINDS),  # fetched before this evening's announcement
        (et(24, 20, 45), et(24, 14), JOURNAL_KINDS),  # journals last fetched 7 hours ago
    ],
)
def test_due_kinds_at_start(arxiv_attempt, journal_attempt, due) -> None:
    now = et(24, 21)
    arxiv = [_health("arxiv:cs.AI", arxiv_attempt)]
    journals = [_health("nature", journal_attempt)]
    assert due_kinds(now, SETTINGS, arxiv, journals) == due


def test_one_source_never_fetched_makes_its_kind_due() -> None:
    now = et(24, 21)
    arxiv = [_health("arxiv:cs.AI", et(24, 20, 45)), _health("arxiv:cs.CV", None)]
    assert due_kinds(now, SETTINGS, arxiv, []) == set(ARXIV_KINDS)
    assert SourceKind.arxiv not in JOURNAL_KINDS


# ---- refreshing at start ----


async def _status_when_refreshed(paths: Paths) -> dict:
    """Run the service until its first refresh has finished; its status then."""
    stop, ready, seen = asyncio.Event(), asyncio.Event(), {}

    def on_ready(runtime: Runtime, token: str) -> None:
        seen.update(url=runtime.url, token=token)
        ready.set()

    service = asyncio.create_task(
        serve(
            paths,
            0,
            on_ready=on_ready,
            stop=stop,
            fetcher_factory=lambda: Fetcher(default_gap=0, gaps={}, tries=1),
        )
    )
    await ready.wait()
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {seen['token']}"}) as client:
            async with asyncio.timeout(10):
                while True:
                    async with client.get(seen["url"] + "status") as r:
                        status = await r.json()
                    if status["refresh"]["state"] in ("finished", "failed"):
                        return status
                    await asyncio.sleep(0.05)
    finally:
        stop.set()
        await service


async def test_stale_papers_are_refreshed_at_start(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    async with FeedServer() as feeds:
        feeds.serve("/nature.xml", recorded(SEED_DAY / "journal_rss1_nature_science.xml"))
        save_config(
            paths.config_file,
            Config(
                sources=[feeds.url("/nature.xml")],
                backfill_days=0,
                refresh=RefreshSettings(on_start=True, scheduled=False),
            ),
        )
        status = await _status_when_refreshed(paths)
    assert (status["refresh"]["trigger"], status["refresh"]["state"]) == ("start", "finished")
    assert status["papers"] > 0
    assert status["sources"][0]["health"]["state"] == "ok"
    assert status["schedule"]["next_journals"] is not None


# ---- a refresh cut short resumes ----


async def test_a_refresh_cut_short_by_a_shutdown_resumes_at_the_next_start(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    async with FeedServer() as feeds:
        feeds.serve("/slow.xml", slow(30, recorded(SEED_DAY / "arxiv_rss_cs.AI.xml")))
        offline_config(tmp_path, [feeds.url("/slow.xml")])

        async def run_until(stop: asyncio.Event, ready: asyncio.Event, seen: dict) -> None:
            def on_ready(runtime: Runtime, token: str) -> None:
                seen.update(runtime=runtime, token=token)
                ready.set()

            await serve(
                paths,
                0,
                on_ready=on_ready,
                stop=stop,
                fetcher_factory=lambda: Fetcher(default_gap=0, gaps={}, tries=1, timeout=60),
            )

        stop, ready, seen = asyncio.Event(), asyncio.Event(), {}
        service = asyncio.create_task(run_until(stop, ready, seen))
        await ready.wait()
        url = f"http://127.0.0.1:{seen['runtime'].port}/api/v1/"
        headers = {"Authorization": f"Bearer {seen['token']}"}
        async with aiohttp.ClientSession(headers=headers) as client:
            async with client.post(url + "refresh") as r:
                assert r.status == 202
            await asyncio.sleep(0.2)
            stop.set()  # as SIGTERM does
            async with asyncio.timeout(10):
                await service
        assert (paths.state / "refresh-pending.json").exists()

        feeds.serve("/slow.xml", recorded(SEED_DAY / "arxiv_rss_cs.AI.xml"))
        stop, ready, seen = asyncio.Event(), asyncio.Event(), {}
        service = asyncio.create_task(run_until(stop, ready, seen))
        await ready.wait()
        url = f"http://127.0.0.1:{seen['runtime'].port}/api/v1/"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {seen['token']}"}) as client:
            async with asyncio.timeout(10):
                while True:
                    async with client.get(url + "status") as r:
                        status = await r.json()
                    if status["refresh"]["state"] == "finished":
                        break
                    await asyncio.sleep(0.05)
        stop.set()
        await service
    assert status["refresh"]["trigger"] == "resume"
    assert status["papers"] > 0
    assert not (paths.state / "refresh-pending.json").exists()
