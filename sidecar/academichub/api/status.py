"""Routes for the service itself: its status, and the OpenAPI document that describes every route."""

from __future__ import annotations

from aiohttp import web

from .. import __version__
from ..models import SourceHealth
from .context import briefings_of, library_of, refresher_of, schedule_of, shelf_of
from .models import SourceStatus, StatusReport
from .routing import Route, RouteTable

OPENAPI = web.AppKey("openapi", bytes)


async def get_status(request: web.Request) -> StatusReport:
    library = library_of(request)
    # Read before the counts: a refresh that finishes while they are read has already told the shelf of its
    # writes, so a report that says "finished" always counts that refresh's papers.
    progress = refresher_of(request).progress
    summary = await shelf_of(request).current_summary()
    healths = await library.in_store(lambda: {h.key: h for h in library.health.all()})
    return StatusReport(
        version=__version__,
        papers=summary.papers,
        days=len(summary.days),
        latest_day=summary.latest_day,
        sources=[
            SourceStatus(source=s, health=healths.get(s.key) or SourceHealth(key=s.key))
            for s in library.sources()
        ],
        refresh=progress,
        schedule=schedule_of(request),
        model=briefings_of(request).model_state(),
    )


async def get_openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI], content_type="application/json")


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "GET",
            "/status",
            get_status,
            "Papers stored, each source's health, the refresh in progress.",
            "service",
            response=StatusReport,
        )
    )
    table.add(Route("GET", "/openapi.json", get_openapi, "This document.", "service"))
