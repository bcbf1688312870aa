"""A month of the sidecar in a few minutes: does it leak memory or files, fail a request, or lose a paper?

    PYTHONPATH=sidecar .venv/bin/python bench/soak.py                        # 30 days, 200 papers a day
    PYTHONPATH=sidecar .venv/bin/python bench/soak.py --days 6 --restart-every 3   # a quick run
    PYTHONPATH=sidecar .venv/bin/python bench/soak.py --steady   # the same papers daily: the store stays put

What runs, all on loopback: the real service (`academichub serve`, its own process) and, in this process, a
feed server whose feed holds a new day's papers each simulated day. Each simulated day:
- the day's refresh (POST /refresh, as the schedule starts it), followed until it finishes;
- the day's briefing (POST /briefings, read to its end; the model file is absent, so it is the extractive
  briefing, written at once: the model's own memory is bench/briefing.py's subject);
- the popup's requests: status, a page of cards, the radar rules, the days, once each per simulated second
  of reading (REQUESTS per day);
- every RESTART_EVERY days, SIGTERM (as at logout) and a fresh start, which must exit 0 within 5 s.
After each day it samples the service's resident memory and open file descriptors (its children's too).

Prints one line per day, then: RSS and fds at the first and last day of each run between restarts and their
growth, request errors, unclean stops, ERROR lines in the service's log, and papers lost (served minus
stored, read back from the store after the last stop). The goals: growth within a run <= 10 %, 0 errors,
0 papers lost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web

from academichub.config import Config, ModelSettings, RefreshSettings, save_config
from academichub.paths import Paths
from academichub.store.paper_store import PaperStore

SIDECAR = Path(__file__).resolve().parents[1] / "sidecar"
WORDS = [
    "quantum",
    "error",
    "correction",
    "graph",
    "neural",
    "network",
    "diffusion",
    "model",
    "protein",
    "folding",
    "reinforcement",
    "learning",
    "causal",
    "inference",
    "sparse",
    "attention",
    "single",
    "cell",
    "sequencing",
    "climate",
    "model",
    "ensemble",
    "robust",
    "optimisation",
]


def day_feed(day: int, per_day: int) -> bytes:
    """A journal's RSS feed on simulated day `day`: `per_day` papers no other day has."""
    when = format_datetime(dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC))
    items = []
    for n in range(per_day):
        words = " ".join(WORDS[(day * 7 + n + k) % len(WORDS)] for k in range(8))
        link = f"https://journal.example.org/soak/{day}/{n}"
        items.append(
            f"<item><title>{escape(f'Day {day} paper {n}: {words}')}</title><link>{link}</link>"
            f"<guid>{link}</guid><description>{escape(words * 6)}</description>"
            f"<author>Ana Pérez, Wei Chen</author><pubDate>{when}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Soak Journal</title>'
        f"<link>https://journal.example.org/</link><description>soak</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()


@dataclass
class Sample:
    day: int
    rss_mib: float
    fds: int
    requests: int
    errors: int


@dataclass
class Soak:
    data_dir: Path
    feed: bytes = b""
    process: subprocess.Popen[str] | None = None
    base: str = ""
    token: str = ""
    errors: list[str] = field(default_factory=list)
    unclean_stops: list[str] = field(default_factory=list)
    stop_seconds: list[float] = field(default_factory=list)

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDECAR), os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "academichub.cli",
                "--data-dir",
                str(self.data_dir),
                "serve",
                "--port",
                "0",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if not found:
            raise SystemExit(f"the service did not start: {line!r}")
        self.base = found[1] + "/api/v1"
        self.token = (Paths.under(self.data_dir).state / "token").read_text().strip()

    def stop(self) -> None:
        assert self.process is not None
        sent = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        took = time.monotonic() - sent
        self.stop_seconds.append(took)
        if code != 0 or took > 5:
            self.unclean_stops.append(f"exit {code} after {took:.1f} s")
        assert self.process.stdout is not None
        self.process.stdout.close()

    def usage(self) -> tuple[float, int]:
        """Resident MiB and open fds of the service and its children."""
        assert self.process is not None
        pids = [self.process.pid, *children(self.process.pid)]
        rss = fds = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rss += int(re.search(r"VmRSS:\s+(\d+)", status)[1])  # type: ignore[index]
                fds += len(os.listdir(f"/proc/{pid}/fd"))
            except (OSError, TypeError):
                continue
        return rss / 1024, fds


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


