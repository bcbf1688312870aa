"""Cold start: "pick five papers you like", from the latest days, in the order that teaches the radar most.

With a model, the most uncertain papers come first: those whose learned interest lies nearest the line
above which the radar shows a paper unasked (uncertainty sampling: a star or a dismissal there moves the
line most). Without one, nothing is known, so the first picks cover the most different ground: one paper
from each of the day's fields in turn, the largest fields first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ..models import Card, Paper
from ..store.cards import order_papers
from .ranking import LEARNED_THRESHOLD, learned_interest

if TYPE_CHECKING:
    from .learn import InterestModel

MIN_ABSTRACT = 200  # characters: a paper without a real abstract teaches little


def candidates(
    papers: Sequence[Paper], known: Collection[str], model: InterestModel | None, limit: int
) -> list[Card]:
    """Up to `limit` papers to ask about, first the most telling; `known` are already starred, in the
    library or dismissed."""
    pool = [p for p in order_papers(papers) if p.id not in known and len(p.abstract) >= MIN_ABSTRACT]
    if model is not None:
        learned = learned_interest(model, pool)
        order = sorted(range(len(pool)), key=lambda i: abs(learned[i].score - LEARNED_THRESHOLD))  # type: ignore[union-attr]
        chosen = [(pool[i], learned[i]) for i in order[:limit]]
    else:
        chosen = [(paper, None) for paper in _across_fields(pool)[:limit]]
    return [
        Card(n=n, learned=interest, **paper.model_dump())
        for n, (paper, interest) in enumerate(chosen, start=1)
    ]


def _across_fields(pool: list[Paper]) -> list[Paper]:
    fields: dict[str, list[Paper]] = {}
    for paper in pool:
        field = paper.categories[0] if paper.categories else paper.source_label
        fields.setdefault(field, []).append(paper)
    queues = sorted(fields.values(), key=len, reverse=True)
    picked: list[Paper] = []
    while any(queues):
        for queue in queues:
            if queue:
                picked.append(queue.pop(0))
    return picked
