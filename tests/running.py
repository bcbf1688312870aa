"""The service as the user runs it: `academichub serve` in its own process, started and stopped for real."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from academichub.config import Config, RefreshSettings, save_config
from academichub.paths import Paths

SIDECAR = Path(__file__).parents[1] / "sidecar"


def command(data_dir: Path, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """`academichub --data-dir DATA_DIR ARGS...` as a child process, its output piped."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDECAR), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def offline_config(data_dir: Path, sources: list[str] | None = None, **config: object) -> None:
    """A config with these sources (none by default) that refreshes only when asked."""
    settings = {"refresh": RefreshSettings(on_start=False, scheduled=False), **config}
    save_config(Paths.under(data_dir).config_file, Config(sources=sources or [], **settings))


def wait_listening(process: subprocess.Popen[str]) -> int:
    """The port `serve` prints once it listens; fails with what it said if it exits first."""
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)/api/v1/ \(pid (\d+)\)", line)
    if not found:
        process.wait(timeout=30)
        raise AssertionError(line + (process.stderr.read() if process.stderr else ""))
    assert int(found[2]) == process.pid
    return int(found[1])


def serve(data_dir: Path) -> tuple[subprocess.Popen[str], int]:
    """`academichub serve --port 0`, once it listens, and its port."""
    process = command(data_dir, "serve", "--port", "0")
    try:
        return process, wait_listening(process)
    except BaseException:
        end(process)
        raise


def end(process: subprocess.Popen[str]) -> None:
    """What a test leaves: no process behind."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """What `predicate` returns once it is truthy, asked every 50 ms; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def sidecar_runtime(data_dir: Path) -> dict[str, Any] | None:
    """The running service's runtime file (port, pid), however it was started; None without one."""
    try:
        return json.loads((Paths.under(data_dir).state / "service.json").read_text())
    except (OSError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (our own child, not yet reaped) is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def running_sidecar(data_dir: Path) -> dict[str, Any] | None:
    runtime = sidecar_runtime(data_dir)
    return runtime if runtime and alive(int(runtime["pid"])) else None


def stop_sidecar(data_dir: Path) -> int | None:
    """Stops the sidecar serving data_dir, however it was started (the native host starts it detached, so
    no one else will); returns its pid."""
    runtime = running_sidecar(data_dir)
    if runtime is None:
        return None
    pid = int(runtime["pid"])
    os.kill(pid, signal.SIGTERM)
    try:
        wait_for(lambda: not alive(pid), timeout=10, what=f"sidecar {pid} to stop")
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
    return pid
