"""POST /api/v1/briefings on a real sidecar over the recorded seed day, with the real default model.

A radar rule keeps the briefing small (the radar's matches are what it reads), so the model writes a few
parts, not a whole day's."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import aiohttp
import pytest
from served import TOKEN, Sidecar

from academichub.api.context import BRIEFINGS
from academichub.api.models import CardPage, StatusReport
from academichub.briefing.day import NoPapers, brief_through_service
from academichub.briefing.model import Briefing, BriefingEvent
from academichub.config import ModelSettings

QUANTUM = {"name": "quantum", "terms": ["quantum"]}  # eight papers of the seed day: two themes


async def events_of(response: aiohttp.ClientResponse) -> list[BriefingEvent]:
    """Read a Server-Sent Events body: each event's name and its BriefingEvent data."""
    assert response.status == 200, await response.text()
    assert response.content_type == "text/event-stream"
    events: list[BriefingEvent] = []
    name = None
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            event = BriefingEvent.model_validate_json(line[6:])
            assert event.event == name
            events.append(event)
    return events


async def test_a_briefing_streams_progress_and_text_and_ends_with_the_checked_briefing(sidecar: Sidecar):
    assert (await sidecar.client.post("/api/v1/radar/rules", json=QUANTUM)).status == 201
    radar = CardPage.model_validate(
        await (await sidecar.client.get("/api/v1/cards?radar=true&limit=100")).json()
    )
    all_cards = CardPage.model_validate(await (await sidecar.client.get("/api/v1/cards?limit=100")).json())
    titles = {c.n: c.title for c in all_cards.cards}
    matched = {c.id for c in radar.cards}
    matched_numbers = {c.n for c in all_cards.cards if c.id in matched}
    assert len(matched_numbers) == 8

    async with sidecar.client.post("/api/v1/briefings", json={}) as response:
        events = await events_of(response)

    kinds = [e.event for e in events]
    assert kinds[0] == "progress" and kinds[-1] == "briefing"
    # The model streams text only where it is asked something (a theme with several key phrases).
    assert "section" in kinds
    assert all(e.section and e.section.startswith("theme:") for e in events if e.event == "text")
    briefing = events[-1].briefing
    assert briefing.model == "SmolLM2-135M-Instruct.Q4_1.gguf" and not briefing.extractive
    status = StatusReport.model_validate(await (await sidecar.client.get("/api/v1/status")).json())
    assert (status.model.state, status.model.name) == ("ready", briefing.model)
    # The radar's matches, numbered as the popup numbers the day's cards.
    assert set(briefing.cards) == matched_numbers
    for theme in briefing.themes:
        assert theme.statements and all(set(s.cites) <= set(theme.cards) for s in theme.statements)
    for pick in briefing.read_first:
        assert titles[pick.card] == pick.title

    # Asked again: the cached briefing, at once.
    async with sidecar.client.post("/api/v1/briefings", json={}) as response:
        again = await events_of(response)
    assert [e.event for e in again] == ["progress", "briefing"]
    assert again[-1].briefing == briefing

    # `academichub brief` while the service owns the store asks the service the same way.
    through = await asyncio.to_thread(brief_through_service, f"{sidecar.url}/api/v1", TOKEN)
    assert through == briefing


async def test_a_broken_model_file_streams_a_notice_and_the_extractive_briefing(sidecar: Sidecar, tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 32)
    sidecar.library.config.model = ModelSettings(path=str(broken))
    async with sidecar.client.post("/api/v1/briefings", json={"language": "zh"}) as response:
        events = await events_of(response)
    notice = next(e.text for e in events if e.event == "notice")
    assert str(broken) in notice and "llama.cpp could not load it" in notice
    briefing = Briefing.model_validate(events[-1].briefing)
    assert briefing.extractive and briefing.language == "zh" and str(broken) in briefing.notice
    status = StatusReport.model_validate(await (await sidecar.client.get("/api/v1/status")).json())
    assert (status.model.state, status.model.name) == ("failed", "broken.gguf")
    assert str(broken) in status.model.error
    # The rest of the sidecar keeps working.
    assert (await sidecar.client.get("/api/v1/cards")).status == 200


async def test_a_client_that_leaves_stops_the_model(sidecar: Sidecar):
    async with sidecar.client.post("/api/v1/briefings", json={"fresh": True}) as response:
        async for raw in response.content:
            if raw.startswith(b"event: text"):
                break  # the model is writing: leave mid-stream
    manager = await sidecar.app[BRIEFINGS].model()  # the one writing, while the settings stay the same
    for _ in range(100):
        if not manager.busy:
            break
        await asyncio.sleep(0.05)
    assert not manager.busy, "the generation stopped when the client left"


async def test_asking_for_a_day_without_papers_is_a_404(sidecar: Sidecar):
    response = await sidecar.client.post("/api/v1/briefings", json={"day": "2001-01-01"})
    assert response.status == 404
    assert (await response.json())["error"] == "no_papers"
    with pytest.raises(NoPapers, match="no papers on 2001-01-01"):
        await asyncio.to_thread(
            brief_through_service, f"{sidecar.url}/api/v1", TOKEN, day=dt.date(2001, 1, 1)
        )


async def test_an_unknown_language_is_refused_naming_the_field(sidecar: Sidecar):
    response = await sidecar.client.post("/api/v1/briefings", data=json.dumps({"language": "fr"}))
    assert response.status == 400
    assert (await response.json())["field"] == "body.language"
