"""The user's signals on the command line, run as the user runs it (a subprocess on the recorded seed day):
`library import|list|remove|export`, `star`/`unstar`, `radar dismiss`, `radar reset`, and `cards --rank`,
which lists the whole day best first, each card explained."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from academichub.cli import main
from academichub.paths import seed_day_dir

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"
QUANTUM_BIB = str(FIXTURES / "quantum.bib")


@pytest.fixture(scope="module")
def seeded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("signals-cli")
    assert main(["--data-dir", str(data_dir), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    return data_dir


@pytest.fixture
def data_dir(seeded_once: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(seeded_once, copy)
    return copy


def academichub(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return result


def run(data_dir: Path, *argv: str) -> tuple[int, str, str]:
    """The same command in this process: quicker, for the steps a test builds on."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(data_dir), *argv])
    return code, out.getvalue(), err.getvalue()


def ranked(data_dir: Path, *extra: str) -> list[dict]:
    code, out, err = run(data_dir, "cards", "--rank", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_a_library_is_imported_listed_and_removed_entry_by_entry(data_dir: Path) -> None:
    imported = academichub(data_dir, "library", "import", QUANTUM_BIB)
    assert (imported.returncode, imported.stdout) == (
        0,
        "imported 5 entries: 5 new, 0 updated, 1 skipped (no title); 1 of them are stored papers; "
        "the library holds 5\n",
    )
    listed = json.loads(academichub(data_dir, "library", "list", "--json").stdout)["entries"]
    assert [e["id"] for e in listed][:2] == ["doi:10.1103/physreva.86.032324", "arxiv:2606.14677"]
    removed = academichub(data_dir, "library", "remove", "2606.14677v1")
    assert (
        removed.stdout
        == "removed arxiv:2606.14677 ‘Quasilinear Equivalence Checking for Detector Error Models’\n"
    )
    again = academichub(data_dir, "library", "remove", "2606.14677")
    assert again.returncode == 1 and "the library holds no entry '2606.14677'" in again.stderr
    assert (
        academichub(data_dir, "library", "remove", "--all").stdout
        == "removed all 4 entries from the library\n"
    )


def test_the_ranked_day_puts_the_library_s_field_first_and_says_why(data_dir: Path) -> None:
    run(data_dir, "library", "import", QUANTUM_BIB)
    cards = ranked(data_dir)
    assert len(cards) == 71  # the whole day
    assert [c["n"] for c in cards] == list(range(1, 72))
    assert [c["relevance"] for c in cards] == sorted((c["relevance"] for c in cards), reverse=True)
    top = cards[:4]
    assert all("quant-ph" in c["categories"] for c in top), [c["title"] for c in top]
    library_titles = {
        e["title"] for e in json.loads(academichub(data_dir, "library", "list", "--json").stdout)["entries"]
    }
    for card in top:
        assert card["learned"]["like"] and {p["title"] for p in card["learned"]["like"]} <= library_titles
        words = card["learned"]["words"]
        assert words and all(w in f"{card['title']} {card['abstract']}".lower() for w in words)
    text = run(data_dir, "cards", "--rank")[1]
    assert "Learned " in text and "like your ‘" in text and "Relevance " in text


def test_a_star_and_a_dismissal_move_papers_and_a_reset_forgets_them(data_dir: Path) -> None:
    obcache = "arxiv:2606.90026"  # a cs.CL paper on KV caches, far from the rest of the day
    starred = academichub(data_dir, "star", "2606.90026")
    assert starred.stdout.startswith("starred arxiv:2606.90026 ‘OBCache: Optimal Brain KV Cache Pruning")
    cards = ranked(data_dir)
    assert cards[0]["id"] == obcache
    second = cards[1]["id"]
    assert run(data_dir, "radar", "dismiss", second)[0] == 0
    after = ranked(data_dir)
    dismissed = [c["id"] for c in after].index(second)
    assert after[dismissed]["learned"] is None
    assert all(c["relevance"] == 0 for c in after[dismissed:])  # at the bottom, with nothing to say
    assert run(data_dir, "unstar", obcache)[1] == f"unstarred {obcache}\n"
    assert run(data_dir, "unstar", obcache)[0] == 1
    run(data_dir, "star", obcache)
    reset = academichub(data_dir, "radar", "reset")
    assert reset.stdout == "forgot 0 library entries, 1 star, 1 dismissal\n"
    assert all(c["learned"] is None and c["relevance"] == 0 for c in ranked(data_dir))  # rules only again


def test_an_export_holds_every_signal_and_the_model_and_imports_elsewhere(
    data_dir: Path, seeded_once: Path, tmp_path: Path
) -> None:
    run(data_dir, "library", "import", QUANTUM_BIB)
    run(data_dir, "star", "2606.90026")
    run(data_dir, "radar", "dismiss", "2606.90001")
    before = ranked(data_dir)  # trains
    out = tmp_path / "signals.json"
    assert academichub(data_dir, "library", "export", "-o", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert len(exported["library"]) == 5 and [s["id"] for s in exported["stars"]] == ["arxiv:2606.90026"]
    assert [d["id"] for d in exported["dismissals"]] == ["arxiv:2606.90001"]
    assert exported["model"]["state"]["positives"] == 6 and exported["model"]["npz_base64"]

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(seeded_once, elsewhere)
    restored = academichub(elsewhere, "library", "import", str(out))
    assert restored.stdout == "restored 5 library entries, 1 stars, 1 dismissals and the learned model\n"
    assert ranked(elsewhere) == before


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["library", "import", "/nonexistent/refs.bib"], "no such file: /nonexistent/refs.bib"),
        (["library", "import", str(Path(__file__))], "not a library file"),
        (
            [
                "library",
                "import",
                "zotero",
                "--zotero-url",
                "http://127.0.0.1:9",
                "--zotero-dir",
                "/nonexistent",
            ],
            "Zotero is not running",
        ),
    ],
)
def test_what_cannot_be_imported_is_refused_with_the_reason(
    data_dir: Path, argv: list[str], complaint: str
) -> None:
    result = academichub(data_dir, *argv)
    assert result.returncode == 1 and complaint in result.stderr
    assert not (data_dir / "library.json").exists()


def test_zotero_is_imported_from_its_database_with_collections(data_dir: Path, tmp_path: Path) -> None:
    from zotero_fixtures import build_database

    build_database(tmp_path / "zotero.sqlite")
    result = academichub(
        data_dir,
        "library",
        "import",
        "zotero",
        "--zotero-url",
        "http://127.0.0.1:9",
        "--zotero-dir",
        str(tmp_path),
        "--collection",
        "QEC",
        "--exclude-collection",
        "Decoders",
    )
    assert result.returncode == 0 and result.stdout.startswith("imported 1 entries: 1 new")
    assert f"through {tmp_path / 'zotero.sqlite'}" in result.stderr
