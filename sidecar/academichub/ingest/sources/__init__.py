"""Feed adapters: one per feed family, chosen from what the document is, not from its name or URL.

    parse_feed(data, source=None) -> ParsedFeed

`source` is optional context (its key goes into Paper.feeds, a catalogue source's name becomes the label);
without it, everything is derived from the feed itself.
"""

from __future__ import annotations

from ...models import ParsedFeed, Source
from . import arxiv_atom, arxiv_rss, generic, rss1
from .base import Adapter, FeedError, parse_document

# Most specific first: an arXiv feed is also RSS 2.0 or Atom, which `generic` would take.
ADAPTERS: tuple[Adapter, ...] = (arxiv_rss, arxiv_atom, rss1, generic)


def parse_feed(data: bytes, source: Source | None = None) -> ParsedFeed:
    """Papers from one feed document. Raises FeedError when the body is not a feed at all; a valid feed
    with no items (an arXiv weekend) is an empty ParsedFeed, and harmless oddities become warnings."""
    doc, warnings = parse_document(data)
    adapter = next(a for a in ADAPTERS if a.recognises(doc))
    return adapter.read(doc, source, warnings)


__all__ = ["ADAPTERS", "FeedError", "parse_feed"]
