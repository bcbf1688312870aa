"""arXiv RSS 2.0 (rss.arxiv.org/rss/<cat>, the 2024+ format).

The channel's pubDate is the announcement day (midnight America/New_York), the same as every item's; a
weekend or holiday feed has no items and is still a valid feed with that day.
"""

from __future__ import annotations

from ...models import FeedFormat, ParsedFeed, Source
from .arxiv import ArxivItems, announcement_day, is_arxiv_document
from .base import Document, finish

FORMAT = FeedFormat.arxiv_rss


def recognises(doc: Document) -> bool:
    return doc.get("version", "").startswith("rss") and is_arxiv_document(doc)


def read(doc: Document, source: Source | None, warnings: list[str]) -> ParsedFeed:
    feed_day = announcement_day(doc.feed.get("published_parsed"), {})
    items = ArxivItems(source, feed_day, warnings)
    return finish(FORMAT, doc, items.papers(doc), feed_day, warnings)
