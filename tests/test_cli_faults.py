"""Every command, run as the user runs it, against a data dir that is read-only, on a full disk, owned by a
running service, or missing: reading commands work where they can, the others end with one line saying what
failed, and no command ever shows a traceback or leaves an empty or temporary file behind.

The read-only mount and the full disk are real: a private mount namespace (`unshare --mount`) holds a
read-only bind mount of the data dir, or a tiny tmpfs filled to the last byte."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from academichub.config import Config, ModelSettings, RefreshSettings, save_config
from academichub.paths import Paths, seed_day_dir
from running import end, serve

SIDECAR = Path(__file__).parents[1] / "sidecar"

READING = {
    "cards": ["cards"],
    "cards-radar": ["cards", "--radar"],
    "status": ["status"],
    "radar-list": ["radar", "list"],
    "sources": ["sources", "--search", "nature"],
    "token": ["token"],
}
WRITING = {
    "fetch": ["fetch", "--from-dir", str(seed_day_dir())],
    "daily": ["daily", "--offline", "--no-brief"],
    "radar-add": ["radar", "add", "new rule", "--terms", "graph"],
    "radar-remove": ["radar", "remove", "qec"],
    "radar-dismiss": ["radar", "dismiss", "2606.00001"],
    "install-native-host": ["install-native-host", "--browser", "chromium", "--dir", "{data}/hosts"],
}
OTHERS = {
    "brief": ["brief"],
    "uninstall-native-host": ["uninstall-native-host", "--dir", "{data}/hosts"],
}
ALL = READING | WRITING | OTHERS


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SIDECAR), "PYTHONDONTWRITEBYTECODE": "1"}


def _script(data: Path, out: Path, *phases: dict[str, list[str]], prepare: str = "") -> str:
    """A shell script that runs each phase's commands at once, one phase after the other."""
    lines = ["set -e", prepare, "set +e"]
    for commands in phases:
        for name, args in commands.items():
            argv = [sys.executable, "-m", "academichub.cli", "--data-dir", str(data)]
            argv += [a.format(data=data) for a in args]
            run = f"{shlex.join(argv)} >{out}/{name}.out 2>{out}/{name}.err </dev/null"
            lines.append(f"({run}; echo $? >{out}/{name}.rc) &")
        lines.append("wait")
    return "\n".join(lines)


def _results(out: Path, commands: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    return {
        name: (int((out / f"{name}.rc").read_text()), (out / f"{name}.err").read_text()) for name in commands
    }


def _run(script: str, namespace: bool) -> None:
    command = ["sh", "-c", script]
    if namespace:
        command = ["unshare", "--mount", *([] if os.geteuid() == 0 else ["--map-root-user"]), *command]
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "--mount", *([] if os.geteuid() == 0 else ["--map-root-user"])]
    tried = subprocess.run([*probe, "mount", "-t", "tmpfs", "none", "/mnt"], capture_output=True)
    return tried.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount(), reason="needs unshare --mount to make real mounts")


