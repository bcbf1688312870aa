"""The sources a researcher can follow by name: every arXiv category, the bioRxiv and medRxiv subject
collections, and the major journals; any other feed by its URL.

    find_source('arxiv:cs.CV') / find_source('cs.CV') / find_source('Nature Biotechnology')
    search_catalogue('vision')  → [arXiv (cs.CV), ...]
    source_for_url('https://example.org/feed.xml') → Source(key='url:<hash>', kind=feed)
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from ...ids import url_hash
from ...models import Source, SourceKind
from .feed_urls import checked_feed_url
from .taxonomy import ARXIV_CATEGORIES, BIORXIV_SUBJECTS, JOURNALS, MEDRXIV_SUBJECTS


def _build() -> dict[str, Source]:
    sources = [
        Source(
            key=f"arxiv:{cat}",
            name=f"arXiv ({cat})",
            title=title,
            url=f"https://rss.arxiv.org/rss/{cat}",
            kind=SourceKind.arxiv,
            category=cat,
        )
        for cat, title in ARXIV_CATEGORIES.items()
    ]
    sources += [
        Source(
            key=f"biorxiv:{key}",
            name=f"bioRxiv ({name})",
            title=name,
            url=f"https://connect.biorxiv.org/biorxiv_xml/{slug}",
            kind=SourceKind.biorxiv,
            category=key,
        )
        for key, name, slug in BIORXIV_SUBJECTS
    ]
    sources += [
        Source(
            key=f"medrxiv:{key}",
            name=f"medRxiv ({name})",
            title=title,
            url=f"https://connect.medrxiv.org/medrxiv_xml.php?subject={param}",
            kind=SourceKind.medrxiv,
            category=key,
        )
        for key, name, title, param in MEDRXIV_SUBJECTS
    ]
    sources += [
        Source(key=key, name=name, title=name, url=url, kind=SourceKind.journal)
        for key, name, url in JOURNALS
    ]
    return {source.key: source for source in sources}


CATALOGUE: dict[str, Source] = _build()


def _aliases() -> dict[str, Source]:
    """Keys, names and bare arXiv categories ('cs.CV'), case-folded."""
    aliases: dict[str, Source] = {}
    for source in CATALOGUE.values():
        for alias in (source.key, source.name, source.category if source.kind is SourceKind.arxiv else None):
            if alias:
                aliases.setdefault(alias.casefold(), source)
    return aliases


_BY_FOLDED = _aliases()
_BY_URL: dict[str, Source] = {s.url: s for s in CATALOGUE.values()}
# rss.arxiv.org/rss/<cat>, /atom/<cat>, and the older export.arxiv.org/rss/<cat> all name one category.
_ARXIV_FEED_URL = re.compile(r"^https?://(?:rss|export)\.arxiv\.org/(?:rss|atom)/(?P<cat>[\w.-]+)/?$", re.I)


class UnknownSource(KeyError):
    """A KeyError whose message prints as written (KeyError's own str() adds quotes)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def source_for_url(url: str) -> Source:
    """The Source for a feed URL: the catalogue's when it knows the feed (so the label stays 'Nature'),
    else an ad-hoc one keyed by a hash of the URL. ValueError when the text is not an http(s) URL."""
    url = checked_feed_url(url)
    parts = urlsplit(url)
    known = _BY_URL.get(url) or _BY_URL.get(url.replace("http://", "https://", 1))
    if known:
        return known
    m = _ARXIV_FEED_URL.match(url)
    if m and f"arxiv:{m['cat']}" in CATALOGUE:
        return CATALOGUE[f"arxiv:{m['cat']}"].model_copy(update={"url": url})
    name = ((parts.hostname or "") + parts.path).rstrip("/")  # checked_feed_url made sure of a host
    return Source(key=f"url:{url_hash(url)}", name=name, url=url, kind=SourceKind.feed)


def find_source(name_or_url: str) -> Source:
    """A source by catalogue key ('arxiv:cs.CV', 'nature'), name ('Nature Biotechnology'), bare arXiv
    category ('cs.CV'), any letter case, or by feed URL. UnknownSource (a KeyError) naming close matches
    when unknown."""
    text = name_or_url.strip()
    if text.lower().startswith(("http://", "https://")):
        return source_for_url(text)
    found = _BY_FOLDED.get(text.casefold())
    if found:
        return found
    raise UnknownSource(_unknown_message(text))


def _unknown_message(text: str) -> str:
    close = difflib.get_close_matches(text.casefold(), list(_BY_FOLDED), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(_BY_FOLDED[c].key for c in close))
    if not suggestions:
        suggestions = [s.key for s in search_catalogue(text)[:5]]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return (
        f"no source {text[:200]!r} in the catalogue{hint} "
        "(`academichub sources --search TEXT` lists them; any feed can also be followed by its URL)"
    )


def search_catalogue(text: str) -> list[Source]:
    """Sources whose key, name or title contain every word of `text` (any case): 'vision' finds
    arXiv (cs.CV), 'plos med' PLOS Medicine. Exact key/name matches come first, then catalogue order."""
    words = text.casefold().split()
    if not words:
        return list(CATALOGUE.values())
    exact = _BY_FOLDED.get(text.strip().casefold())
    hits = [
        source
        for source in CATALOGUE.values()
        if all(w in f"{source.key} {source.name} {source.title}".casefold() for w in words)
    ]
    if exact:
        hits = [exact, *(s for s in hits if s is not exact)]
    return hits
