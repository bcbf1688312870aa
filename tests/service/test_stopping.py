"""SIGTERM (logout, systemd) and SIGINT (Ctrl-C) stop the service within 5 s whatever it is doing, with the
store closed cleanly; a second signal stops it at once. Each phase runs the real `academichub serve` against
a real local feed server that misbehaves."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from xml.sax.saxutils import escape

import aiohttp
import pytest

from academichub.config import RefreshSettings
from academichub.paths import Paths, seed_day_dir
from academichub.service.runtime import read_runtime
from academichub.store.paper_store import PaperStore
from feed_server import SEED_DAY, FeedServer, body, recorded, slow
from running import command, end, offline_config, serve

STOP_WITHIN = 5.0
UNREACHABLE = "http://academichub-test.invalid/feed.xml"  # RFC 6761: never resolves


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


def big_feed(items: int) -> bytes:
    """An RSS feed of `items` distinct papers: a store commit that takes a while."""
    entries = "".join(
        f"<item><title>{escape(f'Paper {i} on quantum error correction')}</title>"
        f"<link>https://example.org/paper/{i}</link><guid>https://example.org/paper/{i}</guid>"
        f"<description>Abstract {i}: {'words ' * 60}</description>"
        f"<pubDate>Wed, 24 Jun 2026 04:00:00 GMT</pubDate></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big journal</title>'
        f"<link>https://example.org/</link><description>many</description>{entries}</channel></rss>"
    ).encode()


class Service:
    """A running `serve` and what a test asks it."""

    def __init__(self, data_dir: Path, process: subprocess.Popen[str], port: int):
        self.paths = Paths.under(data_dir)
        self.process, self.port = process, port
        self.token = (self.paths.state / "token").read_text().strip()
        self.url = f"http://127.0.0.1:{self.port}/api/v1/"
        self.client = aiohttp.ClientSession(headers={"Authorization": f"Bearer {self.token}"})
        self.open_streams: list[aiohttp.ClientResponse] = []  # closed with the client

    @classmethod
    async def start(cls, data_dir: Path) -> Service:
        # In a thread: the feed server shares this loop and must answer the start-up refresh meanwhile.
        return cls(data_dir, *await asyncio.to_thread(serve, data_dir))

    async def get(self, path: str) -> dict:
        async with self.client.get(self.url + path) as response:
            return await response.json()

    async def until(self, ready: Callable[[dict], bool], timeout: float = 20.0) -> dict:
        """Poll /status until `ready(status)`."""
        async with asyncio.timeout(timeout):
            while True:
                status = await self.get("status")
                if ready(status):
                    return status
                await asyncio.sleep(0.02)

    async def stop(self, *signums: int) -> float:
        """Send the signals; the seconds until the process ended."""
        sent = time.monotonic()
        for signum in signums:
            self.process.send_signal(signum)
        await self.client.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self.process.wait, STOP_WITHIN + 5)
        return time.monotonic() - sent

    def close(self) -> str:
        """End the process if a test left it; its stderr."""
        end_err = ""
        if self.process.poll() is None:
            end(self.process)
        elif self.process.stderr is not None:
            end_err = self.process.stderr.read()
            self.process.stderr.close()
            assert self.process.stdout is not None
            self.process.stdout.close()
        return end_err


def refreshing(status: dict) -> bool:
    return status["refresh"]["state"] == "running"


async def idle(service: Service, feeds: FeedServer) -> None:
    await service.get("status")


async def startup_refresh(service: Service, feeds: FeedServer) -> None:
    await service.until(refreshing)
    await asyncio.sleep(0.3)  # into the fetches


async def api_refresh(service: Service, feeds: FeedServer) -> None:
    async with service.client.post(service.url + "refresh") as response:
        assert response.status == 202
    await service.until(refreshing)
    await asyncio.sleep(0.3)


async def store_commit(service: Service, feeds: FeedServer) -> None:
    async with service.client.post(service.url + "refresh") as response:
        assert response.status == 202
    # Every source fetched and parsed, the refresh still running: its papers are being saved.
    await service.until(lambda s: refreshing(s) and s["refresh"]["sources_done"] == 1, timeout=60)


async def briefing(service: Service, feeds: FeedServer) -> None:
    response = await service.client.post(service.url + "briefings", json={})
    assert response.status == 200
    async for line in response.content:  # the first progress event: the model is at work
        if line.startswith(b"event: progress"):
            break
    service.open_streams.append(response)  # the briefing goes on while the signal arrives


Setup = Callable[[Path, FeedServer], None]
Phase = Callable[[Service, FeedServer], Awaitable[None]]


def no_sources(data_dir: Path, feeds: FeedServer) -> None:
    offline_config(data_dir)


def at_start(*urls: Callable[[FeedServer], str]) -> Setup:
    def setup(data_dir: Path, feeds: FeedServer) -> None:
        offline_config(
            data_dir,
            [url(feeds) for url in urls],
            backfill_days=0,
            refresh=RefreshSettings(on_start=True, scheduled=True),
        )

    return setup


def on_request(*urls: Callable[[FeedServer], str]) -> Setup:
    def setup(data_dir: Path, feeds: FeedServer) -> None:
        offline_config(data_dir, [url(feeds) for url in urls], backfill_days=0)

    return setup


def seeded(data_dir: Path, feeds: FeedServer) -> None:
    offline_config(data_dir)
    fetch = command(data_dir, "fetch", "--from-dir", str(seed_day_dir()))
    assert fetch.wait(timeout=60) == 0, fetch.communicate()


def slow_feed(feeds: FeedServer) -> str:
    return feeds.serve("/slow.xml", slow(60, recorded(SEED_DAY / "arxiv_rss_cs.AI.xml")))


def unreachable(feeds: FeedServer) -> str:
    return UNREACHABLE


def many_papers(feeds: FeedServer) -> str:
    return feeds.serve("/big.xml", body(big_feed(2500)))


PHASES: dict[str, tuple[Setup, Phase]] = {
    "idle": (no_sources, idle),
    "start-up refresh, a host that does not resolve": (at_start(unreachable, slow_feed), startup_refresh),
    "start-up refresh, a slow host": (at_start(slow_feed), startup_refresh),
    "refresh asked for by the API": (on_request(slow_feed), api_refresh),
    "a store commit": (on_request(many_papers), store_commit),
    "a briefing being written": (seeded, briefing),
}


def assert_stopped_cleanly(service: Service, took: float, stderr: str) -> None:
    assert service.process.returncode == 0, stderr
    assert took < STOP_WITHIN, f"took {took:.1f} s"
    log = (service.paths.state / "service.log").read_text()
    assert log.rstrip().endswith("stopped"), log[-2000:]
    assert "Traceback" not in log + stderr
    assert read_runtime(service.paths) is None
    with PaperStore(service.paths.papers) as store:  # closed cleanly: its lock is free, its data whole
        assert store.count() >= 0


@pytest.mark.parametrize("phase", list(PHASES))
async def test_sigterm_stops_the_service_within_5_s(tmp_path: Path, feeds: FeedServer, phase: str) -> None:
    setup, reach = PHASES[phase]
    setup(tmp_path, feeds)
    service = await Service.start(tmp_path)
    try:
        await reach(service, feeds)
        took = await service.stop(signal.SIGTERM)
    finally:
        stderr = service.close()
    assert_stopped_cleanly(service, took, stderr)


async def test_sigint_stops_a_refresh_under_way(tmp_path: Path, feeds: FeedServer) -> None:
    on_request(slow_feed)(tmp_path, feeds)
    service = await Service.start(tmp_path)
    try:
        await api_refresh(service, feeds)
        took = await service.stop(signal.SIGINT)
    finally:
        stderr = service.close()
    assert_stopped_cleanly(service, took, stderr)
    # The refresh was cut short: it resumes at the next start.
    assert json.loads((service.paths.state / "refresh-pending.json").read_text())["trigger"] == "api"


async def test_a_second_signal_stops_it_at_once(tmp_path: Path, feeds: FeedServer) -> None:
    on_request(slow_feed)(tmp_path, feeds)
    service = await Service.start(tmp_path)
    try:
        await api_refresh(service, feeds)
        took = await service.stop(signal.SIGTERM, signal.SIGTERM)
    finally:
        stderr = service.close()
    assert service.process.returncode is not None and took < 2.0, f"took {took:.1f} s"
    assert "Traceback" not in stderr
    assert read_runtime(service.paths) is None
    with PaperStore(service.paths.papers):
        pass
