"""Subscription lists in OPML 2.0, the format every feed reader imports and exports.

Import takes every `outline` with an `xmlUrl`, however deeply the reader nested them in folders; a
folder's own outline has no URL and is skipped. Export writes one flat list with AcademicHub's key on each
outline, so a round trip keeps catalogue sources as catalogue sources.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Source

KEY_ATTRIBUTE = "academichubKey"  # OPML allows extra attributes; readers ignore ones they do not know


MAX_OUTLINES = 5_000  # feeds and folders: far more than anyone reads, far less than a hostile file holds

# What may come before the root element: white space, the XML declaration, processing instructions,
# comments, and a DOCTYPE (refused).
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE", re.S | re.I)


class OpmlError(ValueError):
    pass


def _has_doctype(text: str) -> bool:
    position = 1 if text.startswith("\ufeff") else 0
    while (item := _PROLOG_ITEM.match(text, position)) is not None:
        if item.group().upper() == "<!DOCTYPE":
            return True
        position = item.end()
    return False


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    key: str | None = None  # present when the file was exported by AcademicHub


def sources_to_opml(sources: Sequence[Source], title: str = "AcademicHub sources") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for source in sources:
        ET.SubElement(
            body,
            "outline",
            {
                "type": "rss",
                "text": source.name,
                "title": source.name,
                "xmlUrl": source.url,
                KEY_ATTRIBUTE: source.key,
            },
        )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def feeds_from_opml(text: str) -> list[OpmlFeed]:
    """Every feed in the document, in order, each URL once; an error names the line and column."""
    # The bundled expat refuses entity-expansion bombs and ElementTree never fetches external entities;
    # a DOCTYPE has no place in OPML, so refusing it outright is simplest. The whole prolog is read: a
    # long comment before the DOCTYPE must not hide it.
    if _has_doctype(text):
        raise OpmlError("not an OPML document: a DOCTYPE is not allowed")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise OpmlError(f"not an OPML document: XML error at line {line}, column {column + 1}") from None
    if root.tag != "opml":
        raise OpmlError(f"not an OPML document: the root element is <{root.tag}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise OpmlError("not an OPML document: it has no <body>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for count, outline in enumerate(body.iter("outline"), 1):
        if count > MAX_OUTLINES:
            raise OpmlError(
                f"the document has more than {MAX_OUTLINES:,} outlines; import it in parts, or remove the "
                "feeds you do not read"
            )
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or url).strip()
        feeds.append(OpmlFeed(url=url, title=title, key=outline.get(KEY_ATTRIBUTE) or None))
    return feeds
