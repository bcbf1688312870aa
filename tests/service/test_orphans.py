"""No orphans: the processes the service starts (the feed parser, multiprocessing's resource tracker) end when
the service is killed outright, as the out-of-memory killer or `kill -9` does."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from running import end, offline_config, serve


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits for a parent


def test_killing_the_service_leaves_no_child_behind(tmp_path: Path) -> None:
    offline_config(tmp_path)
    process, _ = serve(tmp_path)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(children := children_of(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # the parser starts in the background, with the resource tracker
        assert len(children) >= 2, children
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(running(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children if running(pid)}
    finally:
        end(process)
        for pid in children:  # a failing run cleans up after itself
            if running(pid):
                os.kill(pid, signal.SIGKILL)
    assert not left, left
