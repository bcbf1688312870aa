"""While the service runs it owns the store; the command line then reads the day through its API."""

import json

from academichub.cli import main
from academichub.paths import seed_day_dir
from running import end, offline_config, serve


def test_cards_come_from_the_running_service_when_it_owns_the_store(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    assert main(["--data-dir", str(tmp_path), "cards", "--json", "--source", "arXiv"]) == 0
    direct = json.loads(capsys.readouterr().out.split("\n", 1)[1])  # after fetch's summary line
    assert main(["--data-dir", str(tmp_path), "radar", "add", "qec", "--terms", "quantum", "error*"]) == 0
    assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
    direct_radar = capsys.readouterr().out.split("\n", 1)[1]  # after radar add's line
    offline_config(tmp_path)
    service, _ = serve(tmp_path)
    try:
        assert main(["--data-dir", str(tmp_path), "cards", "--json", "--source", "arXiv"]) == 0
        served = json.loads(capsys.readouterr().out)
        assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
        served_radar = capsys.readouterr().out
        assert main(["--data-dir", str(tmp_path), "radar", "remove", "qec"]) == 0
        capsys.readouterr()
        assert main(["--data-dir", str(tmp_path), "cards", "--radar"]) == 0
        nothing = capsys.readouterr()
    finally:
        end(service)
    assert len(served) == len(direct) > 60
    assert [(c["n"], c["id"], c["title"]) for c in served] == [(c["n"], c["id"], c["title"]) for c in direct]
    # The radar view reads the same, each match with why it matched; an empty one is not "no papers".
    assert "Radar " in served_radar and served_radar == direct_radar
    assert nothing.out == "" and nothing.err.startswith("No radar matches on ")
