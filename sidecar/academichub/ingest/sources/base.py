"""What every feed adapter shares: the one feedparser call, the "is this a feed at all" verdict, dates, and
the adapter interface.

An adapter is a module with `FORMAT`, `recognises(doc) -> bool` (decided from the parsed content, never
from a file name or URL) and `read(doc, source, warnings) -> ParsedFeed`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from collections.abc import Iterable
from typing import Any, Protocol

import feedparser

from ...models import FeedFormat, Paper, ParsedFeed, Source, SourceKind
from ..normalize import to_plain_text

Entry = Any  # feedparser.FeedParserDict: a dict with attribute access; its keys depend on the feed
Document = Any


class FeedError(ValueError):
    """The body is not a feed at all (an HTML error page, broken or empty XML). The message says why."""


class Adapter(Protocol):
    FORMAT: FeedFormat

    def recognises(self, doc: Document) -> bool: ...

    def read(self, doc: Document, source: Source | None, warnings: list[str]) -> ParsedFeed: ...


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_ROOT_ELEMENT = re.compile(rb"<([A-Za-z][\w:.-]*)")
_ITEM_END = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>")
# Oddities feedparser flags that do not break the document: the Atypon blank line before `<?xml` (Science,
# PNAS), a charset header that disagrees with the XML declaration.
_HARMLESS_BOZO = ("not at start of entity", "declared as", "is not an XML media type")


def parse_document(data: bytes) -> tuple[Document, list[str]]:
    """Parse once with feedparser and refuse what is not a feed; the warnings name harmless oddities."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise FeedError("not a feed: the body is empty")
    # feedparser's sanitizer destroys math ("$a&lt;b$ and $c&gt;d$" comes back as "$a<b>d$") and relative
    # URIs are not ours to rewrite: every field is treated as text and escaped on output.
    doc = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problem = doc.get("bozo_exception") if doc.get("bozo") else None
    if not doc.get("version") and not doc.entries:
        raise FeedError(_why_not_a_feed(data, problem))
    warnings: list[str] = []
    if problem is not None:
        harmless = any(s in str(problem) for s in _HARMLESS_BOZO)
        if not doc.entries and not harmless:
            raise FeedError(f"not a feed: the XML breaks off or is broken before any item ({problem})")
        if not harmless and len(_ITEM_END.findall(data)) < len(doc.entries):
            # The document was cut off inside its last item: keep the complete ones, not a half abstract.
            del doc.entries[-1]
            warnings.append(f"the feed is cut off ({problem}); its last, incomplete item was left out")
        else:
            warnings.append(f"the feed is not well-formed XML ({problem}); its items were read anyway")
    return doc, warnings


def _why_not_a_feed(data: bytes, problem: object) -> str:
    head = data[:65536]
    if _HTML_START.match(head):
        m = _HTML_TITLE.search(head)
        title = to_plain_text(m[1].decode("utf-8", "replace"))[:100] if m else ""
        return f"not a feed: got an HTML page (title {title!r})" if title else "not a feed: got an HTML page"
    if problem is not None:
        return f"not a feed: the body is not well-formed XML ({problem})"
    root = _ROOT_ELEMENT.search(head.split(b"?>", 1)[-1] if head.lstrip().startswith(b"<?") else head)
    if root:
        return f"not a feed: XML with root element <{root[1].decode('ascii', 'replace')}>, not RSS or Atom"
    return "not a feed: no RSS or Atom elements in the body"


# --- small readers over feedparser's dicts -----------------------------------------------------------


# feedparser's dict resolves aliases on every lookup (FeedParserDict.__getitem__); the keys read here are
# the canonical ones, so the plain dict lookup gives the same value at a fraction of the cost per item.
field = dict.get


def text_of(entry: Entry, key: str) -> str:
    value = field(entry, key)
    return value if isinstance(value, str) else ""


def body_of(entry: Entry) -> str:
    """The richest text of an item: content:encoded / Atom content, else the description / summary."""
    for part in field(entry, "content") or ():
        value = part.get("value")
        if value:
            return value
    return text_of(entry, "summary")


def author_strings(entry: Entry) -> list[str]:
    # entry.author is wrong in several formats (it holds only the last author): use entry.authors.
    return [a["name"] for a in field(entry, "authors") or () if a.get("name")]


def utc_date(parsed: time.struct_time | None) -> dt.date | None:
    return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def to_datetime(parsed: time.struct_time) -> dt.datetime:
    """feedparser normalises every date to UTC in a struct_time."""
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def entry_date(entry: Entry) -> time.struct_time | None:
    return (
        field(entry, "published_parsed") or field(entry, "updated_parsed") or field(entry, "created_parsed")
    )


def feed_title(doc: Document) -> str:
    return to_plain_text(text_of(doc.feed, "title"))


def keys_of(source: Source | None) -> list[str]:
    return [source.key] if source else []


def catalogue_name(source: Source | None) -> str | None:
    """A catalogue source's name is the reference label; a bare URL source has no name worth showing."""
    return source.name if source and source.kind is not SourceKind.feed else None


def finish(
    fmt: FeedFormat,
    doc: Document,
    papers: Iterable[Paper],
    feed_date: dt.date | None,
    warnings: list[str],
) -> ParsedFeed:
    """One paper per id: an item repeated inside one document (a combined arXiv feed) keeps its first
    occurrence, with the categories of both."""
    unique: dict[str, Paper] = {}
    for paper in map(within_caps, papers):
        seen = unique.get(paper.id)
        if seen is None:
            unique[paper.id] = paper
        else:
            seen.categories.extend(c for c in paper.categories if c not in seen.categories)
    return ParsedFeed(
        format=fmt,
        title=feed_title(doc),
        feed_date=feed_date,
        papers=list(unique.values()),
        warnings=warnings,
    )


# Far longer than any real paper's field (the longest arXiv title is about 350 characters, abstracts stop
# at 1,920), yet room for the recorded TeX attacks the popup must survive (a 50 KB formula, groups nested
# 3,000 deep): a feed sending more is broken or hostile, and every card, match and briefing would carry it.
CAPS = {"title": 10_000, "abstract": 100_000, "journal_ref": 1_000, "url": 2_000, "pdf_url": 2_000}
MAX_AUTHORS, MAX_NAME, MAX_CATEGORIES = 2_000, 300, 100


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def within_caps(paper: Paper) -> Paper:
    """The paper with each text field cut to its cap, so one item cannot fill the store or the popup."""
    update: dict[str, object] = {
        name: _cut(value, limit)
        for name, limit in CAPS.items()
        if isinstance(value := getattr(paper, name), str) and len(value) > limit
    }
    if len(paper.authors) > MAX_AUTHORS or any(len(a) > MAX_NAME for a in paper.authors):
        update["authors"] = [_cut(a, MAX_NAME) for a in paper.authors[:MAX_AUTHORS]]
    if len(paper.categories) > MAX_CATEGORIES:
        update["categories"] = paper.categories[:MAX_CATEGORIES]
    return paper.model_copy(update=update) if update else paper