def _assert_no_traceback(results: dict[str, tuple[int, str]]) -> None:
    for name, (code, err) in results.items():
        assert "Traceback" not in err, f"{name}:\n{err}"
        if code != 0:
            last = err.strip().splitlines()[-1]
            assert last.startswith("academichub: "), f"{name}: {err}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A data dir with the seed day, a radar rule and a token, whose model never loads (the briefing is
    the extractive one: quick)."""
    data = tmp_path_factory.mktemp("seeded")
    save_config(
        Paths.under(data).config_file,
        Config(
            sources=[],
            refresh=RefreshSettings(on_start=False, scheduled=False),
            model=ModelSettings(path=str(data / "no-model.gguf")),
        ),
    )
    for args in (
        ["fetch", "--from-dir", str(seed_day_dir())],
        ["radar", "add", "qec", "--terms", "quantum", "error*"],
        ["token"],
    ):
        argv = [sys.executable, "-m", "academichub.cli", "--data-dir", str(data), *args]
        subprocess.run(argv, env=_env(), check=True, capture_output=True, timeout=120)
    return data


@pytest.fixture
def copy(seeded: Path, tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    yield data


@needs_mounts
def test_a_read_only_data_dir_reads_and_refuses_writes_in_one_line(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    commands = {**ALL, "serve": ["serve", "--port", "0"]}
    _run(_script(copy, out, commands, prepare=f"mount --bind -o ro {copy} {copy}"), namespace=True)
    results = _results(out, commands)
    _assert_no_traceback(results)
    for name in READING:
        code, err = results[name]
        assert code == 0, f"{name}: {err}"
    for name in [*WRITING, "serve"]:
        code, err = results[name]
        assert code != 0 and f"the data directory {copy} is read-only" in err, f"{name}: {err}"
    assert (out / "cards.out").read_text().count("\n") > 50  # the day's cards, read from the read-only store


@needs_mounts
def test_a_full_disk_ends_writes_in_one_line_and_leaves_no_empty_file(copy: Path, tmp_path: Path) -> None:
    out, disk = tmp_path / "out", tmp_path / "disk"
    out.mkdir()
    disk.mkdir()
    (copy / "state" / "token").unlink()  # `token` must write it now
    before = json.loads((copy / "radar.json").read_text())
    fill = (
        f"mount -t tmpfs -o size=4m none {disk}\ncp -a {copy}/. {disk}/\n"
        f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null || true\n"
        f"dd if=/dev/zero of={disk}/filler2 bs=1 2>/dev/null || true"
    )
    check = f"\nfind {disk} -name '*.tmp' >{out}/tmp-files\ncp {disk}/radar.json {out}/radar.json\n"
    check += f"ls {disk}/state >{out}/state-files"
    _run(_script(disk, out, ALL, prepare=fill) + check, namespace=True)
    results = _results(out, ALL)
    _assert_no_traceback(results)
    for name in ("radar-add", "token"):
        code, err = results[name]
        assert code != 0 and f"the disk holding {disk} is full" in err, f"{name}: {err}"
    assert (out / "tmp-files").read_text() == ""
    assert json.loads((out / "radar.json").read_text()) == before  # whole, unchanged
    assert "token" not in (out / "state-files").read_text().split()  # no empty token


def test_with_the_service_running_every_command_answers_or_says_why(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    process, _ = serve(copy)
    try:
        _run(_script(copy, out, ALL), namespace=False)
    finally:
        end(process)
    results = _results(out, ALL)
    _assert_no_traceback(results)
    for name in [*READING, "radar-add", "radar-remove", "radar-dismiss", "brief"]:
        code, err = results[name]
        assert code == 0, f"{name}: {err}"
    assert "papers stored" in (out / "status.out").read_text()


def test_a_missing_data_dir_gets_answers_not_tracebacks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # The readers first: a writer holds the store while it writes, and a reader then says so.
    _run(_script(tmp_path / "nowhere", out, READING, WRITING | OTHERS), namespace=False)
    results = _results(out, ALL)
    _assert_no_traceback(results)
    for name in READING:
        code, err = results[name]
        assert code == 0, f"{name}: {err}"


def test_the_users_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for args in (["fetch", "--from-dir", str(seed_day_dir())], ["radar", "add", "qec", "--terms", "quantum"]):
        argv = [sys.executable, "-m", "academichub.cli", "--data-dir", str(data), *args]
        subprocess.run(argv, env=_env(), check=True, capture_output=True, timeout=120)
    modes = {str(p.relative_to(data)): p.stat().st_mode & 0o777 for p in [data, *data.rglob("*")]}
    assert modes["."] == 0o700
    assert modes["radar.json"] == 0o600
    assert {mode for name, mode in modes.items() if (data / name).is_dir()} == {0o700}
    assert {mode for name, mode in modes.items() if (data / name).is_file()} == {0o600}
