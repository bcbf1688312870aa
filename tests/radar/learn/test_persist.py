"""A trained model is saved to one file and read back unchanged; a kill -9 in the middle of a save leaves a
model that loads; a damaged file is a clear error, never a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from learn_papers import CLOSE, FAR, LIBRARY

from academichub.radar.learn import InterestModel
from academichub.radar.learn.persist import ModelFileError

WRITER = Path(__file__).with_name("model_writer.py")


def test_a_saved_model_scores_as_the_trained_one(tmp_path: Path) -> None:
    model = InterestModel.train(LIBRARY, negatives=[FAR[0]], background=FAR + CLOSE)
    model.save(tmp_path / "model.npz")
    loaded = InterestModel.load(tmp_path / "model.npz")
    assert loaded.score(FAR + CLOSE) == model.score(FAR + CLOSE)


def test_saving_again_replaces_the_model_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "learn" / "model.npz"
    InterestModel.train(LIBRARY, background=FAR).save(path)
    InterestModel.train(LIBRARY[:1], background=FAR).save(path)
    assert InterestModel.load(path).keys == [LIBRARY[0].key]
    assert os.listdir(path.parent) == ["model.npz"]


@pytest.mark.parametrize("delay", [0.02, 0.3])
def test_a_save_killed_at_any_instant_leaves_a_whole_model(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "model.npz"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        ready = writer.stdout.readline() if writer.stdout else ""
        assert ready == "ready\n", f"the writer did not start: {ready!r}"
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    model = InterestModel.load(path)
    assert model.keys in ([p.key for p in LIBRARY], [p.key for p in LIBRARY[:2]])
    assert len(model.score(CLOSE)) == len(CLOSE)


def test_a_missing_or_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="no model"):
        InterestModel.load(tmp_path / "absent.npz")
    damaged = tmp_path / "damaged.npz"
    InterestModel.train(LIBRARY, background=FAR).save(damaged)
    damaged.write_bytes(damaged.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="not a readable model"):
        InterestModel.load(damaged)
