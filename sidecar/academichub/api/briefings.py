"""`POST /api/v1/briefings`: the day's briefing, streamed as Server-Sent Events as the model writes it.

The cards are the shelf's (numbered as the popup numbers them) with the radar's scores, so every [NN] in
the briefing is the card the popup shows as NN. The model and the one-at-a-time writing are the service's
`BriefingDesk`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from ..briefing.model import BriefingEvent, Language
from .context import briefings_of, shelf_of
from .radar import day_radar
from .routing import ApiError, Route, RouteTable


class BriefingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(default=None, description="YYYY-MM-DD; default: the latest day with papers.")
    language: Language = Field(
        default="en", description="'en' or 'zh' (Chinese prose, technical terms in English)."
    )
    fresh: bool = Field(default=False, description="Write a new briefing even if the day's is cached.")


def _sse(event: BriefingEvent) -> bytes:
    return f"event: {event.event}\ndata: {event.model_dump_json(exclude_none=True)}\n\n".encode()


async def write_briefing(request: web.Request, *, body: BriefingRequest) -> web.StreamResponse:
    shelf = shelf_of(request)
    day = body.day or (await shelf.summary()).latest_day
    if day is None:
        raise ApiError(404, "no_papers", "no papers are stored yet; refresh the sources first")
    cards = await shelf.day(day)
    if not cards.papers:
        raise ApiError(404, "no_papers", f"no papers on {day}", field="body.day")
    radar = await day_radar(request, cards, required=False)
    desk = briefings_of(request)
    await desk.model()  # made (not loaded) before the stream starts

    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    queue: asyncio.Queue[BriefingEvent | None] = asyncio.Queue()

    async def brief() -> None:
        await desk.write(
            radar.cards(cards), day=day, language=body.language, fresh=body.fresh, on_event=queue.put_nowait
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
