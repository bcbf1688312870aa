"""`POST /api/v1/briefings`: the day's briefing, streamed as Server-Sent Events as the model writes it.

The cards are the shelf's (numbered as the popup numbers them) with the radar's scores, so every [NN] in
the briefing is the card the popup shows as NN. One model per service, loaded on the first briefing and
given back after the configured idle time; one briefing is written at a time, and a second request for the
same day waits for the first and is then answered from the cache at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from weakref import WeakKeyDictionary

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from ..briefing.day import brief_day
from ..briefing.model import BriefingEvent, Language
from ..config import ModelSettings
from ..llm.manager import ModelManager, backend_for
from .context import LIBRARY, library_of, shelf_of
from .library import Library
from .models import ModelState
from .radar import day_radar
from .routing import ApiError, Route, RouteTable


class BriefingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(default=None, description="YYYY-MM-DD; default: the latest day with papers.")
    language: Language = Field(
        default="en", description="'en' or 'zh' (Chinese prose, technical terms in English)."
    )
    fresh: bool = Field(default=False, description="Write a new briefing even if the day's is cached.")


_MODELS: WeakKeyDictionary[Library, tuple[ModelSettings, ModelManager]] = WeakKeyDictionary()
_WRITING: WeakKeyDictionary[Library, asyncio.Lock] = WeakKeyDictionary()


async def model_of(library: Library) -> ModelManager:
    """The service's model manager, made again when the settings changed (another GGUF file, say)."""
    settings = library.config.model
    held = _MODELS.get(library)
    if held is not None and held[0] == settings:
        return held[1]
    if held is not None:
        await held[1].close()
    manager = ModelManager.from_settings(settings)
    _MODELS[library] = (settings.model_copy(), manager)
    return manager


def model_state(library: Library) -> ModelState:
    """For /status: the service's model as it stands, without making one (that waits for a briefing)."""
    held = _MODELS.get(library)
    if held is None or held[0] != library.config.model:
        return ModelState(name=backend_for(library.config.model).name)
    manager = held[1]
    return ModelState(state=manager.state, name=manager.name, error=manager.load_error)


async def close_model(app: web.Application) -> None:
    """At shutdown: stop a generation under way and give the model's memory back."""
    held = _MODELS.pop(app[LIBRARY], None)
    if held is not None:
        await held[1].close()


def _sse(event: BriefingEvent) -> bytes:
    return f"event: {event.event}\ndata: {event.model_dump_json(exclude_none=True)}\n\n".encode()


async def write_briefing(request: web.Request, *, body: BriefingRequest) -> web.StreamResponse:
    library = library_of(request)
    shelf = shelf_of(request)
    day = body.day or (await shelf.summary()).latest_day
    if day is None:
        raise ApiError(404, "no_papers", "no papers are stored yet; refresh the sources first")
    cards = await shelf.day(day)
    if not cards.papers:
        raise ApiError(404, "no_papers", f"no papers on {day}", field="body.day")
    radar = await day_radar(request, cards, required=False)
    day_cards = [
        card.model_copy(update={"score": sighting.score, "radar": sighting.hits}) if sighting.hits else card
        for card, sighting in zip(cards.papers, radar.sightings, strict=True)
    ]
    manager = await model_of(library)

    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    queue: asyncio.Queue[BriefingEvent | None] = asyncio.Queue()

    async def brief() -> None:
        async with _WRITING.setdefault(library, asyncio.Lock()):
            await brief_day(
                day_cards,
                day=day,
                manager=manager,
                data_dir=library.paths.data,
                language=body.language,
                on_event=queue.put_nowait,
                fresh=body.fresh,
            )

    task = asyncio.create_task(brief())
    task.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (event := await queue.get()) is not None:
            await response.write(_sse(event))
        await task
        await response.write_eof()
    except ConnectionResetError:
        pass  # the popup was closed
    finally:
        if not task.done():  # the client left, or the service is stopping: stop the model within a token
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return response


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "POST",
            "/briefings",
            write_briefing,
            "Write the day's briefing, streaming it as Server-Sent Events; the last event holds all of it.",
            "briefings",
            body=BriefingRequest,
            media_types=("text/event-stream",),
            errors=(404,),
            description=(
                "Events, each with a BriefingEvent as its JSON data: `progress` (stage loading, theme, "
                "links, opening, read_first, done, with step and steps), `text` (the prose of `section` as "
                "the model writes it: a preview), `section` (that part checked and final: `theme`, "
                "`statements`, `headline` or `read_first`), `notice` (the model could not be used, and why: "
                "the briefing that follows is extractive) and last `briefing` (the whole Briefing, as JSON). "
                "Every [NN] is card NN of the day's cards. The latest briefing of a day is cached until the "
                "day's papers change, and then streams as `progress` done and `briefing` at once."
            ),
        )
    )
