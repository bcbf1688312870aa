"""arXiv Atom: rss.arxiv.org/atom/<cat> (the RSS feed's facts in Atom dress) and the export API's
query results (export.arxiv.org/api/query), whose entries carry one <author> per name, the primary
category, and the version in the <id>.
"""

from __future__ import annotations

from ...models import FeedFormat, ParsedFeed, Source
from .arxiv import ArxivItems, announcement_day, is_arxiv_document
from .base import Document, entry_date, finish, text_of

FORMAT = FeedFormat.arxiv_atom


def recognises(doc: Document) -> bool:
    return doc.get("version", "").startswith("atom") and is_arxiv_document(doc)


def _is_query_result(doc: Document) -> bool:
    return "/api/" in text_of(doc.feed, "link") or "/api/" in text_of(doc.feed, "id")


def read(doc: Document, source: Source | None, warnings: list[str]) -> ParsedFeed:
    days: dict = {}
    # The Atom feed states no announcement day of its own (<updated> is when it was built), but all of a
    # day's entries are published at that midnight. API results are search hits from many days: no feed day.
    feed_day = announcement_day(doc.feed.get("published_parsed"), days)
    if feed_day is None and doc.entries and not _is_query_result(doc):
        feed_day = announcement_day(entry_date(doc.entries[0]), days)
    items = ArxivItems(source, feed_day, warnings)
    return finish(FORMAT, doc, items.papers(doc), feed_day, warnings)
