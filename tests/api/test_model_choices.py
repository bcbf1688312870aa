"""The model list the options page offers, and a choice from it saved through the settings route."""

from __future__ import annotations

from pathlib import Path

from served import Sidecar

from academichub.api.model_choices import ModelList
from academichub.config import load_config


async def test_the_list_offers_the_bundled_model_and_the_configured_file_and_a_choice_is_saved(
    sidecar: Sidecar, tmp_path: Path
) -> None:
    async with sidecar.client.get("/api/v1/models") as r:
        assert r.status == 200
        listed = ModelList.model_validate(await r.json()).models
    assert listed[0].kind == "bundled" and listed[0].selected and listed[0].available

    gguf = tmp_path / "qwen2.5-3b-instruct-q4_k_m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    async with sidecar.client.patch("/api/v1/settings", json={"model": {"path": str(gguf)}}) as r:
        assert r.status == 200
    async with sidecar.client.get("/api/v1/models") as r:
        listed = ModelList.model_validate(await r.json()).models
    chosen = [c for c in listed if c.selected]
    assert [(c.kind, c.name, c.path) for c in chosen] == [("file", gguf.name, str(gguf))]

    # Back to the bundled model: the choice's own settings, as the options page sends them.
    async with sidecar.client.patch("/api/v1/settings", json={"model": listed[0].settings()}) as r:
        assert r.status == 200
    assert load_config(sidecar.paths.config_file).model.path == ""
