"""The command line's test bench: a data dir holding the seed day, a feed server on loopback that serves
three of its recorded feeds (so `fetch` has real sources to fetch, offline), and a real `academichub serve`
on that data dir for the service-up cases."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_bench import FEEDS, Service, serving

from academichub.cli import main
from academichub.config import Config, ModelSettings, RefreshSettings, save_config
from academichub.paths import Paths, seed_day_dir


@pytest.fixture(scope="session")
def feed_urls() -> Iterator[list[str]]:
    """Three of the seed day's feeds, served from 127.0.0.1 by a plain HTTP server in a thread."""
    handler = functools.partial(QuietHandler, directory=str(seed_day_dir()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield [f"http://127.0.0.1:{server.server_address[1]}/{name}" for name in FEEDS]
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, feed_urls: list[str]) -> Path:
    """A data dir with the seed day stored, following the loopback feeds, the schedule off (nothing goes
    online) and a model file that does not exist (a briefing is then the extractive one, written at once)."""
    data_dir = tmp_path_factory.mktemp("cli-seeded")
    save_config(
        Paths.under(data_dir).config_file,
        Config(
            sources=feed_urls,
            refresh=RefreshSettings(on_start=False, scheduled=False),
            backfill_days=0,
            model=ModelSettings(path=str(data_dir / "no-such-model.gguf")),
        ),
    )
    assert main(["--data-dir", str(data_dir), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    return data_dir


@pytest.fixture
def seeded(seeded_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded data dir, for a test of its own."""
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_template, data_dir)
    return data_dir


@pytest.fixture
def service(seeded: Path) -> Iterator[Service]:
    with serving(seeded) as running:
        yield running
