"""Routes for refreshing: start one now, and the event stream that reports its progress."""

from __future__ import annotations

from aiohttp import web

from .context import library_of, refresher_of
from .models import RefreshEvent, RefreshStarted
from .routing import Route, RouteTable


async def start_refresh(request: web.Request) -> RefreshStarted:
    refresh_id, already = refresher_of(request).start("api")
    return RefreshStarted(id=refresh_id, already_running=already)


async def stream_events(request: web.Request) -> web.StreamResponse:
    # The first event is the state now, so a popup opened mid-refresh shows where it stands at once.
    now = RefreshEvent(
        phase="started" if refresher_of(request).running else "finished",
        progress=refresher_of(request).progress,
    )
    return await library_of(request).events.stream(request, first=("refresh", now))


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "POST",
            "/refresh",
            start_refresh,
            "Refresh every source now, unless a refresh is running.",
            "refresh",
            response=RefreshStarted,
            status=202,
        )
    )
    table.add(
        Route(
            "GET",
            "/events",
            stream_events,
            "Server-Sent Events: `refresh` events (data: RefreshEvent).",
            "refresh",
            media_types=("text/event-stream",),
            description="Each `refresh` event's data is a RefreshEvent: phase started, source (one more "
            "source done), finished or failed, with the progress after it. Later issues add briefing events. "
            "Send the token in the Authorization header (fetch() reading a streamed body; EventSource cannot "
            "send headers).",
        )
    )
