"""Every command, tried as a user would, on the same data with the service stopped and with it running:
each answers with the same exit status (save ingesting recordings, which needs the store to itself), prints
the same where its answer is the store's, and never shows a Python traceback, whatever the mistake."""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_bench import Run, run, serving

from academichub.paths import seed_day_dir


@dataclass(frozen=True)
class Step:
    argv: tuple[str, ...]
    down: int  # the exit status with the service stopped
    up: int  # and with it running
    same_output: bool = False  # stdout is the same either way


def steps(busy_port: int, scratch: Path) -> list[Step]:
    seed, missing, hosts = str(seed_day_dir()), str(scratch / "missing"), str(scratch / "hosts")
    port = str(busy_port)
    return [
        Step(("--version",), 0, 0, same_output=True),
        Step(("sources", "--search", "biorxiv"), 0, 0, same_output=True),
        Step(("sources", "--json"), 0, 0, same_output=True),
        Step(("token",), 0, 0),
        Step(("status",), 0, 0),
        Step(("status", "--json"), 0, 0),
        Step(("cards",), 0, 0, same_output=True),
        Step(("cards", "--json", "--source", "Nature"), 0, 0, same_output=True),
        Step(("cards", "--day", "2001-01-01"), 0, 0, same_output=True),
        Step(("cards", "--day", "yesterday"), 2, 2),
        Step(("cards", "--radar"), 0, 0, same_output=True),
        Step(("radar", "add", "qec", "--terms", "error correction", "surface code*"), 0, 0, same_output=True),
        Step(("radar", "add", "QEC", "--terms", "qubit"), 1, 1),
        Step(("radar", "add", "nothing"), 2, 2),
        Step(("radar", "add", "heavy", "--terms", "qubit", "--weight", "lots"), 2, 2),
        Step(("radar", "list"), 0, 0, same_output=True),
        Step(("radar", "list", "--json"), 0, 0, same_output=True),
        Step(("cards", "--radar"), 0, 0, same_output=True),
        Step(("radar", "dismiss", "2606.13016"), 0, 0),
        Step(("radar", "dismiss", "--undo", "arXiv:2606.13016"), 0, 0, same_output=True),
        Step(("radar", "dismiss", "--undo", "2606.13016"), 1, 1, same_output=True),
        Step(("radar", "remove", "QEC"), 0, 0, same_output=True),
        Step(("radar", "remove", "qec"), 1, 1),
        Step(("radar",), 2, 2),
        Step(("cards", "--rank"), 0, 0, same_output=True),
        Step(("star", "2606.13016"), 0, 0, same_output=True),
        Step(("unstar", "2606.13016"), 0, 0, same_output=True),
        Step(("unstar", "2606.13016"), 1, 1),
        Step(("library", "import", missing), 1, 1),
        Step(("library", "list"), 0, 0, same_output=True),
        Step(("library", "remove"), 2, 2),
        Step(("library", "export"), 0, 0),
        Step(("radar", "reset", "stars"), 0, 0, same_output=True),
        Step(("radar", "reset", "everything"), 2, 2),
        Step(("fetch",), 0, 0),
        Step(("fetch", "--from-dir", seed), 0, 1),
        Step(("fetch", "--from-dir", missing), 1, 1),
        Step(("brief", "--day", "2001-01-01"), 1, 1),
        Step(("brief", "--lang", "fr"), 2, 2),
        Step(("brief", "--json"), 0, 0),
        Step(("models", "--json"), 0, 0, same_output=True),
        Step(("models", "--use", "99"), 2, 2),
        Step(("daily", "--no-brief"), 0, 0),
        Step(("daily", "--offline", "--no-brief"), 0, 1),
        Step(("daily",), 0, 0),
        Step(("serve", "--port", port), 1, 1),
        Step(("demo", "--port", port), 1, 1),
        Step(("install-native-host", "--browser", "chromium", "--dir", hosts), 0, 0, same_output=True),
        Step(("uninstall-native-host", "--dir", hosts), 0, 0, same_output=True),
        Step(("install-native-host", "--browser", "netscape"), 2, 2),
        Step(("nonsense",), 2, 2),
    ]


# Then radar.json is damaged (a hand edit gone wrong): the cards still show, with a word about it, and
# whatever needs the radar says where the file is and what to do.
AFTER_DAMAGE = [
    Step(("cards",), 0, 0, same_output=True),
    Step(("cards", "--radar"), 1, 1),
    Step(("radar", "list"), 1, 1),
    Step(("radar", "add", "x", "--terms", "qubit"), 1, 1),
]


def run_all(data_dir: Path, all_steps: list[Step], capsys: pytest.CaptureFixture[str]) -> list[Run]:
    ran = []
    for step in all_steps:
        if step is AFTER_DAMAGE[0]:
            (data_dir / "radar.json").write_text("{")
        ran.append(run(capsys, "--data-dir", str(data_dir), *step.argv))
    return ran


def test_every_command_behaves_the_same_with_the_service_stopped_or_running(
    seeded_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    down_dir, up_dir = tmp_path / "down", tmp_path / "up"
    shutil.copytree(seeded_template, down_dir)
    shutil.copytree(seeded_template, up_dir)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        plan = steps(busy.getsockname()[1], tmp_path) + AFTER_DAMAGE
        down = run_all(down_dir, plan, capsys)
        with serving(up_dir):
            up = run_all(up_dir, plan, capsys)

    wrong = []
    for step, stopped, running in zip(plan, down, up, strict=True):
        for mode, got, wanted in (("stopped", stopped, step.down), ("running", running, step.up)):
            if got.code != wanted:
                wrong.append(
                    f"{' '.join(step.argv)} (service {mode}): exit {got.code}, not {wanted}: {got.err}"
                )
            if "Traceback" in got.err or "Traceback" in got.out:
                wrong.append(f"{' '.join(step.argv)} (service {mode}) showed a traceback:\n{got.err}")
            if got.code != 0 and not (got.err + got.out).strip():
                wrong.append(f"{' '.join(step.argv)} (service {mode}) failed without a word on stderr")
        if step.same_output and stopped.out.replace(str(down_dir), str(up_dir)) != running.out:
            wrong.append(
                f"{' '.join(step.argv)}: prints\n{stopped.out}\nwithout the service, but\n{running.out}"
            )
    assert not wrong, "\n".join(wrong)
    for ran in down[-len(AFTER_DAMAGE) :] + up[-len(AFTER_DAMAGE) :]:
        assert "radar.json is not a valid JSON document" in ran.err
    # The running service answered (and its status says so).
    assert "The service runs at http://127.0.0.1:" in up[plan.index(Step(("status",), 0, 0))].out
    # The one refusal: recorded feeds go into the store directly, and the service holds it.
    refused = up[plan.index(next(s for s in plan if s.argv[:2] == ("fetch", "--from-dir")))]
    assert refused.err.startswith("academichub: the service on http://127.0.0.1:")
    assert "holds the store: stop it to ingest recorded feeds" in refused.err
