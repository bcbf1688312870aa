"""The learned interest: trained on a reader's papers, it ranks the day's papers on their subject first,
and every score says which of the reader's papers it is like and which of its words weighed most."""

from __future__ import annotations

import re

import pytest
from learn_papers import CLOSE, FAR, LIBRARY, paper

from academichub.radar.learn import InterestModel, PaperText


def ranked(model: InterestModel, papers: list[PaperText]) -> list[str]:
    return [s.key for s in sorted(model.score(papers), key=lambda s: -s.score)]


def test_papers_on_the_readers_subject_rank_first(day: list[PaperText]) -> None:
    model = InterestModel.train(LIBRARY, background=day)
    assert set(ranked(model, day)[:2]) == {p.key for p in CLOSE}


def test_scores_lie_in_zero_one_and_close_papers_score_high(day: list[PaperText]) -> None:
    scores = {s.key: s.score for s in InterestModel.train(LIBRARY, background=day).score(day)}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert min(scores[p.key] for p in CLOSE) > max(scores[p.key] for p in FAR)


def test_a_score_does_not_depend_on_the_other_papers_scored_with_it(day: list[PaperText]) -> None:
    model = InterestModel.train(LIBRARY, background=day)
    alone = model.score([CLOSE[0]])[0]
    among = next(s for s in model.score(day) if s.key == CLOSE[0].key)
    assert alone.score == pytest.approx(among.score)


def test_a_score_names_the_nearest_of_the_readers_papers(day: list[PaperText]) -> None:
    model = InterestModel.train(LIBRARY, background=day)
    forces, affinity = (next(s for s in model.score(day) if s.key == p.key) for p in CLOSE)
    assert forces.like[0] == (LIBRARY[0].key, LIBRARY[0].title)
    assert affinity.like[0] == (LIBRARY[1].key, LIBRARY[1].title)
    assert 1 <= len(forces.like) <= 2


def test_a_score_names_words_the_paper_really_has(day: list[PaperText]) -> None:
    model = InterestModel.train(LIBRARY, background=day)
    for scored, original in zip(model.score(day), day, strict=True):
        text = f"{original.title} {original.abstract}".lower()
        assert len(scored.words) <= 5
        for phrase in scored.words:  # whole words, side by side as the paper writes them
            assert re.search(r"\b" + r"\W+".join(map(re.escape, phrase.split())) + r"\b", text), phrase
    forces = model.score([CLOSE[0]])[0]
    assert forces.words, "a close paper is explained by its words"
    assert {"equivariant", "molecular"} & {w for phrase in forces.words for w in phrase.split()}


def test_a_paper_that_shares_no_word_with_what_the_model_read_scores_zero(day: list[PaperText]) -> None:
    model = InterestModel.train(LIBRARY, background=day)
    unrelated = paper("arxiv:2607.30001", "Xylophone tuning", "Zither and xylophone acoustics.")
    scored = model.score([unrelated])[0]
    assert scored.like == [] and scored.words == [] and scored.score == 0.0


def test_a_dismissed_paper_ranks_lower_than_before(day: list[PaperText]) -> None:
    dismissed = CLOSE[1]
    plain = InterestModel.train(LIBRARY, background=day)
    wary = InterestModel.train(LIBRARY, negatives=[dismissed], background=day)
    assert ranked(wary, day).index(dismissed.key) > ranked(plain, day).index(dismissed.key)


def test_it_learns_from_positives_alone() -> None:
    model = InterestModel.train(LIBRARY)
    assert set(ranked(model, [*FAR, *CLOSE])[:2]) == {p.key for p in CLOSE}


def test_it_needs_a_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        InterestModel.train([], background=FAR)


def test_an_empty_day_scores_nothing() -> None:
    assert InterestModel.train(LIBRARY, background=FAR).score([]) == []
