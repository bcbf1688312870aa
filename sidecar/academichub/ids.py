"""Canonical identifiers, the one home of their rules: arXiv ids, DOIs, and paper keys ('arxiv:2606.14677',
'doi:10.1038/...', else 'url:<hash of the link>').

One paper must get one id whichever feed carried it, so that a cross-listed or re-fetched paper is stored
once: arXiv ids drop their version, DOIs are lower-cased (DOIs are case-insensitive, ISO 26324) and lose any
resolver prefix, and an arXiv paper keeps its arXiv id even when it also has a DOI. What a page or a user
calls a paper (`paper_key`) reaches the same key, so a dismissal or a lookup finds the stored paper.
"""

from __future__ import annotations

import hashlib
import re

# New-style ids (2007+: 0704.0001, 2606.14677) and legacy ones, which keep their slash (hep-th/9901001,
# math.GT/0309136). They appear after "abs/" in links, after "oai:arXiv.org:" in RSS guids, or bare.
ARXIV_ID = r"\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
# A category or archive as /list/<category>/ spells it: 'cs.AI', 'hep-th', 'cond-mat.dis-nn'; not the
# ACM/MSC classes arXiv's API mixes in ('I.2.6'). The extension checks the same pattern (contract.json).
ARXIV_CATEGORY = r"^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$"
_ARXIV_ID = re.compile(
    rf"(?:^|abs/|pdf/|arxiv\.org:|arxiv:)(?P<id>{ARXIV_ID})(?:v(?P<version>\d+))?(?![\d.])", re.IGNORECASE
)
_ARXIV_CATEGORY = re.compile(ARXIV_CATEGORY)
_DOI = re.compile(r"(?:^|doi:\s*|doi\.org/|info:doi/|[?&]id=)(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)


def arxiv_id_from(text: str) -> tuple[str, int | None] | None:
    """(bare id, version) from a guid, link or id string; None when it holds no arXiv id."""
    m = _ARXIV_ID.search(text)
    if not m:
        return None
    return m["id"], int(m["version"]) if m["version"] else None


def is_arxiv_category(term: str) -> bool:
    """True for 'cs.CV', 'hep-th', 'astro-ph.GA'; False for the ACM/MSC classes the API mixes in ('I.2.6')."""
    return bool(_ARXIV_CATEGORY.match(term))


def normalise_doi(text: str | None) -> str | None:
    """'doi:10.1101/2023.12.16.571984', 'https://doi.org/10.1038/X' → '10.1038/x'; None when no DOI."""
    if not text:
        return None
    m = _DOI.search(text.strip())
    return m["doi"].rstrip(".,;").lower() if m else None


def doi_key(doi: str) -> str:
    """The DOI as the store indexes it: `normalise_doi`'s form, or the text itself lower-cased where it does
    not look like a DOI (a feed's odd value still matches itself)."""
    return normalise_doi(doi) or doi.strip().lower()


def web_url(text: str | None) -> str:
    """The link if it is http(s), else "": a feed's `javascript:` or `data:` link must never become a card's
    link (the extension opens it)."""
    url = (text or "").strip()
    return url if url[:8].lower().startswith(("http://", "https://")) else ""


def url_hash(url: str) -> str:
    """A short, stable hash of a link or feed URL, for things that have nothing better to be named by."""
    return hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:12]


def paper_id(*, arxiv_id: str | None = None, doi: str | None = None, url: str = "") -> str:
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    if doi:
        return f"doi:{doi}"
    return f"url:{url_hash(url)}"


def paper_key(text: str) -> str:
    """The store's id for what a page or a user calls a paper: '2606.14677v2', 'arXiv:2606.14677' and
    'https://arxiv.org/abs/2606.14677' are all 'arxiv:2606.14677'; 'doi:10.1038/ABC' and
    'https://doi.org/10.1038/ABC' are 'doi:10.1038/abc'; other ids pass unchanged."""
    text = text.strip()
    if text.startswith("url:"):
        return text
    if not text.lower().startswith("doi:") and (found := arxiv_id_from(text)):
        return f"arxiv:{found[0]}"
    if doi := normalise_doi(text):
        return f"doi:{doi}"
    return text