async def one_day(soak: Soak, client: aiohttp.ClientSession, requests: int) -> tuple[int, int]:
    headers = {"Authorization": f"Bearer {soak.token}"}
    errors_before = len(soak.errors)
    done = 0

    async def call(method: str, path: str, **kwargs: object) -> dict | None:
        nonlocal done
        done += 1
        try:
            async with client.request(method, soak.base + path, headers=headers, **kwargs) as r:  # type: ignore[arg-type]
                body = await r.read()
                if r.status >= 400:
                    soak.errors.append(f"{method} {path}: {r.status} {body[:200]!r}")
                    return None
                return await r.json() if r.content_type == "application/json" else None
        except (aiohttp.ClientError, TimeoutError) as exc:
            soak.errors.append(f"{method} {path}: {exc!r}")
            return None

    await call("POST", "/refresh")
    for _ in range(600):
        status = await call("GET", "/status")
        if status and status["refresh"]["state"] in ("finished", "failed"):
            if status["refresh"]["state"] == "failed" or status["refresh"]["error"]:
                soak.errors.append(f"refresh: {status['refresh']['error']}")
            break
        await asyncio.sleep(0.05)
    await call("POST", "/briefings", json={})
    for n in range(requests):
        await call("GET", "/status")
        await call("GET", "/cards", params={"limit": "50", "offset": str(n * 7 % 100)})
        await call("GET", "/radar/rules")
        await call("GET", "/days")
    return done, len(soak.errors) - errors_before


async def run(
    days: int, per_day: int, restart_every: int, requests: int, data_dir: Path, steady: bool = False
) -> int:
    soak = Soak(data_dir)

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=soak.feed, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/soak.xml", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    feed_url = f"http://127.0.0.1:{runner.addresses[0][1]}/soak.xml"
    save_config(
        Paths.under(data_dir).config_file,
        Config(
            sources=[feed_url],
            backfill_days=0,
            refresh=RefreshSettings(on_start=False, scheduled=False),
            model=ModelSettings(path=str(data_dir / "no-model.gguf")),
        ),
    )
    samples: list[Sample] = []
    runs: list[list[Sample]] = [[]]
    await asyncio.to_thread(soak.start)
    print(f"{'day':>4} {'RSS MiB':>8} {'fds':>5} {'requests':>9} {'errors':>7}")
    async with aiohttp.ClientSession() as client:
        for day in range(1, days + 1):
            soak.feed = day_feed(day if not steady else 1, per_day)
            done, errors = await one_day(soak, client, requests)
            rss, fds = soak.usage()
            sample = Sample(day, rss, fds, done, errors)
            samples.append(sample)
            runs[-1].append(sample)
            print(f"{day:>4} {rss:>8.1f} {fds:>5} {done:>9} {errors:>7}", flush=True)
            if day % restart_every == 0 and day != days:
                await asyncio.to_thread(soak.stop)
                await asyncio.to_thread(soak.start)
                runs.append([])
    await asyncio.to_thread(soak.stop)
    await runner.cleanup()

    with PaperStore(Paths.under(data_dir).papers, read_only=True) as store:
        stored = store.count()
    log = (Paths.under(data_dir).state / "service.log").read_text(encoding="utf-8")
    error_lines = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
    served = per_day if steady else days * per_day
    print()
    for n, run_samples in enumerate(r for r in runs if r):
        first, last = run_samples[0], run_samples[-1]
        print(
            f"run {n + 1} (days {first.day}-{last.day}): RSS {first.rss_mib:.1f} -> {last.rss_mib:.1f} MiB "
            f"({(last.rss_mib / first.rss_mib - 1) * 100:+.1f} %), fds {first.fds} -> {last.fds} "
            f"({(last.fds / first.fds - 1) * 100:+.1f} %)"
        )
    first, last = samples[0], samples[-1]
    print(
        f"over {days} days: RSS {first.rss_mib:.1f} -> {last.rss_mib:.1f} MiB, fds {first.fds} -> {last.fds}"
    )
    print(f"requests {sum(s.requests for s in samples)}, errors {len(soak.errors)}")
    for error in soak.errors[:10]:
        print(f"  {error}")
    slowest = max(soak.stop_seconds)
    print(f"stops {len(soak.stop_seconds)} (slowest {slowest:.2f} s), unclean {len(soak.unclean_stops)}")
    print(f"ERROR lines in the service log {len(error_lines)}")
    for line in error_lines[:5]:
        print(f"  {line[:200]}")
    print(f"papers served {served}, stored {stored}, lost {served - stored}")
    return 0 if not soak.errors and not soak.unclean_stops and stored == served and not error_lines else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--papers-per-day", type=int, default=200)
    parser.add_argument("--restart-every", type=int, default=5, help="SIGTERM and start again every N days")
    parser.add_argument("--requests", type=int, default=30, help="popup rounds (4 requests each) per day")
    parser.add_argument("--data-dir", type=Path, help="keep the data here (default: a temporary directory)")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="the feed keeps the first day's papers: each refresh fetches, parses and merges them again but "
        "the store does not grow, so memory growth is the service's own, not the data's",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="academichub-soak-") as temporary:
        data_dir = args.data_dir or Path(temporary)
        return asyncio.run(
            run(args.days, args.papers_per_day, args.restart_every, args.requests, data_dir, args.steady)
        )


if __name__ == "__main__":
    sys.exit(main())
