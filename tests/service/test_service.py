"""The long-lived service: its token, one instance per data dir, a clean stop on SIGTERM, the log, the
refresh schedule, and a refresh cut short by a shutdown that resumes at the next start."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from academichub.api.library import Library
from academichub.cli import main
from academichub.config import Config, LogSettings, RefreshSettings, save_config
from academichub.ingest.arxiv_calendar import ARXIV_TZ
from academichub.ingest.fetcher import Fetcher
from academichub.models import Paper, SourceHealth, SourceKind
from academichub.paths import Paths
from academichub.service.process import (
    ARXIV_KINDS,
    JOURNAL_KINDS,
    InstanceLock,
    Runtime,
    due_kinds,
    last_arxiv_refresh,
    load_or_create_token,
    next_arxiv_refresh,
    read_runtime,
    serve,
    setup_logging,
)
from academichub.store.paper_store import PaperStore
from feed_server import SEED_DAY, FeedServer, recorded, slow

SIDECAR = Path(__file__).parents[2] / "sidecar"
ET = ARXIV_TZ
SETTINGS = RefreshSettings()  # 30 minutes after the announcement, then again at 6 hours


def et(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=ET)  # June 2026: the 21st is a Sunday


# ---- the token ----


def test_the_token_is_created_once_and_readable_by_the_user_alone(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    token = load_or_create_token(paths)
    assert len(token) >= 40
    assert (paths.state / "token").stat().st_mode & 0o777 == 0o600
    assert load_or_create_token(paths) == token


def test_a_loosened_token_file_is_tightened(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    token = load_or_create_token(paths)
    (paths.state / "token").chmod(0o644)
    assert load_or_create_token(paths) == token
    assert (paths.state / "token").stat().st_mode & 0o777 == 0o600


def test_the_token_command_prints_it(tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path), "token"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == load_or_create_token(Paths.under(tmp_path))


# ---- one instance per data dir ----


def test_a_second_lock_names_the_first_instance(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    first = InstanceLock(paths)
    first.acquire()
    first.write_runtime(Runtime(port=43210, pid=os.getpid()))
    try:
        with pytest.raises(RuntimeError, match=rf"already running on 127.0.0.1:43210 \(pid {os.getpid()}\)"):
            InstanceLock(paths).acquire()
    finally:
        first.release()
    assert read_runtime(paths) is None  # the runtime file goes with the instance
    again = InstanceLock(paths)
    again.acquire()
    again.release()


def _serve(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDECAR), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _offline_config(data_dir: Path, sources: list[str] | None = None) -> None:
    save_config(
        Paths.under(data_dir).config_file,
        Config(sources=sources or [], refresh=RefreshSettings(on_start=False, scheduled=False)),
    )


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    _offline_config(tmp_path)
    process = _serve(tmp_path, "serve", "--port", "0")
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)/api/v1/ \(pid (\d+)\)", line)
    assert found, line + (process.stderr.read() if process.poll() is not None else "")
    assert int(found[2]) == process.pid
    yield process, int(found[1])
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_second_serve_says_where_the_first_runs_and_fails(tmp_path: Path, serving) -> None:
    first, port = serving
    second = _serve(tmp_path, "serve", "--port", "0")
    _, err = second.communicate(timeout=30)
    assert second.returncode == 1
    assert f"already running on 127.0.0.1:{port} (pid {first.pid})" in err
    assert first.poll() is None


def test_a_port_in_use_is_a_clear_error(tmp_path: Path, serving) -> None:
    _, port = serving
    other = _serve(tmp_path / "other", "serve", "--port", str(port))
    _, err = other.communicate(timeout=30)
    assert other.returncode == 1
    assert err.startswith(f"academichub: cannot listen on 127.0.0.1:{port}:") and "Traceback" not in err


def test_sigterm_stops_the_service_cleanly(tmp_path: Path, serving) -> None:
    process, port = serving
    paths = Paths.under(tmp_path)
    assert read_runtime(paths) == Runtime(port=port, pid=process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert read_runtime(paths) is None
    log = (paths.state / "service.log").read_text()
    assert "serving http://127.0.0.1" in log and log.rstrip().endswith("stopped")
    assert "Traceback" not in log + process.stderr.read()
    with PaperStore(paths.papers):  # the store's lock is free again
        pass


def test_demo_serves_the_seed_day_until_ctrl_c(tmp_path: Path) -> None:
    process = _serve(tmp_path / "demo", "demo", "--port", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        address = re.search(r"address\s+(\S+)", "".join(lines))
        token = re.search(r"token\s+(\S+)", "".join(lines))
        assert address and token, lines

        async def cards() -> dict:
            async with (
                aiohttp.ClientSession() as client,
                client.get(address[1] + "cards", headers={"Authorization": f"Bearer {token[1]}"}) as r,
            ):
                assert r.status == 200, await r.text()
                return await r.json()

        page = asyncio.run(cards())
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        with PaperStore(Paths.under(tmp_path / "demo").papers) as store:
            latest = store.latest_day()
            assert latest is not None
            assert (page["day"], page["total"]) == (latest.isoformat(), len(store.day(latest)))
            assert page["total"] > 50
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ---- the write in progress ----


def test_closing_waits_for_the_write_in_progress(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    library = Library(paths)
    papers = [
        Paper(id=f"doi:10.1/{i}", title=f"Paper {i}", source_label="Nature", date=dt.date(2026, 6, 24))
        for i in range(200)
    ]
    started = threading.Event()

    def slow_write() -> None:
        started.set()
        time.sleep(0.3)  # the shutdown arrives now
        library.store.add(papers)

    writer = threading.Thread(target=library._locked, args=(slow_write,))
    writer.start()
    started.wait()
    library.close()  # the service's last step: must not cut the write short
    writer.join()
    with PaperStore(paths.papers) as store:
        assert store.count() == 200


# ---- the log ----


def test_the_log_rotates_in_the_state_dir(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)
    handler = setup_logging(paths, Config(log=LogSettings(max_kib=16, backups=2)))
    try:
        log = logging.getLogger("academichub.test")
        for i in range(2000):
            log.info("line %d of a long day's refreshing", i)
    finally:
        logging.getLogger("academichub").removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in paths.state.iterdir() if p.name.startswith("service.log"))
    assert names == ["service.log", "service.log.1", "service.log.2"]
    assert (paths.state / "service.log").stat().st_size <= 16 * 1024


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
        _offline_config(tmp_path, [feeds.url("/slow.xml")])

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
