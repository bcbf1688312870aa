"""One feed that asks to be left alone for a day does not hold the others: a refresh of the running service
ends, the feed is reported with why, and the other feeds of the same host arrive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from academichub.paths import Paths
from feed_server import SEED_DAY, FeedServer, recorded, status
from running import end, offline_config, serve


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


async def test_a_day_long_retry_after_on_one_feed_never_stalls_the_others_on_its_host(
    tmp_path: Path, feeds: FeedServer
) -> None:
    busy = feeds.serve("/busy.xml", status(503, **{"Retry-After": "100000"}))
    fine = feeds.serve("/fine.xml", recorded(SEED_DAY / "arxiv_rss_cs.AI.xml"))
    offline_config(tmp_path, [busy, fine], backfill_days=0)
    process, port = await asyncio.to_thread(serve, tmp_path)
    token = (Paths.under(tmp_path).state / "token").read_text().strip()
    url = f"http://127.0.0.1:{port}/api/v1/"
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as client:
            async with client.post(url + "refresh") as response:
                assert response.status == 202
            async with asyncio.timeout(20):
                while True:
                    async with client.get(url + "status") as response:
                        report = await response.json()
                    if report["refresh"]["state"] != "running":
                        break
                    await asyncio.sleep(0.05)
    finally:
        await asyncio.to_thread(end, process)
    assert report["refresh"]["state"] == "finished"
    health = {s["source"]["url"]: s["health"] for s in report["sources"]}
    assert health[busy]["state"] == "failing"
    assert "asked to retry after 100000 s" in health[busy]["reason"]
    assert health[fine]["state"] == "ok" and report["papers"] > 0
    assert len(feeds.arrivals_at("/busy.xml")) == 1  # asked once, not hammered
