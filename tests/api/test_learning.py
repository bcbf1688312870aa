"""The learned radar through the real sidecar on the recorded seed day: a library dropped on the options
page, Zotero, stars and dismissals from the popup, "pick five" for a cold start, the ranked and radar
cards with their explanations, reset, and a model that outlives the service."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from served import Sidecar, start_sidecar

sys.path.insert(0, str(Path(__file__).parents[1] / "radar"))
from zotero_fixtures import local_api

QUANTUM_BIB = (Path(__file__).parents[1] / "fixtures" / "library" / "quantum.bib").read_text()


async def call(sidecar: Sidecar, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with sidecar.client.request(method, f"/api/v1{path}", **kwargs) as r:
        return r.status, await r.json()


async def trained(sidecar: Sidecar) -> dict:
    """The learned state once the training a change started has ended."""
    for _ in range(200):
        status, state = await call(sidecar, "GET", "/radar/learned")
        assert status == 200
        if not state["training"]:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("the training did not end")


async def import_quantum(sidecar: Sidecar) -> dict:
    status, report = await call(
        sidecar, "POST", "/library/import", json={"name": "quantum.bib", "text": QUANTUM_BIB}
    )
    assert status == 200, report
    return report


async def test_with_no_signals_the_radar_is_rules_only_and_offers_papers_across_fields(
    sidecar: Sidecar,
) -> None:
    _, state = await call(sidecar, "GET", "/radar/learned")
    assert (state["trained"], state["library"], state["stars"]) == (False, 0, 0)
    _, ranked = await call(sidecar, "GET", "/cards", params={"rank": "true", "limit": "100"})
    assert all(c["relevance"] == 0 and c["learned"] is None for c in ranked["cards"])
    status, picks = await call(sidecar, "GET", "/radar/pick")
    assert status == 200 and picks["learned"] is False and len(picks["cards"]) == 5
    fields = [c["categories"][0] if c["categories"] else c["source_label"] for c in picks["cards"]]
    assert len(set(fields)) == 5  # one from each field: the widest first picks


async def test_an_imported_library_ranks_the_day_and_brings_unasked_matches_to_the_radar(
    sidecar: Sidecar,
) -> None:
    report = await import_quantum(sidecar)
    assert (report["read"], report["added"], report["skipped"], report["matched"]) == (5, 5, 1, 1)
    state = await trained(sidecar)
    assert state["trained"] and state["positives"] == 5 and state["error"] is None, state

    _, ranked = await call(sidecar, "GET", "/cards", params={"rank": "true", "limit": "100"})
    cards = ranked["cards"]
    assert ranked["total"] == len(cards) == 71
    assert [c["relevance"] for c in cards] == sorted((c["relevance"] for c in cards), reverse=True)
    assert all("quant-ph" in c["categories"] for c in cards[:4])

    _, radar = await call(sidecar, "GET", "/cards", params={"radar": "true", "limit": "100"})
    assert radar["cards"], "no rule exists: every card here is a learned match"
    for card in radar["cards"]:
        assert card["radar"] == [] and card["learned"]["score"] >= 0.95
        assert card["learned"]["like"] and card["learned"]["words"]
    assert [c["n"] for c in radar["cards"]] == list(range(1, len(radar["cards"]) + 1))

    _, picks = await call(sidecar, "GET", "/radar/pick", params={"limit": "10"})
    assert picks["learned"] is True and "arxiv:2606.14677" not in {c["id"] for c in picks["cards"]}


async def test_stars_and_dismissals_from_the_popup_teach_the_radar(sidecar: Sidecar) -> None:
    status, star = await call(sidecar, "POST", "/stars", json={"id": "2606.90026v1"})
    assert status == 201 and star["id"] == "arxiv:2606.90026" and star["title"].startswith("OBCache")
    assert (await trained(sidecar))["positives"] == 1
    _, ranked = await call(sidecar, "GET", "/cards", params={"rank": "true", "limit": "5"})
    assert ranked["cards"][0]["id"] == "arxiv:2606.90026"
    second = ranked["cards"][1]["id"]

    status, _ = await call(sidecar, "POST", "/radar/dismissals", json={"id": second})
    assert status == 200
    state = await trained(sidecar)
    assert (state["dismissals"], state["negatives"]) == (1, 1)
    _, radar = await call(sidecar, "GET", "/cards", params={"radar": "true", "limit": "100"})
    assert second not in {c["id"] for c in radar["cards"]}

    status, left = await call(sidecar, "DELETE", "/stars/arxiv:2606.90026")
    assert status == 200 and left == {"stars": []}
    status, error = await call(sidecar, "DELETE", "/stars/arxiv:2606.90026")
    assert status == 404 and error["error"] == "not_found"


async def test_a_file_that_is_no_library_is_refused_and_changes_nothing(sidecar: Sidecar) -> None:
    status, error = await call(
        sidecar, "POST", "/library/import", json={"name": "x.bib", "text": "@misc{x, title={"}
    )
    assert status == 400 and error["error"] == "invalid_library"
    _, library = await call(sidecar, "GET", "/library")
    assert library == {"entries": []}


async def test_zotero_is_imported_from_its_local_api_on_this_machine_only(sidecar: Sidecar) -> None:
    with local_api() as (base, asked):
        status, report = await call(
            sidecar, "POST", "/library/zotero", json={"api": base, "collections": ["QEC"]}
        )
    assert status == 200 and report["added"] == 2 and asked
    status, error = await call(
        sidecar, "POST", "/library/zotero", json={"api": "http://zotero.example.org:23119"}
    )
    assert status == 400 and "on this machine" in error["detail"]
    status, error = await call(
        sidecar, "POST", "/library/zotero", json={"api": "http://127.0.0.1:9", "data_dir": "/nonexistent"}
    )
    assert status == 409 and error["error"] == "zotero_unavailable"


async def test_entries_are_removed_and_a_reset_forgets_everything(sidecar: Sidecar) -> None:
    await import_quantum(sidecar)
    status, left = await call(sidecar, "DELETE", "/library/https://arxiv.org/abs/2606.14677")
    assert status == 200 and len(left["entries"]) == 4
    await call(sidecar, "POST", "/stars", json={"id": "arxiv:2606.90026"})
    status, reset = await call(sidecar, "POST", "/radar/reset", json={})
    assert status == 200 and reset["forgotten"] == {"library": 4, "stars": 1, "dismissals": 0}
    state = await trained(sidecar)
    assert (state["trained"], state["library"], state["stars"]) == (False, 0, 0)


async def test_the_model_outlives_the_service(seeded_dir: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    runner, first = await start_sidecar(data_dir)
    try:
        await import_quantum(first)
        learnt = await trained(first)
        _, before = await call(first, "GET", "/cards", params={"rank": "true", "limit": "10"})
    finally:
        await first.client.close()
        await runner.cleanup()
    runner, again = await start_sidecar(data_dir)
    try:
        state = await trained(again)
        assert state["trained"] and state["trained_at"] == learnt["trained_at"]  # loaded, not trained again
        _, after = await call(again, "GET", "/cards", params={"rank": "true", "limit": "10"})
        assert after == before
    finally:
        await again.client.close()
        await runner.cleanup()


@pytest.mark.parametrize("path", ["/stars", "/library", "/radar/learned", "/radar/pick"])
async def test_the_learning_routes_need_the_token(sidecar: Sidecar, path: str) -> None:
    async with sidecar.client.get(f"/api/v1{path}", headers={"Authorization": "Bearer wrong"}) as r:
        assert r.status == 401
