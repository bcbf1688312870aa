"""The pydantic types every part of AcademicHub speaks: the one contract for the store, the CLI's
`--json`, the API and the extension."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AnnounceType = Literal["new", "cross", "replace", "replace-cross"]


class Paper(BaseModel):
    """One paper, as stored: a cross-listed or re-fetched paper is still one Paper."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Canonical id: 'arxiv:2606.14677', 'doi:10.1038/...', else 'url:<hash>'.")
    title: str
    authors: list[str] = Field(default_factory=list, description="Names in display form, TeX decoded.")
    abstract: str = ""
    source_label: str = Field(
        description="Reference-style label: 'arXiv (cs.CV)', 'Nature', 'bioRxiv (Genomics)'."
    )
    date: dt.date = Field(description="The day the paper was announced or published (shown on the card).")
    day: dt.date | None = Field(
        default=None,
        description="The radar day the paper reached the reader: its arXiv announcement day, or for a "
        "journal item the day of the fetch that first carried it. Journal feeds list items published weeks "
        "apart, so a day's cards mix publication dates, as the reference pages do. None until ingested.",
    )
    url: str = ""
    pdf_url: str | None = None
    categories: list[str] = Field(default_factory=list, description="arXiv categories, primary first.")
    doi: str | None = None
    arxiv_id: str | None = Field(
        default=None, description="Bare arXiv id without version, e.g. '2606.14677'."
    )
    arxiv_version: int | None = None
    announce_type: AnnounceType | None = None
    journal_ref: str | None = None
    feeds: list[str] = Field(default_factory=list, description="Keys of the sources that carried this paper.")


class FeedFormat(StrEnum):
    arxiv_rss = "arxiv_rss"
    arxiv_atom = "arxiv_atom"  # rss.arxiv.org/atom and the export API's Atom share one shape
    rss1 = "rss1"  # RDF: Nature family, bioRxiv, medRxiv, Atypon (Science, PNAS)
    generic = "generic"  # any other RSS 2.0 or Atom feed (PLOS and the rest)


class ParsedFeed(BaseModel):
    """What an adapter makes of one feed document."""

    format: FeedFormat
    title: str = ""
    feed_date: dt.date | None = Field(
        default=None, description="The feed's own announcement day, if it states one."
    )
    papers: list[Paper] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list, description="Non-fatal oddities (feedparser's bozo flag)."
    )


class SourceKind(StrEnum):
    arxiv = "arxiv"
    biorxiv = "biorxiv"
    medrxiv = "medrxiv"
    journal = "journal"
    feed = "feed"


class Source(BaseModel):
    """A feed the user follows."""

    key: str = Field(
        description="Stable key: 'arxiv:cs.CV', 'biorxiv:bioinformatics', 'nature', or 'url:<hash>'."
    )
    name: str = Field(description="Human name, also the default source label.")
    url: str
    kind: SourceKind = SourceKind.feed
    category: str | None = Field(default=None, description="arXiv category or preprint subject, if any.")
    # Added for the catalogue: `academichub sources` lists and searches the full names, e.g. 'cs.CV' is
    # found by "vision" and shown as "Computer Vision and Pattern Recognition".
    title: str = Field(
        default="", description="What the feed covers: 'Computer Vision and Pattern Recognition'."
    )
    enabled: bool = True


class HealthState(StrEnum):
    ok = "ok"
    quiet = "quiet"  # a day with no announcements (weekend, holiday): not an error
    stale = "stale"  # the feed serves the same papers as the last announcement
    failing = "failing"
    never = "never"  # not fetched yet


class SourceHealth(BaseModel):
    """Each source's standing, kept for the popup and `status`."""

    key: str
    state: HealthState = HealthState.never
    reason: str = ""
    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    last_error: str | None = None
    item_count: int = 0
    new_count: int = 0
    feed_date: dt.date | None = None
    etag: str | None = None
    last_modified: str | None = None


class RadarHit(BaseModel):
    """One place where a radar rule matched a paper: enough for any view to highlight the exact words."""

    rule: str = Field(description="The rule's name.")
    field: Literal["title", "abstract", "authors"]
    term: str = Field(description="The rule's term, or author, as the user wrote it.")
    start: int = Field(
        description="Offset of the first matched character in the field's original text "
        "(for authors: in that author's name)."
    )
    end: int = Field(description="Offset just past the last matched character.")
    text: str = Field(description="The original text matched: field[start:end].")
    author: int | None = Field(default=None, description="For an author hit: its index in `authors`.")


class LikedPaper(BaseModel):
    id: str = Field(description="A library entry's or starred paper's id.")
    title: str


class LearnedInterest(BaseModel):
    """Why the learned radar likes a paper: what the user reads that it is closest to, and its words."""

    score: float = Field(
        description="Learned interest in [0, 1]: above this share of the papers it trained beside."
    )
    like: list[LikedPaper] = Field(
        default_factory=list, description="The one or two library or starred papers it is closest to."
    )
    words: list[str] = Field(default_factory=list, description="The words and phrases that weighed most.")


class Card(Paper):
    """A paper as shown to the user: numbered within its day's list."""

    n: int = Field(description="Position in the list, 1-based and contiguous.")
    # Added by the radar (issue 5), with defaults so that a card built without it is still valid: every
    # view of a card (popup, `cards --json`, the API) shows why the radar picked it.
    score: float = Field(default=0.0, description="The radar score; 0 when no rule matches (see `radar`).")
    radar: list[RadarHit] = Field(default_factory=list, description="Where each radar rule matched.")
    # Added by the learned radar (issue 13): the rules and the learned interest in one number.
    relevance: float = Field(
        default=0.0,
        description="What the day is ranked by: in (1, 2] when a rule matches (the rules are decisive), "
        "else the learned interest in [0, 1]; 0 without either.",
    )
    learned: LearnedInterest | None = Field(
        default=None, description="The learned interest and why; null while nothing has been learned."
    )


class IngestReport(BaseModel):
    """What one ingest did to the store."""

    parsed: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    days: list[dt.date] = Field(default_factory=list)
