"""What every command shares: `--data-dir` anywhere on the line, list options that take several values,
and usage errors that say what was wrong and exit with status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_bench import run


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "{dir}", "radar", "list", "--json"],
        ["radar", "--data-dir", "{dir}", "list", "--json"],
        ["radar", "list", "--data-dir", "{dir}", "--json"],
        ["radar", "list", "--json", "--data-dir", "{dir}"],
        ["--data-dir", "/elsewhere", "radar", "list", "--json", "--data-dir", "{dir}"],
    ],
)
def test_data_dir_counts_before_or_after_the_command_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert (
        run(capsys, "radar", "add", "--data-dir", str(tmp_path), "qec", "--terms", "surface code").code == 0
    )
    listed = run(capsys, *(a.replace("{dir}", str(tmp_path)) for a in argv))
    assert listed.code == 0, listed.err
    assert [r["name"] for r in json.loads(listed.out)["rules"]] == ["qec"]


def test_a_list_option_takes_every_value_up_to_the_next_option_or_each_repeated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spread = ["--terms", "graph neural", "GNN*", "--exclude", "survey", "--weight", "2"]
    repeated = ["--terms", "graph neural", "--terms", "GNN*", "--exclude", "survey", "--weight", "2"]
    assert run(capsys, "--data-dir", str(tmp_path / "a"), "radar", "add", "graphs", *spread).code == 0
    assert run(capsys, "--data-dir", str(tmp_path / "b"), "radar", "add", "graphs", *repeated).code == 0
    rules = [
        json.loads(run(capsys, "--data-dir", str(tmp_path / d), "radar", "list", "--json").out)["rules"]
        for d in "ab"
    ]
    assert rules[0] == rules[1]
    assert (rules[0][0]["terms"], rules[0][0]["exclude"], rules[0][0]["weight"]) == (
        ["graph neural", "GNN*"],
        ["survey"],
        2.0,
    )


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (
            ["cards", "--day", "yesterday"],
            "Invalid value for '--day': not a day: 'yesterday' (expected YYYY-MM-DD)",
        ),
        (["brief", "--lang", "fr"], "Invalid value for '--lang': 'fr' is not one of 'en', 'zh'."),
        (
            ["radar", "add", "x", "--weight", "lots"],
            "Invalid value for '--weight': 'lots' is not a valid float.",
        ),
        (["cards", "--colour"], "No such option '--colour'"),
        (["fetsch"], "No such command 'fetsch'"),
        ([], "Usage: academichub [OPTIONS] COMMAND [ARGS]..."),
    ],
)
def test_a_usage_error_says_what_was_wrong_and_exits_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], complaint: str
) -> None:
    wrong = run(capsys, "--data-dir", str(tmp_path), *argv)
    assert wrong.code == 2
    assert complaint in wrong.err + wrong.out
    assert "Traceback" not in wrong.err
    assert not (tmp_path / "papers").exists()  # nothing was opened, nothing written


def test_version_and_help_exit_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version").out == "academichub 0.1.0\n"
    helped = run(capsys, "radar", "add", "--help")
    assert helped.code == 0 and "Usage: academichub radar add [OPTIONS] NAME" in helped.out
    assert "--terms TERM..." in helped.out
