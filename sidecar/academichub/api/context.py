"""The service's parts as the routes reach them: typed keys on the aiohttp application."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..api_models import ScheduleState
from .card_shelf import CardShelf
from .library import Library
from .refresher import Refresher

LIBRARY = web.AppKey("library", Library)
SHELF = web.AppKey("shelf", CardShelf)
REFRESHER = web.AppKey("refresher", Refresher)
SCHEDULE = web.AppKey("schedule", Callable[[], ScheduleState])


def library_of(request: web.Request) -> Library:
    return request.app[LIBRARY]


def shelf_of(request: web.Request) -> CardShelf:
    return request.app[SHELF]


def refresher_of(request: web.Request) -> Refresher:
    return request.app[REFRESHER]
