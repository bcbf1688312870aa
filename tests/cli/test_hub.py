"""Which Hub a command gets: the files' own while no service runs on the data dir, the service's while one
does (it owns the store), and the files' own again when a crashed service left its runtime file behind."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from academichub.cli.hub import open_hub
from academichub.cli.local_hub import LocalHub
from academichub.cli.remote_hub import RemoteHub
from academichub.paths import Paths
from academichub.service.runtime import load_or_create_token


def runtime_file(data_dir: Path, pid: int, port: int) -> None:
    load_or_create_token(Paths.under(data_dir))
    (Paths.under(data_dir).state / "service.json").write_text(json.dumps({"port": port, "pid": pid}))


def test_without_a_service_the_commands_open_the_files(tmp_path: Path) -> None:
    assert isinstance(open_hub(Paths.under(tmp_path)), LocalHub)


def test_while_a_service_runs_the_commands_ask_it(tmp_path: Path) -> None:
    with socket.socket() as listening:  # a live process (this one) listening where the file says
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        runtime_file(tmp_path, os.getpid(), port)
        hub = open_hub(Paths.under(tmp_path))
    assert isinstance(hub, RemoteHub)
    assert hub.client.base == f"http://127.0.0.1:{port}/api/v1"


def test_a_live_process_that_does_not_listen_where_the_file_says_is_not_asked(tmp_path: Path) -> None:
    runtime_file(tmp_path, os.getpid(), free_port())  # a pid reused after a crash, say
    assert isinstance(open_hub(Paths.under(tmp_path)), LocalHub)


def test_a_runtime_file_left_by_a_dead_service_is_ignored(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    runtime_file(tmp_path, int(ended.stdout), free_port())
    assert isinstance(open_hub(Paths.under(tmp_path)), LocalHub)


def test_a_damaged_runtime_file_is_no_service(tmp_path: Path) -> None:
    state = Paths.under(tmp_path).state
    state.mkdir(parents=True)
    (state / "service.json").write_text("{")
    assert isinstance(open_hub(Paths.under(tmp_path)), LocalHub)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
