"""Any other RSS 2.0 or Atom feed: PLOS (Atom, DOI in the entry id "info:doi/10.1371/...", the author
list repeated as a "<p>by ...</p>" paragraph), Cell, eLife, the Lancet, and whatever URL the user adds."""

from __future__ import annotations

from ...models import FeedFormat, ParsedFeed, Source
from .base import Document, finish, utc_date
from .journal import JournalItems

FORMAT = FeedFormat.generic


def recognises(doc: Document) -> bool:
    return True  # the last resort: parse_feed has already refused what is not a feed at all


def read(doc: Document, source: Source | None, warnings: list[str]) -> ParsedFeed:
    feed_day = utc_date(doc.feed.get("published_parsed"))
    items = JournalItems(doc, source, feed_day, warnings)
    return finish(FORMAT, doc, items.papers(doc), feed_day, warnings)
