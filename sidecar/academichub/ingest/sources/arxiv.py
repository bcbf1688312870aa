"""An arXiv item as a Paper: shared by the RSS adapter and the Atom adapter (rss.arxiv.org/atom and the
export API), whose items carry the same facts under slightly different names."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import cast

from ...ids import arxiv_id_from, is_arxiv_category, normalise_doi, paper_id, web_url
from ...models import AnnounceType, Paper, Source
from ..arxiv_calendar import ARXIV_TZ
from ..normalize import (
    clean_abstract,
    clean_author_name,
    clean_title,
    is_real_author,
    split_authors,
    strip_arxiv_prefix,
    to_plain_text,
)
from .base import Document, Entry, author_strings, entry_date, field, keys_of, text_of, to_datetime

ANNOUNCE_TYPES = frozenset({"new", "cross", "replace", "replace-cross"})
_ARXIV_URL = re.compile(r"^https?://(?:[\w-]+\.)*arxiv\.org/", re.I)


def is_arxiv_document(doc: Document) -> bool:
    """The feed lives on arxiv.org (rss.arxiv.org, export.arxiv.org; this also holds for an empty weekend
    feed), or its items carry arXiv's own fields."""
    feed = doc.feed
    urls = [
        text_of(feed, "link"),
        text_of(feed, "id"),
        *(link.get("href", "") for link in feed.get("links", ())),
    ]
    if any(_ARXIV_URL.match(url) for url in urls):
        return True
    return any(
        text_of(e, "id").startswith("oai:arXiv.org:")
        or "arxiv_announce_type" in e
        or "arxiv_primary_category" in e
        for e in doc.entries[:3]
    )


def announcement_day(
    parsed: time.struct_time | None, cache: dict[time.struct_time, dt.date]
) -> dt.date | None:
    """arXiv dates its mailings at midnight America/New_York: the calendar day there, not in UTC (04:00
    UTC is still the evening before in Los Angeles, and already the day in Beijing). Every item of a feed
    has the same pubDate, so the conversion is cached per feed."""
    if parsed is None:
        return None
    day = cache.get(parsed)
    if day is None:
        day = cache[parsed] = to_datetime(parsed).astimezone(ARXIV_TZ).date()
    return day


def _authors(entry: Entry) -> list[str]:
    names = author_strings(entry)
    if len(names) == 1:  # RSS and rss.arxiv.org/atom: one dc:creator, comma-joined, in TeX
        name = names[0]
        return split_authors(to_plain_text(name) if "<" in name else name)
    cleaned = (clean_author_name(n) for n in names)  # the export API: one <author> per name
    return [n for n in cleaned if is_real_author(n)]


def _pdf_link(entry: Entry) -> str | None:
    for link in field(entry, "links") or ():
        if link.get("type") == "application/pdf" or link.get("title") == "pdf":
            return web_url(link.get("href")) or None
    return None


class ArxivItems:
    """Turns one document's items into Papers, remembering per-feed facts (source, date cache)."""

    def __init__(self, source: Source | None, feed_day: dt.date | None, warnings: list[str]) -> None:
        self.source = source
        self.feed_day = feed_day
        self.warnings = warnings
        self.days: dict[time.struct_time, dt.date] = {}
        self.feeds = keys_of(source)

    def paper(self, entry: Entry) -> Paper | None:
        raw_title = text_of(entry, "title")
        arxiv_id, version, announce, summary = strip_arxiv_prefix(text_of(entry, "summary"))
        if arxiv_id is None:  # the export API has no prefix: the id is in <id> or the link
            found = arxiv_id_from(text_of(entry, "id")) or arxiv_id_from(text_of(entry, "link"))
            if found is None:
                self.warnings.append(f"skipped an item with no arXiv id: {raw_title[:80]!r}")
                return None
            arxiv_id, version = found
        announce = (text_of(entry, "arxiv_announce_type") or announce or "").lower()

        # <category> lists all of the paper's categories, primary first; the API also names the primary.
        terms = [
            t["term"] for t in field(entry, "tags") or () if t.get("term") and is_arxiv_category(t["term"])
        ]
        primary = (field(entry, "arxiv_primary_category") or {}).get("term")
        categories = [primary, *(t for t in terms if t != primary)] if primary else list(dict.fromkeys(terms))
        if categories:
            label = f"arXiv ({categories[0]})"
        elif self.source and self.source.category:
            label = f"arXiv ({self.source.category})"
        else:
            label = "arXiv"

        title = clean_title(raw_title)
        day = announcement_day(entry_date(entry), self.days) or self.feed_day or dt.date.today()
        version_suffix = f"v{version}" if version else ""
        return Paper(
            id=paper_id(arxiv_id=arxiv_id),
            title=title,
            authors=_authors(entry),
            abstract=clean_abstract(summary, title),
            source_label=label,
            date=day,
            url=web_url(text_of(entry, "link")) or f"https://arxiv.org/abs/{arxiv_id}",
            pdf_url=_pdf_link(entry) or f"https://arxiv.org/pdf/{arxiv_id}{version_suffix}",
            categories=categories,
            doi=normalise_doi(text_of(entry, "arxiv_doi")),
            arxiv_id=arxiv_id,
            arxiv_version=version,
            announce_type=cast(AnnounceType, announce) if announce in ANNOUNCE_TYPES else None,
            journal_ref=to_plain_text(
                text_of(entry, "arxiv_journal_reference") or text_of(entry, "arxiv_journal_ref")
            )
            or None,
            feeds=list(self.feeds),
        )

    def papers(self, doc: Document) -> list[Paper]:
        return [p for p in map(self.paper, doc.entries) if p is not None]
