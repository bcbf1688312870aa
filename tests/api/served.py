"""A real sidecar on 127.0.0.1: the real application on a real TCP socket (no test-client shortcuts), so the
Host header, the body limit and the error layer are exercised exactly as the extension meets them."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

# The shared local feed server lives one level up (tests/feed_server.py).
sys.path.insert(0, str(Path(__file__).parents[1]))

from academichub.api.app import LISTENING, create_app
from academichub.api.context import LIBRARY, REFRESHER
from academichub.ingest.fetcher import Fetcher
from academichub.paths import Paths
from academichub.service.library import Library
from academichub.service.refresher import Refresher

TOKEN = "test-token-0123456789"
SEED_SOURCES = ["arxiv:cs.AI", "arxiv:quant-ph", "nature"]


def fast_fetcher() -> Fetcher:
    # Every local feed is on one host; the polite one-second gap per host would only slow the tests.
    return Fetcher(default_gap=0.0, gaps={}, tries=1, timeout=10)


@dataclass(frozen=True)
class SeedFacts:
    """What the stored seed day holds, read from the store itself (so the tests follow the store's rules)."""

    latest: dt.date
    on_latest: int  # papers on the latest day
    days: list[dt.date]  # newest first
    papers: int


@dataclass
class Sidecar:
    url: str
    port: int
    paths: Paths
    app: web.Application
    client: aiohttp.ClientSession  # sends the token

    @property
    def library(self) -> Library:
        return self.app[LIBRARY]

    @property
    def refresher(self) -> Refresher:
        return self.app[REFRESHER]


async def start_sidecar(
    data_dir: Path, fetcher_factory: Callable[[], Fetcher] = fast_fetcher, token: str = TOKEN
) -> tuple[web.AppRunner, Sidecar]:
    paths = Paths.under(data_dir)
    app = create_app(Library(paths), token, fetcher_factory=fetcher_factory)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    app[LISTENING].port = port
    url = f"http://127.0.0.1:{port}"
    client = aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"})
    return runner, Sidecar(url=url, port=port, paths=paths, app=app, client=client)
