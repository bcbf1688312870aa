"""While the service runs it owns the paper store: a star and a library import from the command line still
land (in their own files, under their locks), the service learns them at its next ranking, and
`cards --rank` reads the ranked day through the service's API."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

from academichub.cli import main
from academichub.paths import seed_day_dir
from running import end, offline_config, serve

QUANTUM_BIB = str(Path(__file__).parents[1] / "fixtures" / "library" / "quantum.bib")


def run(data_dir: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--data-dir", str(data_dir), *argv])
    return code, out.getvalue()


def test_signals_from_the_command_line_reach_the_running_service(tmp_path: Path) -> None:
    assert run(tmp_path, "fetch", "--from-dir", str(seed_day_dir()))[0] == 0
    offline_config(tmp_path)
    service, _ = serve(tmp_path)
    try:
        code, starred = run(tmp_path, "star", "2606.90026")
        assert code == 0 and "‘OBCache" in starred  # the title came from the service's store
        assert run(tmp_path, "library", "import", QUANTUM_BIB)[0] == 0
        for _ in range(100):  # the first ranking after the change starts the training; a later one uses it
            code, out = run(tmp_path, "cards", "--rank", "--json")
            cards = json.loads(out)
            if cards[0]["learned"] is not None:
                break
            time.sleep(0.1)
    finally:
        end(service)
    assert len(cards) == 71
    assert cards[0]["learned"]["like"]
    assert [c["relevance"] for c in cards] == sorted((c["relevance"] for c in cards), reverse=True)
