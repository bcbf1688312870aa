"""The service's parts as the routes reach them: typed keys on the aiohttp application."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..service.card_shelf import CardShelf
from ..service.learner import InterestLearner
from ..service.refresher import Refresher
from .library import Library
from .models import ScheduleState

LIBRARY = web.AppKey("library", Library)
SHELF = web.AppKey("shelf", CardShelf)
REFRESHER = web.AppKey("refresher", Refresher)
SCHEDULE = web.AppKey("schedule", Callable[[], ScheduleState])
LEARNER = web.AppKey("learner", InterestLearner)


def library_of(request: web.Request) -> Library:
    return request.app[LIBRARY]


def shelf_of(request: web.Request) -> CardShelf:
    return request.app[SHELF]


def refresher_of(request: web.Request) -> Refresher:
    return request.app[REFRESHER]


def learner_of(request: web.Request) -> InterestLearner:
    return request.app[LEARNER]
