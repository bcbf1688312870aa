"""A journal or preprint-server item as a Paper: shared by the RSS 1.0 adapter (Nature, bioRxiv, medRxiv,
Atypon) and the generic RSS 2.0 / Atom adapter (PLOS and the rest)."""

from __future__ import annotations

import datetime as dt
import re

from ...ids import normalise_doi, paper_id, web_url
from ...models import Paper, Source, SourceKind
from ..normalize import (
    clean_author_name,
    clean_title,
    collapse_repeats,
    drop_published_notice,
    is_real_author,
    looks_like_last_initials,
    same_text,
    split_authors,
    split_biorxiv_authors,
    split_byline,
    split_citation,
    to_plain_text,
)
from .base import (
    Document,
    Entry,
    author_strings,
    body_of,
    catalogue_name,
    entry_date,
    feed_title,
    keys_of,
    text_of,
    utc_date,
)

_SERVERS = {"biorxiv": "bioRxiv", "medrxiv": "medRxiv"}
_SUBJECT_COLLECTION = re.compile(r"^(?:bioRxiv|medRxiv)\s+Subject Collection:\s*(?P<subject>.+)$", re.I)
# Feed titles that name the journal and then say what the feed is: "PLOS Medicine: New Articles".
_TITLE_SUFFIX = re.compile(
    r"\s*(?::|-|–|—)\s*(?:new articles|table of contents|current issue|latest (?:articles|research|issue)|"
    r"recent articles|advance online publication|online first)\s*$",
    re.I,
)
_VERSION = re.compile(r"v(\d+)(?:[?#/]|\.full|$)")


def preprint_server(doc: Document, source: Source | None) -> str | None:
    """'biorxiv' or 'medrxiv' when the feed comes from one of them, else None."""
    if source and source.kind in (SourceKind.biorxiv, SourceKind.medrxiv):
        return source.kind.value
    feed = doc.feed
    said = (
        f"{text_of(feed, 'title')} {text_of(feed, 'prism_publicationname')} {text_of(feed, 'link')}".lower()
    )
    return next((server for server in _SERVERS if server in said), None)


def journal_label(doc: Document, source: Source | None, server: str | None) -> str:
    """The reference label: the catalogue's name when we know the source, else what the feed calls itself
    ("bioRxiv Subject Collection: Genomics" → "bioRxiv (Genomics)", Atypon's channel-level
    prism:publicationName "American Journal of Public Health" rather than its long channel title)."""
    name = catalogue_name(source)
    if name:
        return name
    title = feed_title(doc)
    if server:
        m = _SUBJECT_COLLECTION.match(title)
        if m:
            return f"{_SERVERS[server]} ({m['subject'].strip()})"
        return title if title.lower().startswith(server) else _SERVERS[server]
    publication = to_plain_text(text_of(doc.feed, "prism_publicationname"))
    if publication:
        return publication
    return _TITLE_SUFFIX.sub("", title) or (source.name if source else "") or "Feed"


def _authors(entry: Entry, byline: str | None) -> list[str]:
    names = author_strings(entry)
    if len(names) == 1:
        name = to_plain_text(names[0]) if "<" in names[0] or "&" in names[0] else names[0]
        if looks_like_last_initials(name):  # bioRxiv/medRxiv: "LAST, F., Other, G. H."
            return split_biorxiv_authors(name)
        return split_authors(name)
    if names:  # one dc:creator (or Atom <author>) per name: Nature, Atypon, PLOS
        cleaned = (clean_author_name(n) for n in names)
        return [n for n in cleaned if is_real_author(n)]
    return split_authors(to_plain_text(byline)) if byline else []


def _doi(entry: Entry) -> str | None:
    for key in ("prism_doi", "dc_identifier", "id", "link"):
        doi = normalise_doi(text_of(entry, key))
        if doi:
            return doi
    return None


def _pdf_url(server: str | None, doi: str | None, link: str) -> str | None:
    """bioRxiv/medRxiv serve the PDF at /content/<doi>v<N>.full.pdf; the RSS link holds the version."""
    if not (server and doi):
        return None
    m = _VERSION.search(link)
    return f"https://www.{server}.org/content/{doi}v{m[1]}.full.pdf" if m else None


class JournalItems:
    """Turns one document's items into Papers, remembering per-feed facts (label, server, date)."""

    def __init__(self, doc: Document, source: Source | None, feed_day: dt.date | None, warnings: list[str]):
        self.source = source
        self.server = preprint_server(doc, source)
        self.label = journal_label(doc, source, self.server)
        self.feed_day = feed_day
        self.warnings = warnings
        self.feeds = keys_of(source)

    def paper(self, entry: Entry) -> Paper | None:
        title = clean_title(text_of(entry, "title"))
        link = web_url(text_of(entry, "link"))
        guid = text_of(entry, "id").strip()
        if not title:
            self.warnings.append(f"skipped an item with no title: {link or guid or '(no link)'}")
            return None

        # Nature: "<p>Nature, Published online: ...</p>" first; PLOS: "<p>by A, B</p>" first; Atypon: a
        # citation instead of an abstract. Each is peeled off before the rest becomes plain text.
        byline, raw = split_byline(drop_published_notice(body_of(entry).strip()))
        journal_ref, text = split_citation(to_plain_text(raw))
        text = collapse_repeats(text)
        if same_text(text, title):
            text = ""

        doi = _doi(entry)
        url = link or web_url(guid)
        day = utc_date(entry_date(entry)) or self.feed_day or dt.date.today()
        return Paper(
            id=paper_id(doi=doi, url=url or guid or title),
            title=title,
            authors=_authors(entry, byline),
            abstract=text,
            source_label=self.label,
            date=day,
            url=url,
            pdf_url=_pdf_url(self.server, doi, url),
            doi=doi,
            journal_ref=journal_ref,
            feeds=list(self.feeds),
        )

    def papers(self, doc: Document) -> list[Paper]:
        return [p for p in map(self.paper, doc.entries) if p is not None]
