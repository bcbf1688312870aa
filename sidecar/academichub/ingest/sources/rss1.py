"""RSS 1.0 (RDF): the Nature family, bioRxiv and medRxiv subject collections, and Atypon journals
(Science, PNAS), each with its quirk handled in the journal item reader:

- Nature: content:encoded starts with "<p>Nature, Published online: <date>; doi:...</p>", often followed
  by the title or the standfirst twice; many items have no dc:creator.
- bioRxiv/medRxiv: one dc:creator "LAST, F., Other, G. H."; the DOI in dc:identifier; dc:date a day.
- Atypon: the description is a citation, not an abstract, and a blank line before `<?xml` makes
  feedparser set bozo although every item parses (a warning, not a failure).
"""

from __future__ import annotations

from ...models import FeedFormat, ParsedFeed, Source
from .base import Document, finish, utc_date
from .journal import JournalItems

FORMAT = FeedFormat.rss1


def recognises(doc: Document) -> bool:
    return doc.get("version", "") in ("rss10", "rss090")


def read(doc: Document, source: Source | None, warnings: list[str]) -> ParsedFeed:
    feed_day = utc_date(doc.feed.get("published_parsed"))
    items = JournalItems(doc, source, feed_day, warnings)
    return finish(FORMAT, doc, items.papers(doc), feed_day, warnings)
