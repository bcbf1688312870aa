"""The aiohttp application: the routes of every resource behind the security layers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from ..ingest.fetcher import Fetcher
from ..service.library import Library
from ..service.origins import KnownOrigins
from ..service.parsing import ProcessParser
from . import (
    briefings,
    catalogue,
    export,
    interest,
    model_choices,
    papers,
    radar,
    refresh,
    settings,
    sources,
    status,
)
from .context import BRIEFINGS, LEARNER, RADAR, REFRESHER, SHELF, register_services
from .models import ScheduleState
from .openapi import build_openapi
from .routing import RouteTable
from .security import MAX_BODY, error_bodies, host_guard, origin_guard, token_guard


@dataclass
class Listening:
    """The port the server is bound to, known only once it is (the config may ask for port 0)."""

    port: int | None = None

    def hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"} if self.port else set()


LISTENING = web.AppKey("listening", Listening)


def route_table() -> RouteTable:
    table = RouteTable()
    for resource in (
        status,
        papers,
        sources,
        catalogue,
        refresh,
        export,
        radar,
        interest,
        briefings,
        settings,
        model_choices,
    ):
        resource.add_routes(table)
    return table


def create_app(
    library: Library,
    token: str,
    *,
    fetcher_factory: Callable[[], Fetcher] = Fetcher,
    schedule: Callable[[], ScheduleState] = ScheduleState,
    parser: ProcessParser | None = None,
) -> web.Application:
    """The app for `library`; it owns it (and `parser`) from here on and closes them at cleanup."""
    listening = Listening()
    max_body = library.config.server.max_body_kib * 1024
    app = web.Application(
        client_max_size=max_body,
        middlewares=[
            error_bodies,
            host_guard(listening.hosts),
            origin_guard(KnownOrigins(library.paths)),
            token_guard(token),
        ],
    )
    app[LISTENING] = listening
    app[MAX_BODY] = max_body
    register_services(app, library, fetcher_factory=fetcher_factory, schedule=schedule, parser=parser)
    table = route_table()
    table.install(app)
    app[status.OPENAPI] = json.dumps(build_openapi(table.routes)).encode()

    async def load_learned_radar(app: web.Application) -> None:
        await app[LEARNER].start()

    async def end_streams(app: web.Application) -> None:
        library.events.close()

    async def close_library(app: web.Application) -> None:
        await app[REFRESHER].stop()
        await app[LEARNER].idle()  # a training under way ends with its model saved
        await app[SHELF].close()
        await app[BRIEFINGS].close()  # stops a generation under way and gives the model's memory back
        app[RADAR].close()
        await asyncio.to_thread(library.close)  # waits for a store write in progress
        if parser is not None:
            await asyncio.to_thread(parser.close)

    app.on_startup.append(load_learned_radar)
    app.on_shutdown.append(end_streams)
    app.on_cleanup.append(close_library)
    return app
