"""How two records of one paper combine into the one card the researcher sees.

One paper reaches the store many times: arXiv announces a cross-listed paper in each of its categories' feeds
(announce type `new` in its primary category, `cross` in the others, the same version in all), announces it
again when it is revised (`replace`, `replace-cross`, a higher version), and a journal may publish it under
the DOI the preprint already carries. The rules:

- Identity stays: the id and the date never change. A paper stays in the day it was first announced, so its
  card keeps its place and number in that day's list; a revision shows as new text on the same card, not as
  a second card on the revision's day (that would be the duplicate card the reference pages suffer from).
- A higher arXiv version brings its text (title, abstract, authors, links, version, announce type); an older
  version never overwrites a newer one. A journal record re-fetched under the same id brings the publisher's
  latest text the same way. A record of another source merged by DOI only fills gaps: a journal feed's
  description is often a citation, never better than the preprint's abstract.
- Categories and feeds accumulate, with the primary category first, and the card keeps the primary feed's
  label (`arXiv (stat.ML)`, not the label of the feed it was cross-listed into).
- A field one record lacks is taken from the other (a DOI, a journal reference, an abstract).
"""

from __future__ import annotations

from typing import Any

from ..models import Paper

# Announce types of the paper's primary category; `cross` and `replace-cross` come from the other feeds.
PRIMARY_ANNOUNCEMENTS = frozenset({"new", "replace"})

# What a newer version (or a journal's re-fetch) brings, where it says anything; the rest only fills gaps.
REVISED_FIELDS = ("title", "abstract", "authors", "url", "pdf_url", "doi", "journal_ref",
                  "arxiv_version", "announce_type")  # fmt: skip
GAP_FIELDS = ("abstract", "authors", "url", "pdf_url", "doi", "journal_ref")


def merge_paper(old: Paper, new: Paper) -> Paper | None:
    """`old` as updated by what `new` says about the same paper, or None if `new` adds nothing."""
    newer = _is_newer(old, new)
    update: dict[str, Any] = {}
    if newer:
        update.update((name, value) for name in REVISED_FIELDS if not _empty(value := getattr(new, name)))
    for name in GAP_FIELDS:
        if _empty(getattr(old, name)) and not _empty(value := getattr(new, name)):
            update.setdefault(name, value)

    leading, trailing = (new, old) if newer else (old, new)
    update["categories"] = _union(leading.categories, trailing.categories)
    update["feeds"] = _union(old.feeds, new.feeds)
    if old.arxiv_id is not None and old.arxiv_id == new.arxiv_id:
        primary = _primary_record(leading, trailing, update["categories"], fallback=old)
        update["source_label"] = primary.source_label
        if not newer and primary is new and new.announce_type and new.arxiv_version == old.arxiv_version:
            update["announce_type"] = new.announce_type  # the primary feed's `new` outranks a `cross`
    # Only what differs: a feed read again (most of any ingest) then costs no copy and no model comparison.
    update = {name: value for name, value in update.items() if getattr(old, name) != value}
    return old.model_copy(update=update) if update else None


def _is_newer(old: Paper, new: Paper) -> bool:
    if old.arxiv_version is not None and new.arxiv_version is not None:
        return old.arxiv_id == new.arxiv_id and new.arxiv_version > old.arxiv_version
    # A journal item fetched again under its own id: the publisher's latest word (a corrected title).
    return old.id == new.id and old.arxiv_version is None and new.arxiv_version is None


def _primary_record(leading: Paper, trailing: Paper, categories: list[str], fallback: Paper) -> Paper:
    """The record that came from the paper's primary category feed, as far as the two can tell."""
    for record in (leading, trailing):
        # A primary feed's record of another version counts only if its primary is still the paper's: a
        # revision may move the paper to another primary category, and then the label follows it.
        if record.announce_type in PRIMARY_ANNOUNCEMENTS and (
            not categories or f"({categories[0]})" in record.source_label
        ):
            return record
    if categories:  # both are cross-lists: the label naming the primary category, if either does
        for record in (leading, trailing):
            if f"({categories[0]})" in record.source_label:
                return record
    return fallback


def _union(first: list[str], second: list[str]) -> list[str]:
    return first + [item for item in second if item not in first]


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []
