"""`academichub fetch` and `academichub status`, tried as a new user would: with the browser's service
running they go through it (fetch starts the service's refresh and follows its progress), and without it
they open the files; either way each source done is told on stderr and the summary ends on stdout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_bench import FEEDS, run, serving

from academichub.paths import Paths
from academichub.service.client import ServiceClient
from academichub.service.runtime import load_or_create_token


def academichub(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The installed command, in a process of its own, as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "academichub.cli", *argv, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def progress_lines(err: str) -> list[tuple[int, int]]:
    return [
        (int(d), int(t))
        for d, t in re.findall(r"^academichub: \S+ done \((\d+)/(\d+), \d+ new\)$", err, re.M)
    ]


def test_status_and_fetch_work_through_the_running_service(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(seeded) as service:
        status = academichub(seeded, "status")
        fetched = academichub(seeded, "fetch")
        after = run(capsys, "status", "--json", "--data-dir", str(seeded))
        refresh = ServiceClient(service.port, _token(seeded)).status().refresh
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("71 papers stored; latest day 2026-06-24\n")
    assert f"The service runs at http://127.0.0.1:{service.port}/api/v1/ (pid {service.process.pid})." in (
        status.stdout
    )
    assert fetched.returncode == 0, fetched.stderr
    assert sorted(progress_lines(fetched.stderr)) == [(n, len(FEEDS)) for n in range(1, len(FEEDS) + 1)]
    assert re.fullmatch(rf"{len(FEEDS)} sources \({len(FEEDS)} ok\): \d+ new papers\.\n", fetched.stdout)
    # It was the service's refresh, and the service's store that took it.
    assert (refresh.state, refresh.trigger, refresh.sources_done) == ("finished", "api", len(FEEDS))
    assert after.code == 0 and {h["state"] for h in json.loads(after.out)["sources"]} == {"ok"}
    for done in (status, fetched):
        assert "Traceback" not in done.stderr


def test_fetch_without_the_service_tells_the_same_progress(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched = run(capsys, "fetch", "--data-dir", str(seeded))
    assert fetched.code == 0, fetched.err
    assert sorted(progress_lines(fetched.err)) == [(n, len(FEEDS)) for n in range(1, len(FEEDS) + 1)]
    assert fetched.out.startswith(f"{len(FEEDS)} sources ({len(FEEDS)} ok): ")
    status = run(capsys, "status", "--data-dir", str(seeded))
    assert status.out.startswith("71 papers stored") and "The service runs" not in status.out


def test_status_of_a_new_data_dir_says_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(capsys, "--data-dir", str(tmp_path), "status")
    assert (status.code, status.out) == (0, "0 papers stored; latest day none\n")


def test_a_service_that_died_without_cleaning_up_is_not_asked(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A runtime file naming a process that is gone (a crash, a power cut) leaves the files to the CLI."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    load_or_create_token(Paths.under(seeded))
    runtime = {"port": _free_port(), "pid": int(gone.stdout)}
    (Paths.under(seeded).state / "service.json").write_text(json.dumps(runtime))
    status = run(capsys, "--data-dir", str(seeded), "status")
    assert status.code == 0 and status.out.startswith("71 papers stored")


def _token(data_dir: Path) -> str:
    return load_or_create_token(Paths.under(data_dir))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
