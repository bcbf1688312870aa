"""The request and response bodies of the local API (`/api/v1/`), beside the contract types in `models`.

These models are the API's one contract: handlers validate what comes in with them, serialize what goes out
with them, and the OpenAPI document at `/api/v1/openapi.json` is generated from their JSON Schemas.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import Card, Source, SourceHealth


class ErrorBody(BaseModel):
    """Every error the API returns, whatever the status."""

    error: str = Field(
        description="A short machine-readable name: 'unauthorized', 'not_found', 'invalid_body'."
    )
    detail: str = Field(description="What failed and why, in words a user can act on.")
    field: str | None = Field(
        default=None, description="The request field that is wrong, as a dotted path ('limit', 'body.ids.0')."
    )


# ---- cards, papers, days ----


class CardsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(default=None, description="YYYY-MM-DD; default: the latest day with papers.")
    source: str | None = Field(
        default=None,
        max_length=200,
        description="Only this source: 'arXiv', 'arXiv (cs.CV)', 'cs.CV' or 'Nature' (as `cards --source`).",
    )
    q: str | None = Field(
        default=None, max_length=200, description="Text to find in the title, authors or abstract (any case)."
    )
    radar: bool = Field(
        default=False,
        description="Only the radar's cards (a rule matches, or the learned interest is high; dismissed "
        "papers never show), highest relevance first.",
    )
    rank: bool = Field(
        default=False,
        description="The whole day, highest relevance first (the rules, then the learned interest).",
    )
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Cards to skip (paging).")
    limit: int = Field(default=50, ge=1, le=100, description="At most this many cards in one page.")


class CardPage(BaseModel):
    """One page of a day's numbered cards. Numbers run 1..total over the filtered list, so a page of
    cards 51-100 carries n = 51..100 whatever was filtered out."""

    day: dt.date | None = Field(description="The day shown; null when no paper is stored yet.")
    total: int = Field(description="Cards in the filtered list, across all pages.")
    offset: int
    limit: int
    cards: list[Card]


class DayList(BaseModel):
    days: list[dt.date] = Field(description="Days that have papers, newest first.")


# ---- status ----


class RefreshProgress(BaseModel):
    """Where the current (or last) refresh stands; also the payload of `refresh` events."""

    id: str | None = Field(default=None, description="The refresh's id; null before the first refresh.")
    state: Literal["idle", "running", "finished", "failed"] = "idle"
    trigger: str | None = Field(default=None, description="'start', 'schedule', 'api' or 'resume'.")
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    sources_total: int = 0
    sources_done: int = 0
    papers_new: int = 0
    current: str | None = Field(default=None, description="The source last reported.")
    error: str | None = None
    offline_since: dt.datetime | None = Field(
        default=None,
        description="Set while refreshes find no network: when the first of them did. The cards shown are "
        "the last day fetched; the next refresh runs when the network is back.",
    )


class ModelState(BaseModel):
    state: Literal["not loaded", "loading", "ready", "failed"] = "not loaded"
    name: str | None = Field(default=None, description="The model the briefings use: its file or endpoint.")
    error: str | None = Field(default=None, description="Why the last load failed, when state is 'failed'.")


class SourceStatus(BaseModel):
    source: Source
    health: SourceHealth


class ScheduleState(BaseModel):
    next_arxiv: dt.datetime | None = Field(
        default=None, description="The next refresh after an arXiv announcement."
    )
    next_journals: dt.datetime | None = Field(
        default=None, description="The next refresh of the other sources."
    )


class StatusReport(BaseModel):
    version: str
    papers: int = Field(description="Papers stored, all days.")
    days: int = Field(description="Days that have papers.")
    latest_day: dt.date | None
    sources: list[SourceStatus]
    refresh: RefreshProgress
    schedule: ScheduleState
    model: ModelState


# ---- sources ----


class SourceList(BaseModel):
    sources: list[Source]


class SourceAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        min_length=1,
        max_length=2000,
        description="A catalogue key or name ('arxiv:cs.CV', 'Nature') or a feed URL (http or https).",
    )


class OpmlImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opml: str = Field(min_length=1, description="The OPML document, as text.")


class OpmlImportReport(BaseModel):
    added: list[Source] = Field(description="Sources now followed that were not before.")
    already: list[Source] = Field(description="Sources in the file that were already followed.")
    skipped: list[str] = Field(description="Outlines that could not be followed, each with the reason.")


# ---- refresh, events ----


class RefreshStarted(BaseModel):
    id: str
    already_running: bool = Field(description="True when a refresh was running and this is its id.")


class RefreshEvent(BaseModel):
    """The data of an SSE `refresh` event: what changed, and the progress after it."""

    phase: Literal["started", "source", "finished", "failed"]
    progress: RefreshProgress


# ---- export ----


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=1, max_length=1000, description="Paper ids, in the order wanted.")
    format: Literal["bibtex", "ris"]
