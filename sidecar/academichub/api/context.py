"""The service's parts as the routes reach them: each an object registered on the aiohttp application under
a typed key, made once per app by `register_services` and reached through one accessor each. The routes
hold no state of their own."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..ingest.fetcher import Fetcher
from ..service.briefing_desk import BriefingDesk
from ..service.card_shelf import CardShelf
from ..service.learner import InterestLearner
from ..service.library import Library
from ..service.parsing import ProcessParser
from ..service.radar_shelf import RadarShelf
from ..service.refresher import Refresher
from .models import ScheduleState

LIBRARY = web.AppKey("library", Library)
SHELF = web.AppKey("shelf", CardShelf)
RADAR = web.AppKey("radar", RadarShelf)
BRIEFINGS = web.AppKey("briefings", BriefingDesk)
REFRESHER = web.AppKey("refresher", Refresher)
SCHEDULE: web.AppKey[Callable[[], ScheduleState]] = web.AppKey("schedule")
LEARNER = web.AppKey("learner", InterestLearner)


def register_services(
    app: web.Application,
    library: Library,
    *,
    fetcher_factory: Callable[[], Fetcher],
    schedule: Callable[[], ScheduleState],
    parser: ProcessParser | None,
) -> None:
    app[LIBRARY] = library
    app[SHELF] = CardShelf(library)
    app[LEARNER] = learner = InterestLearner(library)
    app[RADAR] = RadarShelf(library, learner)
    app[BRIEFINGS] = BriefingDesk(library)
    app[REFRESHER] = Refresher(library, fetcher_factory, parser)
    app[SCHEDULE] = schedule


def library_of(request: web.Request) -> Library:
    return request.app[LIBRARY]


def shelf_of(request: web.Request) -> CardShelf:
    return request.app[SHELF]


def radar_of(request: web.Request) -> RadarShelf:
    return request.app[RADAR]


def briefings_of(request: web.Request) -> BriefingDesk:
    return request.app[BRIEFINGS]


def refresher_of(request: web.Request) -> Refresher:
    return request.app[REFRESHER]


def learner_of(request: web.Request) -> InterestLearner:
    return request.app[LEARNER]


def schedule_of(request: web.Request) -> ScheduleState:
    return request.app[SCHEDULE]()
