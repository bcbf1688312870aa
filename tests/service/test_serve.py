"""The long-lived service: a clean stop on SIGTERM, one instance per data dir, the log."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from academichub.config import Config, LogSettings
from academichub.models import Paper
from academichub.paths import Paths
from academichub.service.library import Library
from academichub.service.runtime import Runtime, read_runtime
from academichub.service.serve import setup_logging
from academichub.store.paper_store import PaperStore
from running import command, end, offline_config, serve


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    offline_config(tmp_path)
    process, port = serve(tmp_path)
    yield process, port
    end(process)


def test_a_second_serve_says_where_the_first_runs_and_fails(tmp_path: Path, serving) -> None:
    first, port = serving
    second = command(tmp_path, "serve", "--port", "0")
    _, err = second.communicate(timeout=30)
    assert second.returncode == 1
    assert f"already running on 127.0.0.1:{port} (pid {first.pid})" in err
    assert first.poll() is None


def test_a_port_in_use_is_a_clear_error(tmp_path: Path, serving) -> None:
    _, port = serving
    other = command(tmp_path / "other", "serve", "--port", str(port))
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
