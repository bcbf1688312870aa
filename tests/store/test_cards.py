import datetime as dt

import pytest

from academichub.models import Paper
from academichub.store.cards import format_card, matches_source, number_cards, order_papers

DAY = dt.date(2026, 6, 24)


def paper(pid: str, label: str, **fields) -> Paper:
    return Paper(id=pid, title=f"Title {pid}", source_label=label, date=DAY, **fields)


def test_numbers_are_contiguous_and_start_at_one():
    cards = number_cards([paper(f"url:{i}", "Nature") for i in range(12)])
    assert [c.n for c in cards] == list(range(1, 13))


def test_preprints_come_before_journals_and_feed_order_is_kept_within_a_source():
    papers = [
        paper("doi:1", "Nature"),
        paper("arxiv:2", "arXiv (quant-ph)", arxiv_id="2"),
        paper("doi:3", "bioRxiv (Bioinformatics)"),
        paper("arxiv:4", "arXiv (cs.AI)", arxiv_id="4"),
        paper("arxiv:5", "arXiv (quant-ph)", arxiv_id="5"),
    ]
    assert [p.id for p in order_papers(papers)] == ["arxiv:4", "arxiv:2", "arxiv:5", "doi:3", "doi:1"]


def test_card_layout_follows_the_reference_pages():
    card = number_cards(
        [paper("arxiv:1", "arXiv (quant-ph)", authors=["A. Pérez", "B. Li"], abstract="We do X.")]
    )[0]
    assert format_card(card).splitlines() == [
        "01.",
        "arXiv (quant-ph) 2026-06-24",
        "Title arxiv:1",
        "Authors: A. Pérez, B. Li",
        "We do X.",
    ]


def test_a_card_without_authors_has_no_author_line():
    card = number_cards([paper("doi:1", "Nature", abstract="Text.")])[0]
    assert "Authors" not in format_card(card)
    assert "Unknown" not in format_card(card)


@pytest.mark.parametrize(
    ("wanted", "label", "categories", "expected"),
    [
        ("arXiv", "arXiv (cs.CV)", ["cs.CV"], True),
        ("arxiv (cs.cv)", "arXiv (cs.CV)", ["cs.CV"], True),
        ("cs.RO", "arXiv (cs.CV)", ["cs.CV", "cs.RO"], True),
        ("Nature", "Nature", [], True),
        ("Nature", "Nature Biotechnology", [], True),
        ("Nature Biotechnology", "Nature", [], False),
        ("bioRxiv", "medRxiv (Epidemiology)", [], False),
    ],
)
def test_source_filter(wanted, label, categories, expected):
    assert matches_source(paper("x", label, categories=categories), wanted) is expected
