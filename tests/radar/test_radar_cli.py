"""`academichub radar ...` and `academichub cards --radar`, end to end on the recorded seed day."""

from __future__ import annotations

import json

import pytest

from academichub.cli import main
from academichub.paths import seed_day_dir


@pytest.fixture(scope="module")
def seeded_once(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("radar-cli")
    assert main(["--data-dir", str(data_dir), "fetch", "--from-dir", str(seed_day_dir())]) == 0
    return data_dir


@pytest.fixture
def seeded(seeded_once, tmp_path, capsys):
    import shutil

    data_dir = tmp_path / "data"
    shutil.copytree(seeded_once, data_dir)
    capsys.readouterr()
    return data_dir


def run(data_dir, capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_are_added_listed_and_removed(seeded, capsys) -> None:
    code, out, _ = run(
        seeded,
        capsys,
        "radar",
        "add",
        "quantum codes",
        "--terms",
        "error correction",
        "surface code*",
        "--categories",
        "quant-ph",
        "--exclude",
        "classical",
        "--weight",
        "2",
    )
    assert (code, out) == (
        0,
        "added quantum codes (weight 2): “error correction”, “surface code*”; "
        "only quant-ph; not “classical”\n",
    )
    run(seeded, capsys, "radar", "add", "people", "--authors", "J. Silva")
    code, out, _ = run(seeded, capsys, "radar", "list")
    assert out.splitlines() == [
        "quantum codes (weight 2): “error correction”, “surface code*”; only quant-ph; not “classical”",
        "people: by J. Silva",
    ]
    code, out, _ = run(seeded, capsys, "radar", "list", "--json")
    assert [r["name"] for r in json.loads(out)["rules"]] == ["quantum codes", "people"]
    assert run(seeded, capsys, "radar", "remove", "PEOPLE")[0] == 0
    code, _, err = run(seeded, capsys, "radar", "remove", "people")
    assert code == 1 and "no radar rule named 'people'" in err


@pytest.mark.parametrize(
    ("argv", "code", "complaint"),
    [
        (["radar", "add", "x"], 2, "needs terms or authors"),
        (["radar", "add", "x", "--terms", "a*"], 2, "matches too much"),
        (
            ["radar", "add", "x", "--terms", "ok", "--weight", "-1"],
            2,
            "weight: Input should be greater than 0",
        ),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_is_saved(seeded, capsys, argv, code, complaint) -> None:
    got, _, err = run(seeded, capsys, *argv)
    assert got == code and complaint in err and "not added" in err
    assert run(seeded, capsys, "radar", "list", "--json")[1].strip() == '{\n  "rules": []\n}'


def test_cards_radar_ranks_the_matches_and_says_why(seeded, capsys) -> None:
    run(seeded, capsys, "radar", "add", "spiking", "--terms", "spiking neural", "time-to-first-spike")
    run(seeded, capsys, "radar", "add", "people", "--authors", "Ines Sato")
    code, out, _ = run(seeded, capsys, "cards", "--radar", "--json")
    cards = json.loads(out)
    assert code == 0 and len(cards) >= 2
    assert [c["n"] for c in cards] == list(range(1, len(cards) + 1))
    assert [c["score"] for c in cards] == sorted((c["score"] for c in cards), reverse=True)
    assert cards[0]["id"] == "arxiv:2606.13016"
    assert {h["rule"] for h in cards[0]["radar"]} == {"spiking", "people"}

    code, out, _ = run(seeded, capsys, "cards", "--radar")
    first = out.split("\n\n")[0].splitlines()
    assert first[0] == "01."
    assert first[-2] == (
        "Radar 8 · spiking: “Time-to-first-spike” in the title +3; “Spiking neural” in the "
        "abstract +1; “time-to-first-spike” in the abstract +1"
    )
    assert first[-1] == "       people: by “Ines Sato” +3"


def test_dismiss_keeps_a_paper_out_of_cards_radar_until_undone(seeded, capsys) -> None:
    run(seeded, capsys, "radar", "add", "spiking", "--terms", "spiking neural")
    before = [c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])]
    code, out, _ = run(seeded, capsys, "radar", "dismiss", "2606.13016")
    assert code == 0 and out.startswith("dismissed arxiv:2606.13016")
    after = [c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])]
    assert after == [i for i in before if i != "arxiv:2606.13016"]
    assert run(seeded, capsys, "radar", "dismiss", "--undo", "arxiv:2606.13016")[0] == 0
    assert [c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])] == before


def test_cards_radar_without_rules_says_how_to_add_one(seeded, capsys) -> None:
    code, out, err = run(seeded, capsys, "cards", "--radar")
    assert (code, out) == (0, "")
    assert "No radar matches" in err and "radar list" in err


def test_a_damaged_radar_file_does_not_hide_the_cards(seeded, capsys) -> None:
    (seeded / "radar.json").write_text("{")
    code, out, err = run(seeded, capsys, "cards", "--json")
    assert code == 0 and len(json.loads(out)) > 0 and "radar.json is not a valid JSON document" in err
    code, _, err = run(seeded, capsys, "cards", "--radar")
    assert code == 1 and "radar.json" in err


def test_a_doi_dismissed_in_another_case_or_as_a_link_leaves_the_radar(seeded, capsys) -> None:
    # DOIs are case-insensitive and the store keeps them lower-cased: what the user pastes, a publisher's
    # link in capitals say, must reach the same paper.
    cards = json.loads(run(seeded, capsys, "cards", "--json")[1])
    journal = next(
        c for c in cards if c["id"].startswith("doi:10.") and any(ch.isalpha() for ch in c["id"][4:])
    )
    run(seeded, capsys, "radar", "add", "this one", "--terms", journal["title"])
    assert journal["id"] in [
        c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])
    ]
    shouted = "https://doi.org/" + journal["id"].removeprefix("doi:").upper()
    code, out, _ = run(seeded, capsys, "radar", "dismiss", shouted)
    assert code == 0 and out.startswith(f"dismissed {journal['id']}")
    assert journal["id"] not in [
        c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])
    ]
    assert run(seeded, capsys, "radar", "dismiss", "--undo", journal["id"].upper())[0] == 0
    assert journal["id"] in [
        c["id"] for c in json.loads(run(seeded, capsys, "cards", "--radar", "--json")[1])
    ]
