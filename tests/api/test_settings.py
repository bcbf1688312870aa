"""The model and schedule settings the options page edits: read, changed key by key, saved to the config
file, and used by the running service at once; bad values are a 400 naming the key and save nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from served import Sidecar

from academichub.api.context import LIBRARY
from academichub.config import ModelSettings, RefreshSettings, load_config


async def _patch(sidecar: Sidecar, body: object) -> tuple[int, dict]:
    async with sidecar.client.patch("/api/v1/settings", json=body) as r:
        return r.status, await r.json()


async def test_reads_the_model_and_schedule_from_the_config(sidecar: Sidecar) -> None:
    async with sidecar.client.get("/api/v1/settings") as r:
        assert r.status == 200
        body = await r.json()
    assert ModelSettings.model_validate(body["model"]) == ModelSettings()
    assert RefreshSettings.model_validate(body["refresh"]) == RefreshSettings(on_start=False, scheduled=False)


async def test_a_change_keeps_the_other_keys_and_is_saved_and_used(sidecar: Sidecar, tmp_path: Path) -> None:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    status, body = await _patch(
        sidecar,
        {
            "model": {"path": str(gguf), "threads": 4, "gpu_layers": -1},
            "refresh": {"arxiv_delay_minutes": 45},
        },
    )
    assert status == 200, body
    assert body["model"]["path"] == str(gguf) and body["model"]["threads"] == 4
    assert body["model"]["context"] == 2048  # left out, kept
    assert body["refresh"]["arxiv_delay_minutes"] == 45 and body["refresh"]["scheduled"] is False
    saved = load_config(sidecar.paths.config_file)
    assert saved.model.gpu_layers == -1 and saved.refresh.arxiv_delay_minutes == 45
    assert saved.sources == ["arxiv:cs.AI", "arxiv:quant-ph", "nature"]
    assert sidecar.app[LIBRARY].config == saved


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": {"threads": 999}}, "body.model.threads"),
        ({"model": {"context": 10}}, "body.model.context"),
        ({"model": {"path": "/no/such/model.gguf"}}, "body.model.path"),
        ({"model": {"endpoint": "lab:8080"}}, "body.model.endpoint"),
        ({"refresh": {"journal_interval_hours": 0.1}}, "body.refresh.journal_interval_hours"),
        ({"refresh": {"bogus": 1}}, "body.refresh.bogus"),
        ({"log": {"level": "DEBUG"}}, "body.log"),
        ([], "body"),
    ],
)
async def test_a_bad_value_is_400_and_saves_nothing(sidecar: Sidecar, body: object, field: str) -> None:
    before = sidecar.paths.config_file.read_bytes()
    status, error = await _patch(sidecar, body)
    assert status == 400 and error["field"] == field, error
    assert sidecar.paths.config_file.read_bytes() == before


async def test_a_broken_config_file_is_409_and_left_alone(sidecar: Sidecar) -> None:
    sidecar.paths.config_file.write_text("backfill_days = 'many'\n", encoding="utf-8")
    status, error = await _patch(sidecar, {"refresh": {"scheduled": True}})
    assert status == 409 and error["error"] == "config_broken"
    assert sidecar.paths.config_file.read_text(encoding="utf-8") == "backfill_days = 'many'\n"


async def test_a_model_file_moved_away_does_not_block_saving_the_rest(
    sidecar: Sidecar, tmp_path: Path
) -> None:
    gone = tmp_path / "gone.gguf"
    gone.write_bytes(b"x")
    status, _ = await _patch(sidecar, {"model": {"path": str(gone)}})
    assert status == 200
    gone.unlink()
    status, body = await _patch(sidecar, {"model": {"path": str(gone), "threads": 1}})
    assert status == 200, body
    assert body["model"]["threads"] == 1 and body["model"]["path"] == str(gone)
