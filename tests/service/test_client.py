"""While the service runs it owns the store; the command line then reads the day through its API."""

import json
import re
import subprocess
import sys

from academichub.cli import main
from academichub.config import Config, RefreshSettings, save_config
from academichub.paths import Paths, seed_day_dir


def test_cards_come_from_the_running_service_when_it_owns_the_store(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    assert main(["--data-dir", str(tmp_path), "cards", "--json", "--source", "arXiv"]) == 0
    direct = json.loads(capsys.readouterr().out.split("\n", 1)[1])  # after fetch's summary line
    assert main(["--data-dir", str(tmp_path), "radar", "add", "qec", "--terms", "quantum", "error*"]) == 0
    assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
    direct_radar = capsys.readouterr().out.split("\n", 1)[1]  # after radar add's line
    save_config(
        Paths.under(tmp_path).config_file,
        Config(sources=[], refresh=RefreshSettings(on_start=False, scheduled=False)),
    )
    service = subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(tmp_path), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert service.stdout is not None
        line = service.stdout.readline()
        assert re.search(r"127\.0\.0\.1:\d+/api/v1/", line), line
        assert main(["--data-dir", str(tmp_path), "cards", "--json", "--source", "arXiv"]) == 0
        served = json.loads(capsys.readouterr().out)
        assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
        served_radar = capsys.readouterr().out
        assert main(["--data-dir", str(tmp_path), "radar", "remove", "qec"]) == 0
        capsys.readouterr()
        assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
        nothing = capsys.readouterr()
    finally:
        service.terminate()
        service.wait(timeout=30)
    assert len(served) == len(direct) > 60
    assert [(c["n"], c["id"], c["title"]) for c in served] == [(c["n"], c["id"], c["title"]) for c in direct]
    # The radar view reads the same, each match with why it matched; an empty one is not "no papers".
    assert "Radar " in served_radar and served_radar == direct_radar
    assert nothing.out == "" and nothing.err.startswith("No radar matches on ")
