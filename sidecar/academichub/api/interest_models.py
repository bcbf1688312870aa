"""The request and response bodies of the learned radar's routes: stars, the library, cold start, reset.

The library's entries and import reports are `LibraryEntry`, `LibraryList` and `ImportReport`
(radar.library), the stars `Star` and `StarList` (radar.signals): the same types the CLI prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import urllib.parse
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import Card
from ..radar.library.zotero import LOCAL_API


class StarRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1, max_length=200, description="The paper: 'arxiv:2606.14677', '2606.14677' or 'doi:...'."
    )


class LibraryFile(BaseModel):
    """An exported library, as the options page reads the dropped file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=300, description="The file's name: its extension tells the format."
    )
    text: str = Field(description="The file's content.")
    format: Literal["bibtex", "ris", "csl-json"] | None = Field(
        default=None, description="Default: from the name, else from the content."
    )


class ZoteroRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collections: list[str] = Field(
        default_factory=list, max_length=100, description="Only these collections (and their subcollections)."
    )
    exclude: list[str] = Field(default_factory=list, max_length=100, description="Never these collections.")
    api: str = Field(default=LOCAL_API, description="Zotero's local API, on this machine.")
    data_dir: str | None = Field(
        default=None,
        max_length=4096,
        description="Zotero's data directory (default ~/Zotero), read when Zotero does not answer.",
    )

    @field_validator("api")
    @classmethod
    def _on_this_machine(cls, url: str) -> str:
        # Nothing about the user's reading leaves the machine: only a loopback address is asked.
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        loopback = host == "localhost"
        with contextlib.suppress(ValueError):
            loopback = loopback or ipaddress.ip_address(host).is_loopback
        if parts.scheme != "http" or not loopback:
            raise ValueError("Zotero's local API is an http:// address on this machine (127.0.0.1)")
        return url


class PickQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=5, ge=1, le=50, description="How many papers to offer.")
    days: int = Field(default=2, ge=1, le=14, description="From the latest this many days with papers.")


class PickList(BaseModel):
    """Papers to star or dismiss, the most telling first (see radar.cold_start)."""

    cards: list[Card]
    learned: bool = Field(description="False: nothing is learnt yet, so the picks span the day's fields.")


class LearnedState(BaseModel):
    """What the learned radar knows now."""

    library: int = Field(description="Entries in the library.")
    stars: int
    dismissals: int
    trained: bool = Field(description="A model is in use (false: the radar is rules only).")
    training: bool = Field(description="A training is under way (after a change of the signals).")
    trained_at: dt.datetime | None = None
    positives: int = 0
    negatives: int = 0
    background: int = 0
    seconds: float | None = Field(default=None, description="How long the last training took.")
    error: str | None = Field(default=None, description="Why the last training or reading failed, if it did.")


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signal: Literal["library", "stars", "dismissals"] | None = Field(
        default=None, description="Forget only this; default: all three."
    )


class ResetReport(BaseModel):
    forgotten: dict[str, int] = Field(description="How many of each kind were forgotten.")
