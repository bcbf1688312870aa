"""The runtime files: the token, readable by the user alone, and one instance per data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from academichub.cli import main
from academichub.paths import Paths
from academichub.service.runtime import InstanceLock, Runtime, load_or_create_token, read_runtime

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
