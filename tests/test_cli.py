"""The command line, end to end on the recorded seed day."""

import json
import subprocess
import sys

import pytest

from academichub.cli import main
from academichub.paths import seed_day_dir

SEED_PAPERS = 71  # ten feeds; cross-listed arXiv papers count once


@pytest.fixture
def seeded(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    capsys.readouterr()
    return tmp_path


def cards_json(data_dir, capsys, *extra):
    assert main(["--data-dir", str(data_dir), "cards", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_fetch_from_dir_stores_every_paper_of_the_seed_day_once(seeded, capsys):
    cards = cards_json(seeded, capsys)
    assert len(cards) == SEED_PAPERS
    assert len({c["id"] for c in cards}) == SEED_PAPERS


def test_cards_json_carries_the_documented_fields_numbered_contiguously(seeded, capsys):
    cards = cards_json(seeded, capsys)
    assert [c["n"] for c in cards] == list(range(1, SEED_PAPERS + 1))
    for card in cards:
        assert {
            "n",
            "id",
            "source_label",
            "date",
            "title",
            "authors",
            "abstract",
            "url",
            "categories",
        } <= card.keys()
        assert isinstance(card["authors"], list)
        assert "Unknown Author" not in card["authors"]
        assert not card["abstract"].startswith("arXiv:")


def test_cards_default_to_the_latest_day_and_accept_an_explicit_one(seeded, capsys):
    cards = cards_json(seeded, capsys)
    assert {c["day"] for c in cards} == {"2026-06-24"}  # the recorded arXiv mailing
    assert cards_json(seeded, capsys, "--day", "2026-06-24") == cards


def test_a_card_shows_its_own_publication_date_within_the_radar_day(seeded, capsys):
    cards = cards_json(seeded, capsys)
    nature = [c for c in cards if c["source_label"].startswith("Nature")]
    assert nature and all(c["date"] < c["day"] for c in nature)
    assert {c["date"] for c in cards if c["source_label"].startswith("arXiv")} == {"2026-06-24"}


def test_source_filter_keeps_numbering_contiguous(seeded, capsys):
    arxiv = cards_json(seeded, capsys, "--source", "arXiv")
    assert arxiv and all(c["source_label"].startswith("arXiv (") for c in arxiv)
    assert [c["n"] for c in arxiv] == list(range(1, len(arxiv) + 1))
    quantum = cards_json(seeded, capsys, "--source", "arXiv (quant-ph)")
    assert quantum and {c["source_label"] for c in quantum} == {"arXiv (quant-ph)"}


def test_text_layout_is_the_reference_card(seeded, capsys):
    assert main(["cards", "--data-dir", str(seeded), "--source", "arXiv (quant-ph)"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "01."
    assert lines[1].startswith("arXiv (quant-ph) 20")
    assert lines[2] == "Quasilinear Equivalence Checking for Detector Error Models"
    assert lines[3].startswith("Authors: ")


def test_a_day_without_papers_says_so(seeded, capsys):
    assert main(["--data-dir", str(seeded), "cards", "--day", "2001-01-01"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "No papers on 2001-01-01" in captured.err


def test_a_bad_day_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(tmp_path), "cards", "--day", "yesterday"])
    assert exit_.value.code == 2
    assert "expected YYYY-MM-DD" in capsys.readouterr().err


def test_the_installed_command_runs_the_offline_day(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "academichub.cli",
            "--data-dir",
            str(tmp_path),
            "daily",
            "--offline",
            "--no-brief",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("01.\n")
    assert f"{SEED_PAPERS:02d}.\n" in result.stdout
    assert "10 sources (10 ok)" in result.stderr
