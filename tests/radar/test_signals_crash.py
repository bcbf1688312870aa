"""The library and the learned model survive a kill -9 at any moment: a process killed while importing and
training leaves each file whole (the old version or the new), and the next `cards --rank` works."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from academichub.cli import main
from academichub.paths import seed_day_dir
from academichub.radar import interest
from academichub.radar.library import UserLibrary

WRITER = """
import sys
from pathlib import Path
from academichub.radar import interest
from academichub.radar.library import UserLibrary
from academichub.radar.library.entries import new_entry
from academichub.store.paper_store import PaperStore

data = Path(sys.argv[1])
with PaperStore(data / "papers") as store:
    for i in range(10_000):
        UserLibrary(data).add([new_entry(title=f"Quantum paper {i} on entangled qubits", origin="crash")])
        interest.up_to_date(data, store)
        print(i, flush=True)
"""


def test_a_process_killed_while_importing_and_training_leaves_both_files_whole(tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        for _ in range(3):  # a few imports and trainings in, then in the middle of one
            assert writer.stdout is not None and writer.stdout.readline()
        time.sleep(0.05)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    entries = UserLibrary(tmp_path).entries()
    assert len(entries) >= 3
    model, state = interest.load(tmp_path)
    assert model is not None and state is not None and state.positives >= 3
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(tmp_path), "cards", "--rank", "--json"]) == 0
    assert json.loads(out.getvalue())[0]["learned"]["like"]
