"""Dismissing a paper ("not interested"): it leaves the radar view, stays dismissed, can be taken back, and
teaches nothing: no rule changes, no other paper's score moves."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from academichub.models import Paper
from academichub.radar import RadarBook, RadarRule, matcher_for, paper_key
from academichub.radar.view import radar_cards


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("2606.14677", "arxiv:2606.14677"),
        ("2606.14677v3", "arxiv:2606.14677"),
        ("arxiv:2606.14677", "arxiv:2606.14677"),
        ("arXiv:2606.14677v1", "arxiv:2606.14677"),
        ("https://arxiv.org/abs/2606.14677v2", "arxiv:2606.14677"),
        ("hep-th/9901001", "arxiv:hep-th/9901001"),
        (" doi:10.1038/s41586-026-0001-x ", "doi:10.1038/s41586-026-0001-x"),
        ("doi:10.1038/S41586-026-0001-X", "doi:10.1038/s41586-026-0001-x"),
        ("https://doi.org/10.1038/S41586-026-0001-X", "doi:10.1038/s41586-026-0001-x"),
        ("10.1101/2026.06.20.123456", "doi:10.1101/2026.06.20.123456"),
        ("url:0123456789ab", "url:0123456789ab"),
    ],
)
def test_a_paper_is_dismissed_under_its_store_id(given: str, key: str) -> None:
    assert paper_key(given) == key


def paper(pid: str, title: str) -> Paper:
    return Paper(id=pid, title=title, source_label="arXiv (cs.LG)", date=dt.date(2026, 6, 24))


DAY = [
    paper("arxiv:1", "Spin glasses"),
    paper("arxiv:2", "Spin waves and spin"),
    paper("arxiv:3", "Spin ice"),
]


def test_a_dismissed_paper_leaves_the_radar_and_the_others_keep_their_scores(tmp_path) -> None:
    book = RadarBook(tmp_path)
    book.add(RadarRule(name="spin", terms=["spin"]))
    rules_before = json.loads((tmp_path / "radar.json").read_text())["rules"]
    before = radar_cards(DAY, matcher_for(book.rules()), book.dismissed(), only_radar=True)

    book.dismiss("arxiv:2")
    after = radar_cards(DAY, matcher_for(book.rules()), book.dismissed(), only_radar=True)

    assert [(c.n, c.id) for c in after] == [(1, "arxiv:1"), (2, "arxiv:3")]  # renumbered without a gap
    assert {c.id: c.score for c in after} == {c.id: c.score for c in before if c.id != "arxiv:2"}
    assert json.loads((tmp_path / "radar.json").read_text())["rules"] == rules_before  # nothing learnt
    everything = radar_cards(DAY, matcher_for(book.rules()), book.dismissed())
    assert [(c.id, c.score, c.radar) for c in everything if c.id == "arxiv:2"] == [("arxiv:2", 0.0, [])]


def test_dismissing_twice_keeps_one_dismissal_and_it_persists(tmp_path) -> None:
    first = RadarBook(tmp_path).dismiss("2606.14677v2")
    again = RadarBook(tmp_path).dismiss("arxiv:2606.14677")
    assert first == again and first.id == "arxiv:2606.14677"
    assert first.at.tzinfo is not None
    assert [d.id for d in RadarBook(tmp_path).dismissals()] == ["arxiv:2606.14677"]


def test_a_dismissal_can_be_taken_back(tmp_path) -> None:
    book = RadarBook(tmp_path)
    book.dismiss("arxiv:2")
    assert book.undismiss("2") is False  # '2' is not an arXiv id: not the same paper
    assert book.undismiss("arxiv:2") is True
    assert book.dismissed() == set()
    assert book.undismiss("arxiv:2") is False


def test_a_dismissal_written_with_a_mixed_case_doi_still_counts(tmp_path) -> None:
    # radar.json from before DOIs were lower-cased on the way in: its dismissal still names the paper.
    (tmp_path / "radar.json").write_text(
        json.dumps({"dismissed": {"1": {"id": "doi:10.1038/S41586-X", "at": "2026-06-24T08:00:00Z"}}})
    )
    book = RadarBook(tmp_path)
    assert book.dismissed() == {"doi:10.1038/s41586-x"}
    assert book.undismiss("doi:10.1038/s41586-x") and book.dismissed() == set()
