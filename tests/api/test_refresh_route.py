"""Refresh now, and its progress as Server-Sent Events, against recorded feeds on a local feed server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from served import Sidecar, start_sidecar

from academichub.api.models import RefreshEvent, RefreshStarted, StatusReport
from academichub.config import Config, RefreshSettings, save_config
from academichub.paths import Paths
from feed_server import SEED_DAY, FeedServer, recorded, slow

FEEDS = ["arxiv_rss_cs.AI.xml", "arxiv_rss_quant-ph.xml", "journal_rss1_nature_science.xml"]


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        for name in FEEDS:
            server.serve(f"/{name}", recorded(SEED_DAY / name))
        yield server


async def _sidecar(tmp_path: Path, feeds: FeedServer) -> tuple[object, Sidecar]:
    paths = Paths.under(tmp_path / "data")
    save_config(
        paths.config_file,
        Config(
            sources=[feeds.url(f"/{n}") for n in FEEDS],
            backfill_days=0,
            refresh=RefreshSettings(on_start=False, scheduled=False),
        ),
    )
    return await start_sidecar(paths.data)


@pytest.fixture
async def empty_sidecar(tmp_path: Path, feeds: FeedServer) -> AsyncIterator[Sidecar]:
    runner, served = await _sidecar(tmp_path, feeds)
    try:
        yield served
    finally:
        await served.client.close()
        await runner.cleanup()  # type: ignore[attr-defined]


async def _events(response: aiohttp.ClientResponse) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs as a client parses the stream."""
    event, data = "message", []
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


async def test_refresh_streams_progress_until_done(empty_sidecar: Sidecar) -> None:
    sidecar = empty_sidecar
    seen: list[RefreshEvent] = []
    async with sidecar.client.get("/api/v1/events") as stream:
        assert stream.status == 200 and stream.content_type == "text/event-stream"
        events = _events(stream)
        first = RefreshEvent.model_validate_json((await anext(events))[1])  # the state on connecting
        assert first.progress.state == "idle"
        async with sidecar.client.post("/api/v1/refresh") as r:
            assert r.status == 202
            started = RefreshStarted.model_validate(await r.json())
        assert not started.already_running
        async with asyncio.timeout(20):
            async for name, data in events:
                assert name == "refresh"
                event = RefreshEvent.model_validate_json(data)
                seen.append(event)
                if event.phase in ("finished", "failed"):
                    break
    assert [e.phase for e in seen] == ["started", "source", "source", "source", "finished"]
    assert {e.progress.id for e in seen} == {started.id}
    assert [e.progress.sources_done for e in seen] == [0, 1, 2, 3, 3]
    assert all(e.progress.sources_total == 3 for e in seen)
    last = seen[-1].progress
    assert last.state == "finished" and last.error is None and last.papers_new > 0
    async with sidecar.client.get("/api/v1/status") as r:
        status = StatusReport.model_validate(await r.json())
    assert status.papers == last.papers_new
    assert status.refresh == last
    assert all(s.health.state.value == "ok" for s in status.sources)


async def test_cards_appear_after_a_refresh(empty_sidecar: Sidecar) -> None:
    async with empty_sidecar.client.get("/api/v1/cards") as r:
        assert (await r.json())["total"] == 0
    empty_sidecar.refresher.start("test")
    await empty_sidecar.refresher.wait()
    for _ in range(100):
        async with empty_sidecar.client.get("/api/v1/cards") as r:
            page = await r.json()
        if page["total"]:
            break
        await asyncio.sleep(0.02)
    assert page["total"] > 0  # on the latest day: the arXiv mailing's, or today's for journal items


async def test_a_second_refresh_request_joins_the_running_one(
    empty_sidecar: Sidecar, feeds: FeedServer
) -> None:
    feeds.serve(f"/{FEEDS[0]}", slow(0.5, recorded(SEED_DAY / FEEDS[0])))
    async with empty_sidecar.client.post("/api/v1/refresh") as r:
        first = RefreshStarted.model_validate(await r.json())
    async with empty_sidecar.client.post("/api/v1/refresh") as r:
        assert r.status == 202
        second = RefreshStarted.model_validate(await r.json())
    assert (second.id, second.already_running) == (first.id, True)
    await empty_sidecar.refresher.wait()


async def test_a_second_refresh_sends_validators_and_costs_nothing(
    empty_sidecar: Sidecar, feeds: FeedServer
) -> None:
    for _ in range(2):
        empty_sidecar.refresher.start("test")
        await empty_sidecar.refresher.wait()
    second = [feeds.arrivals_at(f"/{name}")[-1] for name in FEEDS]
    assert all("If-None-Match" in a.headers for a in second)
    assert empty_sidecar.refresher.progress.papers_new == 0
    assert all(
        s.state.value == "ok" and "not modified" in s.reason
        for s in empty_sidecar.refresher.last_report.sources
    )


async def test_a_refresh_cut_short_leaves_a_marker_that_a_finished_one_removes(
    empty_sidecar: Sidecar, feeds: FeedServer
) -> None:
    feeds.serve(f"/{FEEDS[0]}", slow(5, recorded(SEED_DAY / FEEDS[0])))
    empty_sidecar.refresher.start("api")
    await asyncio.sleep(0.1)
    await empty_sidecar.refresher.stop()
    assert empty_sidecar.refresher.interrupted() == {
        "id": empty_sidecar.refresher.progress.id,
        "trigger": "api",
        "kinds": None,
    }
    feeds.serve(f"/{FEEDS[0]}", recorded(SEED_DAY / FEEDS[0]))
    empty_sidecar.refresher.start("resume")
    await empty_sidecar.refresher.wait()
    assert empty_sidecar.refresher.interrupted() is None


async def test_the_event_stream_ends_when_the_service_stops(tmp_path: Path, feeds: FeedServer) -> None:
    runner, sidecar = await _sidecar(tmp_path, feeds)
    try:
        async with sidecar.client.get("/api/v1/events") as stream:
            await stream.content.readline()
            cleanup = asyncio.create_task(runner.cleanup())  # type: ignore[attr-defined]
            async with asyncio.timeout(5):
                rest = await stream.content.read()
            await cleanup
        assert json.loads(rest.split(b"data: ", 1)[1].split(b"\n", 1)[0])["progress"]["state"] == "idle"
    finally:
        await sidecar.client.close()
