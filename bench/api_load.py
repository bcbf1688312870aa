"""The sidecar under load: 200 clients asking for cards while a refresh of a 1,000-item feed runs.

    PYTHONPATH=sidecar .venv/bin/python bench/api_load.py                      # builds 100,000 papers first
    PYTHONPATH=sidecar .venv/bin/python bench/api_load.py --data-dir /tmp/hub  # keep the store and reuse it
    PYTHONPATH=sidecar .venv/bin/python bench/api_load.py --papers 10000 --seconds 10   # a quick run

The goal (issue 4, item 5): zero errors and p99 latency under 50 ms, with 100,000 papers stored.

What runs, all on loopback:
- the real service, `academichub --data-dir DIR serve`, as its own process, over a store built with
  bench/ingest.py's generator (1,000 synthetic arXiv papers per announcement day);
- a feed server in this process serving one 1,000-item arXiv RSS feed of a new day (bench/ingest.py's);
- CLIENTS concurrent clients in this process, each with its own connection, each asking for one page of
  cards, waiting for the answer, then pausing PACE seconds (jittered) before the next: the popup's pattern
  of a click, not a flood. Requests: 70% the latest day (50 cards at a random offset), 15% a source filter,
  10% a text query, 5% one of the five days before;
- after WARMUP seconds, POST /api/v1/refresh; the refresh fetches the feed, parses it, stores 1,000 papers
  as a new day, and the shelf builds that day's cards, all while the clients keep asking.
The run stops after SECONDS or REQUESTS, whichever comes first. Latency is measured by the clients, so it
includes their own event loop's delays: on a two-core machine they share the CPU with the server.
Prints p50/p95/p99/max, the count of requests and errors, and the same figures for the refresh's window.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from academichub.config import Config, RefreshSettings, save_config
from academichub.paths import Paths
from academichub.store.paper_store import PaperStore, StoreError
from ingest import FIRST_FEED_DAY, arxiv_feed, build_store  # bench/ingest.py: the same synthetic papers

SIDECAR = Path(__file__).parents[1] / "sidecar"


@dataclass
class Sample:
    started: float
    seconds: float
    ok: bool


@dataclass
class Load:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refresh_started: float | None = None
    refresh_finished: float | None = None


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc), for the report."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def prepare(data_dir: Path, papers: int, feed_url: str) -> None:
    """The service's data dir: a fresh copy of the built store (built once, then reused), and a config that
    follows the local feed alone and never refreshes by itself."""
    template = data_dir / "store-template"
    try:
        with PaperStore(template) as store:
            stored = store.count()
    except StoreError:  # built by an older AcademicHub: build it again
        stored = 0
    if stored < papers:
        shutil.rmtree(template, ignore_errors=True)
        print(f"building a store of {papers:,} papers in {template} ...", file=sys.stderr)
        build_store(template, papers)
    paths = Paths.under(data_dir)
    shutil.rmtree(paths.papers, ignore_errors=True)
    shutil.copytree(template, paths.papers)  # each run stores the feed's 1,000 papers as new ones
    (paths.state / "health.json").unlink(missing_ok=True)  # no ETag from an earlier run: fetch the feed whole
    offline = RefreshSettings(on_start=False, scheduled=False)
    save_config(paths.config_file, Config(sources=[feed_url], backfill_days=0, refresh=offline))


async def serve_feed(feed: bytes) -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=feed, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/rss/cs.LG", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/rss/cs.LG"


def start_service(data_dir: Path) -> tuple[subprocess.Popen[str], str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDECAR), os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"the service did not start: {line!r}")
    token = (Paths.under(data_dir).state / "token").read_text().strip()
    return process, found[1], token


def card_query(rng: random.Random, latest: dt.date, total: int) -> dict[str, str]:
    roll = rng.random()
    if roll < 0.70:
        return {"offset": str(rng.randrange(0, max(1, total - 50))), "limit": "50"}
    if roll < 0.85:
        return {"source": rng.choice(["cs.LG", "cs.AI", "arXiv (stat.ML)", "quant-ph"]), "limit": "50"}
    if roll < 0.95:
        return {"q": rng.choice(["learning", "graph", "robust", "quantum", "bayesian"]), "limit": "20"}
    return {"day": (latest - dt.timedelta(days=rng.randint(1, 7))).isoformat(), "limit": "50"}


async def client(
    n: int, base: str, token: str, load: Load, stop_at: float, budget: list[int], pace: float, latest: dt.date
) -> None:
    rng = random.Random(n)
    connector = aiohttp.TCPConnector(limit=1)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(base, connector=connector, headers=headers) as session:
        await asyncio.sleep(rng.random() * pace)  # spread the first requests
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            try:
                async with session.get("/api/v1/cards", params=card_query(rng, latest, 1000)) as response:
                    await response.read()
                    ok = response.status == 200
                    if not ok:
                        load.errors.append(f"HTTP {response.status}")
            except (aiohttp.ClientError, TimeoutError) as exc:
                ok = False
                load.errors.append(repr(exc))
            load.samples.append(Sample(started, time.perf_counter() - started, ok))
            await asyncio.sleep(pace * (0.5 + rng.random()))


async def refresh_during(base: str, token: str, load: Load, after: float) -> None:
    await asyncio.sleep(after)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(base, headers=headers) as session:
        load.refresh_started = time.perf_counter()
        async with session.post("/api/v1/refresh") as response:
            assert response.status == 202, await response.text()
        while True:
            await asyncio.sleep(0.1)
            async with session.get("/api/v1/status") as response:
                progress = (await response.json())["refresh"]
            if progress["state"] in ("finished", "failed"):
                load.refresh_finished = time.perf_counter()
                print(
                    f"refresh {progress['state']}: {progress['papers_new']} new papers, "
                    f"{load.refresh_finished - load.refresh_started:.2f} s",
                    file=sys.stderr,
                )
                if progress["error"]:
                    load.errors.append(f"refresh: {progress['error']}")
                return


def report(title: str, samples: list[Sample]) -> None:
    if not samples:
        print(f"{title}: no requests")
        return
    ms = [s.seconds * 1000 for s in samples]
    errors = sum(not s.ok for s in samples)
    print(
        f"{title}: {len(samples)} requests, {errors} errors; latency ms p50 {percentile(ms, 50):.1f}  "
        f"p95 {percentile(ms, 95):.1f}  p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}  "
        f"mean {statistics.fmean(ms):.1f}"
    )


async def run(args: argparse.Namespace, data_dir: Path) -> int:
    feed = arxiv_feed(FIRST_FEED_DAY, seed=11)
    feed_runner, feed_url = await serve_feed(feed)
    prepare(data_dir, args.papers, feed_url)
    with PaperStore(Paths.under(data_dir).papers) as store:
        latest = store.latest_day() or FIRST_FEED_DAY
    process, base, token = start_service(data_dir)
    load = Load()
    try:
        # The popup asks for the latest day first; then the service gets a moment to finish starting (its
        # parsing process and the recent days' cards are made ready in the background).
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(base, headers=headers) as session, session.get("/api/v1/cards") as r:
            assert r.status == 200, await r.text()
        await asyncio.sleep(args.settle)
        started = time.perf_counter()
        stop_at = started + args.seconds
        budget = [args.requests]
        clients = [
            client(n, base, token, load, stop_at, budget, args.pace, latest) for n in range(args.clients)
        ]
        cpu_before = time.process_time(), process_cpu(process.pid)
        refreshing = [] if args.no_refresh else [refresh_during(base, token, load, args.warmup)]
        await asyncio.gather(*refreshing, *clients)
        cpu = time.process_time() - cpu_before[0], process_cpu(process.pid) - cpu_before[1]
        elapsed = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        await feed_runner.cleanup()

    print(
        f"\n{args.clients} clients, pace {args.pace * 1000:.0f} ms (jittered x0.5-1.5), {elapsed:.1f} s, "
        f"{len(load.samples) / elapsed:.0f} requests/s; {args.papers:,} papers; feed {len(feed):,} bytes"
    )
    report("all", load.samples)
    if args.timeline:
        for second in range(int(elapsed) + 1):
            window = [x for x in load.samples if second <= x.started - started < second + 1]
            report(f"  second {second:3d}", window)
    print(f"CPU seconds: clients {cpu[0]:.1f}, service {cpu[1]:.1f} (of {2 * elapsed:.0f} on two cores)")
    if load.refresh_started and load.refresh_finished:
        during = [s for s in load.samples if load.refresh_started <= s.started <= load.refresh_finished]
        report("during the refresh", during)
        report("outside it", [s for s in load.samples if s not in during])
    elif not args.no_refresh:
        load.errors.append("the refresh did not finish within the run")
    print(f"service exit code {code}; errors: {len(load.errors)} {load.errors[:5] if load.errors else ''}")
    p99 = percentile([s.seconds * 1000 for s in load.samples], 99) if load.samples else float("inf")
    print(f"goal (zero errors, p99 < 50 ms): {'met' if not load.errors and p99 < 50 else 'NOT met'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, help="build the store here once and reuse it (default: a temp dir)"
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--pace", type=float, default=0.25, help="seconds each client waits between requests")
    parser.add_argument("--seconds", type=float, default=20.0, help="stop after this long")
    parser.add_argument("--requests", type=int, default=50_000, help="... or after this many requests")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before the refresh starts")
    parser.add_argument("--no-refresh", action="store_true", help="the load alone, for comparison")
    parser.add_argument(
        "--settle", type=float, default=3.0, help="seconds between the service's start and the load"
    )
    parser.add_argument("--timeline", action="store_true", help="also print the figures for each second")
    args = parser.parse_args(argv)
    if args.data_dir:
        return asyncio.run(run(args, args.data_dir))
    with tempfile.TemporaryDirectory(prefix="academichub-bench-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
