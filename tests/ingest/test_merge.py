import datetime as dt

import pytest

from academichub.ingest.merge import merge_paper
from academichub.models import Paper

ANNOUNCED = dt.date(2026, 9, 28)
REVISED = dt.date(2026, 10, 6)


def arxiv(feed="cs.LG", announce="new", version=1, categories=("stat.ML", "cs.LG"), **fields) -> Paper:
    """The cross-listed paper of GENERATED_arxiv_rss_edgecases.xml, as the feed `feed` announces it."""
    values = {
        "id": "arxiv:2609.99902",
        "title": "A Cross-Listed Paper",
        "authors": ["Ada Lovelace"],
        "abstract": "Primary category is stat.ML, cross-listed to cs.LG.",
        "source_label": f"arXiv ({feed})",
        "date": ANNOUNCED,
        "day": ANNOUNCED,
        "url": "https://arxiv.org/abs/2609.99902",
        "pdf_url": f"https://arxiv.org/pdf/2609.99902v{version}",
        "categories": list(categories),
        "arxiv_id": "2609.99902",
        "arxiv_version": version,
        "announce_type": announce,
        "feeds": [f"arxiv:{feed}"],
    }
    return Paper(**(values | fields))


def journal(**fields) -> Paper:
    values = {
        "id": "doi:10.1000/xyz123",
        "title": "A cross-listed paper, as published",
        "source_label": "Nature",
        "date": dt.date(2026, 10, 1),
        "day": dt.date(2026, 10, 1),
        "url": "https://www.nature.com/articles/xyz123",
        "doi": "10.1000/xyz123",
        "journal_ref": "Nature 640, 1-10 (2026)",
        "feeds": ["nature"],
    }
    return Paper(**(values | fields))


def test_a_paper_merged_with_itself_is_unchanged():
    assert merge_paper(arxiv(), arxiv()) is None


RECORDS = {
    "primary": arxiv(feed="stat.ML", announce="new"),
    "cross": arxiv(feed="cs.LG", announce="cross"),
    "other cross": arxiv(feed="cs.AI", announce="cross", categories=("stat.ML", "cs.AI")),
    "revised": arxiv(feed="stat.ML", announce="replace", version=2, title="Revised"),
    "revised cross": arxiv(feed="cs.LG", announce="replace-cross", version=2, title="Revised"),
    # A revision that moved the paper to another primary category, as rss.arxiv.org labels it.
    "moved": arxiv(feed="math.OC", announce="replace-cross", version=2, categories=("math.OC", "cs.LG")),
    "journal": arxiv(doi="10.1000/xyz123", journal_ref="Nature 640, 1-10 (2026)"),
}


@pytest.mark.parametrize("new", RECORDS)
@pytest.mark.parametrize("old", RECORDS)
def test_merging_the_same_record_again_changes_nothing(old, new):
    """A feed read twice (a refresh, a rerun) must not change a card the first read made."""
    merged = merge_paper(RECORDS[old], RECORDS[new]) or RECORDS[old]
    assert merge_paper(merged, RECORDS[new]) is None


def test_a_revision_that_moves_the_paper_to_another_primary_category_takes_its_label():
    merged = merge_paper(arxiv(feed="stat.ML"), RECORDS["moved"])
    assert (merged.source_label, merged.categories[0]) == ("arXiv (math.OC)", "math.OC")


@pytest.mark.parametrize("first_seen", ["primary feed", "cross-list feed"])
def test_a_cross_list_becomes_one_paper_labelled_by_its_primary_category(first_seen):
    primary = arxiv(feed="stat.ML", announce="new")
    cross = arxiv(feed="cs.LG", announce="cross")
    old, new = (primary, cross) if first_seen == "primary feed" else (cross, primary)
    merged = merge_paper(old, new) or old
    assert merged.source_label == "arXiv (stat.ML)"
    assert merged.announce_type == "new"
    assert merged.categories == ["stat.ML", "cs.LG"]
    assert sorted(merged.feeds) == ["arxiv:cs.LG", "arxiv:stat.ML"]


def test_two_cross_lists_keep_the_label_that_names_the_primary_category():
    merged = merge_paper(arxiv(feed="cs.LG", announce="cross"), arxiv(feed="stat.ML", announce="cross"))
    assert merged.source_label == "arXiv (stat.ML)"


def test_two_cross_lists_without_the_primary_feed_keep_the_label_first_shown():
    merged = merge_paper(arxiv(feed="cs.LG", announce="cross"), arxiv(feed="cs.AI", announce="cross"))
    assert (merged.source_label, merged.feeds) == ("arXiv (cs.LG)", ["arxiv:cs.LG", "arxiv:cs.AI"])


