"""The user's files are written whole or not at all, and concurrent read-modify-writes all land."""

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from academichub.files import atomic_write, atomic_write_json, update_json

SIDECAR = Path(__file__).resolve().parents[1] / "sidecar"

APPENDER = """
import sys
from pathlib import Path
from academichub.files import update_json
path, name = Path(sys.argv[1]), sys.argv[2]
for i in range(20):
    update_json(path, lambda rules: rules.append(f"{name}-{i}"), default=list)
"""


def test_a_write_replaces_the_file_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "radar.json"
    atomic_write_json(target, {"rules": [1, 2]})
    assert json.loads(target.read_text()) == {"rules": [1, 2]}
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["radar.json"]


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "token"
    atomic_write(target, "old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["token"]


def test_parallel_processes_updating_one_file_lose_nothing(tmp_path: Path) -> None:
    target = tmp_path / "rules.json"
    env = {**os.environ, "PYTHONPATH": str(SIDECAR)}
    writers = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(target), f"w{n}"], env=env) for n in range(6)
    ]
    assert all(w.wait(timeout=60) == 0 for w in writers)
    rules = json.loads(target.read_text())
    assert sorted(rules) == sorted(f"w{n}-{i}" for n in range(6) for i in range(20))
    update_json(target, lambda value: value.clear(), default=list)
    assert json.loads(target.read_text()) == []
