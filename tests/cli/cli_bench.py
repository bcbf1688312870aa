"""Running the command line in a test: one command in this process, or a real service beside it."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from academichub.cli import main

# Three of the seed day's feeds, which the tests' feed server serves on loopback.
FEEDS = ["arxiv_rss_quant-ph.xml", "journal_rss1_nature_science.xml", "journal_rss1_plos_medicine.xml"]


@dataclass
class Run:
    """One command's exit status and what it printed."""

    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """`academichub ARGV` in this process (a Python start per command would cost a second each); a usage
    error's SystemExit is its status, as the shell sees it."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return Run(code, out, err)


@dataclass
class Service:
    process: subprocess.Popen[str]
    port: int
    data_dir: Path


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[Service]:
    """A real `academichub serve` on `data_dir`, stopped with SIGTERM at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"127\.0\.0\.1:(\d+)/api/v1/", line)
        assert found, line + (process.stderr.read() if process.poll() is not None else "")
        yield Service(process, int(found[1]), data_dir)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