def test_categories_missing_from_one_feed_are_added_after_the_primary():
    merged = merge_paper(arxiv(categories=["stat.ML"]), arxiv(feed="cs.AI", categories=["stat.ML", "cs.AI"]))
    assert merged.categories == ["stat.ML", "cs.AI"]


def test_a_newer_version_brings_its_text_and_keeps_the_day_first_announced():
    revised = arxiv(
        announce="replace",
        version=2,
        title="A Cross-Listed Paper, Revised",
        abstract="Now with experiments.",
        authors=["Ada Lovelace", "Charles Babbage"],
        date=REVISED,
        day=REVISED,
    )
    merged = merge_paper(arxiv(), revised)
    assert (merged.title, merged.abstract, merged.authors) == (
        revised.title,
        revised.abstract,
        revised.authors,
    )
    assert (merged.arxiv_version, merged.announce_type, merged.pdf_url) == (2, "replace", revised.pdf_url)
    assert (merged.id, merged.date, merged.day) == ("arxiv:2609.99902", ANNOUNCED, ANNOUNCED)


def test_a_newer_version_from_a_cross_list_feed_keeps_the_primary_label():
    merged = merge_paper(arxiv(feed="stat.ML"), arxiv(feed="cs.LG", announce="replace-cross", version=3))
    assert (merged.arxiv_version, merged.announce_type) == (3, "replace-cross")
    assert merged.source_label == "arXiv (stat.ML)"


def test_a_newer_version_with_an_empty_abstract_keeps_the_abstract_it_had():
    merged = merge_paper(arxiv(), arxiv(version=2, announce="replace", abstract=""))
    assert merged.abstract == "Primary category is stat.ML, cross-listed to cs.LG."


@pytest.mark.parametrize("stored_version", [2, 3])
def test_an_older_or_equal_version_never_overwrites_the_text(stored_version):
    stored = arxiv(version=stored_version, announce="replace", title="Revised title")
    assert merge_paper(stored, arxiv(version=stored_version - 1, title="Original title")) is None


def test_an_older_version_from_another_feed_still_adds_that_feed():
    stored = arxiv(feed="stat.ML", version=3, announce="replace", title="Revised title")
    merged = merge_paper(stored, arxiv(feed="cs.LG", version=1, announce="cross", title="Original title"))
    assert (merged.title, merged.arxiv_version, merged.source_label) == (
        "Revised title",
        3,
        "arXiv (stat.ML)",
    )
    assert merged.feeds == ["arxiv:stat.ML", "arxiv:cs.LG"]


def test_a_journal_record_with_the_same_doi_only_fills_gaps():
    preprint = arxiv(doi="10.1000/xyz123")
    merged = merge_paper(preprint, journal())
    assert (merged.id, merged.title, merged.source_label) == (
        preprint.id,
        preprint.title,
        preprint.source_label,
    )
    assert merged.journal_ref == "Nature 640, 1-10 (2026)"
    assert merged.feeds == ["arxiv:cs.LG", "nature"]
    assert merged.date == ANNOUNCED


def test_a_preprint_merged_into_a_stored_journal_record_fills_its_abstract():
    merged = merge_paper(journal(), arxiv(doi="10.1000/xyz123"))
    assert (merged.id, merged.source_label, merged.title) == ("doi:10.1000/xyz123", "Nature", journal().title)
    assert merged.abstract == "Primary category is stat.ML, cross-listed to cs.LG."
    assert merged.arxiv_id is None  # still a journal card: it is not regrouped with the preprints


def test_a_journal_item_fetched_again_brings_the_publishers_corrected_title():
    merged = merge_paper(journal(), journal(title="A cross-listed paper, as published (corrected)"))
    assert merged.title == "A cross-listed paper, as published (corrected)"
    assert merged.journal_ref == "Nature 640, 1-10 (2026)"


@pytest.mark.parametrize(
    ("field", "value"),
    [("abstract", "An abstract at last."), ("authors", ["Ada Lovelace"]), ("doi", "10.1000/new"),
     ("journal_ref", "J. Imaginary Res. 12 (2026) 1-10"), ("pdf_url", "https://arxiv.org/pdf/2609.99902v1")],
)  # fmt: skip
def test_a_field_one_record_lacks_is_taken_from_the_other(field, value):
    empty = {"abstract": "", "authors": [], "doi": None, "journal_ref": None, "pdf_url": None}[field]
    merged = merge_paper(arxiv(**{field: empty}), arxiv(feed="cs.AI", announce="cross", **{field: value}))
    assert getattr(merged, field) == value


def test_merging_leaves_both_records_as_they_were():
    old, new = arxiv(feed="cs.LG", announce="cross"), arxiv(feed="stat.ML", version=2, announce="replace")
    before = (old.model_dump(), new.model_dump())
    merge_paper(old, new)
    assert (old.model_dump(), new.model_dump()) == before
