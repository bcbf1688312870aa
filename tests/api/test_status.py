"""The status endpoint and the OpenAPI document."""

from __future__ import annotations

import asyncio

from served import SeedFacts, Sidecar

from academichub import __version__
from academichub.api.context import REFRESHER, SHELF
from academichub.api.models import StatusReport
from academichub.models import HealthState, Paper


async def test_status_reports_papers_sources_refresh_and_model(sidecar: Sidecar, seed: SeedFacts) -> None:
    async with sidecar.client.get("/api/v1/status") as r:
        assert r.status == 200
        status = StatusReport.model_validate(await r.json())
    assert status.version == __version__
    assert (status.papers, status.days, status.latest_day) == (seed.papers, len(seed.days), seed.latest)
    assert [s.source.key for s in status.sources] == ["arxiv:cs.AI", "arxiv:quant-ph", "nature"]
    assert all(s.health.state == HealthState.never for s in status.sources)
    assert status.refresh.state == "idle" and status.refresh.id is None
    assert (status.model.state, status.model.name) == ("not loaded", "SmolLM2-135M-Instruct.Q4_1.gguf")


async def test_status_counts_a_write_at_once(sidecar: Sidecar, seed: SeedFacts) -> None:
    # The cards may be served from before a write for a moment; the status a client polls to see a refresh
    # finish must already count what it wrote.
    shelf = sidecar.app[SHELF]
    assert (await shelf.summary()).papers == seed.papers
    day = seed.latest
    new = Paper(id="doi:10.1/new", title="A new paper", source_label="Nature", date=day, day=day)
    await sidecar.library.in_store(lambda: sidecar.library.store.add([new]))
    sidecar.library.wrote([day])
    assert (await shelf.summary()).papers == seed.papers  # the cards' view from before, for a moment
    assert (await shelf.current_summary()).papers == seed.papers + 1
    async with sidecar.client.get("/api/v1/status") as r:
        assert StatusReport.model_validate(await r.json()).papers == seed.papers + 1
    await asyncio.sleep(0.2)  # the shelf rebuilds the day's cards in the background before the store closes


async def test_a_status_saying_a_refresh_finished_counts_its_papers(sidecar: Sidecar, seed: SeedFacts):
    # The refresh ends while the status is being put together (its reads wait on the store's lock): the
    # report may say the refresh still runs, but never that it finished with the counts from before it.
    library, refresher = sidecar.library, sidecar.app[REFRESHER]
    refresher.progress = refresher.progress.model_copy(update={"id": "r", "state": "running"})
    assert (await sidecar.app[SHELF].summary()).papers == seed.papers  # counted before the refresh wrote
    day = seed.latest
    new = Paper(id="doi:10.1/late", title="A late paper", source_label="Nature", date=day, day=day)
    with library._lock:  # the store is busy: /status waits in its reads
        answer = asyncio.ensure_future(sidecar.client.get("/api/v1/status"))
        await asyncio.sleep(0.3)
        library.store.add([new])
        library.wrote([day])  # what the refresher does as it ends
        refresher.progress = refresher.progress.model_copy(update={"state": "finished"})
    async with await answer as r:
        status = StatusReport.model_validate(await r.json())
    assert status.refresh.state == "running" or status.papers == seed.papers + 1
    await asyncio.sleep(0.2)  # the shelf rebuilds the day's cards in the background before the store closes


async def test_the_openapi_document_is_served_behind_the_token(sidecar: Sidecar) -> None:
    async with sidecar.client.get("/api/v1/openapi.json") as r:
        assert r.status == 200
        doc = await r.json()
    assert doc["openapi"].startswith("3.1")
    assert {"/api/v1/cards", "/api/v1/papers/{paper_id}", "/api/v1/sources/opml", "/api/v1/export"} <= set(
        doc["paths"]
    )
    cards = doc["paths"]["/api/v1/cards"]["get"]
    assert [p["name"] for p in cards["parameters"]] == [
        "day",
        "source",
        "q",
        "radar",
        "rank",
        "offset",
        "limit",
    ]
    assert cards["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CardPage"
    }
    assert doc["components"]["schemas"]["Card"]["properties"]["n"]["type"] == "integer"
