"""The radar as the service keeps it ready: the rules compiled while they stay the same, and each day's radar
view of its cards (rule matches, the learned interest, the relevance they rank by), built once per rule
set, dismissals and learned model.

The rules and dismissals live in `radar.json` in the data dir (see radar.rules), re-read on every request so
that `academichub radar add` counts at once while the service runs; the file is parsed again (off the loop)
only after it changed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from cachetools import LRUCache
from pydantic import TypeAdapter

from ..models import Card, RadarHit
from ..radar import RadarBook, RadarMatcher, matcher_for, score_hits
from ..radar.compiled import compile_matcher
from ..radar.fingerprint import text_fingerprint
from ..radar.ranking import by_relevance, learned_interest, on_radar, relevance
from ..radar.rules import RadarSnapshot
from ..radar.view import Sighting, sight, with_radar
from ..store.paper_store import WARM_DAYS
from .card_shelf import DayCards
from .learner import InterestLearner
from .library import Library

if TYPE_CHECKING:  # the learned radar loads with its first model
    from ..radar.learn import InterestModel
    from ..radar.learn.model import Vectors

T = TypeVar("T")

_HITS = TypeAdapter(list[RadarHit])
_NOTHING_LEARNED = b',"learned":null}'


@dataclass(frozen=True, slots=True)
class ListedPaper:
    """A stored arXiv paper as a listing page asks for it: its text's fingerprint and the radar's match."""

    id: str  # bare arXiv id
    paper_id: str
    categories: list[str]
    fingerprint: str
    hits: list[RadarHit]
    score: float
    why: str


@dataclass
class DayRadar:
    """A day's cards with the radar's say: each card's JSON (without its number) now carrying `score`,
    `radar`, `relevance` and `learned`, and the orders the radar and the ranking list them in."""

    sightings: list[Sighting]
    json: list[bytes]
    relevance: list[float]
    shown: list[bool]  # on the radar view: a rule matches, or the learned interest is high enough
    listed: list[ListedPaper] | None = None  # its arXiv papers for /radar/listing, made when first asked

    def ranked(self, positions: Sequence[int]) -> list[int]:
        """The radar view of `positions`: rule matches and strong learned matches, best first."""
        return by_relevance(self.relevance, [p for p in positions if self.shown[p]])

    def by_relevance(self, positions: Sequence[int]) -> list[int]:
        return by_relevance(self.relevance, positions)

    def cards(self, cards: DayCards) -> list[Card]:
        """The day's cards, each carrying its hits and score, numbered as the popup numbers them."""
        return with_radar(cards.papers, self.sightings)


def build_day_radar(
    cards: DayCards,
    matcher: RadarMatcher,
    dismissed: frozenset[str],
    model: InterestModel | None,
    vectors: Vectors | None = None,
) -> DayRadar:
    sightings = sight(cards.papers, matcher, dismissed)
    scored = learned_interest(model, cards.papers, vectors)
    learned = [
        None if paper.id in dismissed else interest
        for paper, interest in zip(cards.papers, scored, strict=True)
    ]
    relevances = [relevance(s, li) for s, li in zip(sightings, learned, strict=True)]
    decorated = [
        paper[:-1]
        + b',"score":%s,"radar":%s,"relevance":%s'
        % (json.dumps(s.score).encode(), _HITS.dump_json(s.hits), json.dumps(r).encode())
        + (b',"learned":%s}' % li.model_dump_json().encode() if li is not None else _NOTHING_LEARNED)
        for paper, s, r, li in zip(cards.json, sightings, relevances, learned, strict=True)
    ]
    shown = [on_radar(s, li) for s, li in zip(sightings, learned, strict=True)]
    return DayRadar(sightings, decorated, relevances, shown)


def listed_papers(cards: DayCards, radar: DayRadar, weights: dict[str, float]) -> list[ListedPaper]:
    listed = []
    for card, sighting in zip(cards.papers, radar.sightings, strict=True):
        bare = card.id.removeprefix("arxiv:")
        if bare == card.id:
            continue
        why = score_hits(sighting.hits, weights).explain() if sighting.hits else ""
        fingerprint = text_fingerprint(card.title, card.abstract, card.authors)
        listed.append(
            ListedPaper(bare, card.id, card.categories, fingerprint, sighting.hits, sighting.score, why)
        )
    return listed


# Per day: the DayCards it was built from, the rules, dismissals and model it saw, and the view.
_Built = tuple[DayCards, RadarMatcher, frozenset[str], "InterestModel | None", DayRadar]


class RadarShelf:
    def __init__(self, library: Library, learner: InterestLearner) -> None:
        self.data_dir = library.paths.data
        self.learner = learner
        self.book = RadarBook(library.paths.data)
        self._compiled: tuple[RadarSnapshot, RadarMatcher] | None = None  # (the snapshot, its matcher)
        self._for_overlay: tuple[RadarSnapshot, bytes] | None = None  # (the snapshot, its CompiledMatcher)
        self._days: LRUCache[dt.date, _Built] = LRUCache(WARM_DAYS)

    async def in_book(self, work: Callable[[RadarBook], T]) -> T:
        """Run `work` on the radar book off the loop (it reads and fsyncs a file)."""
        return await asyncio.to_thread(work, self.book)

    async def _snapshot_matcher(self) -> tuple[RadarSnapshot, RadarMatcher]:
        snapshot = self.book.fresh_snapshot()
        if snapshot is None:
            snapshot = await self.in_book(RadarBook.snapshot)
        if self._compiled is None or self._compiled[0] is not snapshot:
            self._compiled = (snapshot, matcher_for(snapshot.rules))
        return self._compiled

    async def radar(self) -> tuple[RadarMatcher, frozenset[str]]:
        """The compiled rules and the dismissals; ValueError (RadarFileError) when radar.json is broken."""
        snapshot, matcher = await self._snapshot_matcher()
        return matcher, snapshot.dismissed

    async def for_overlay(self) -> bytes:
        """The rules and dismissals as the overlay's own matcher runs them (a CompiledMatcher, as JSON),
        serialized once per radar file."""
        snapshot, matcher = await self._snapshot_matcher()
        if self._for_overlay is None or self._for_overlay[0] is not snapshot:

            def build() -> bytes:  # the fold table takes a second or two the first time: off the loop
                return compile_matcher(matcher, snapshot.dismissed).model_dump_json().encode()

            self._for_overlay = (snapshot, await asyncio.to_thread(build))
        return self._for_overlay[1]

    async def day_radar(self, cards: DayCards, *, required: bool) -> DayRadar:
        """The radar view of `cards`, built once per rule set and dismissals. A broken radar.json fails a
        radar-only request (`required`) but not a plain cards request: those cards come without radar."""
        try:
            matcher, dismissed = await self.radar()
        except ValueError:
            if required:
                raise
            matcher, dismissed = matcher_for([]), frozenset()
        model = await self.learner.current()
        cached = self._days.get(cards.day)
        # The same objects while neither the day, the rules, the dismissals nor the model changed: identity
        # is enough.
        if cached is not None and all(
            a is b for a, b in zip(cached[:4], (cards, matcher, dismissed, model), strict=True)
        ):
            return cached[4]
        vectors = None
        if model is not None:
            from ..radar.learn.vectors import PaperVectors

            vectors = PaperVectors(self.data_dir).counts
        built = await asyncio.to_thread(build_day_radar, cards, matcher, dismissed, model, vectors)
        self._days[cards.day] = (cards, matcher, dismissed, model, built)
        return built

    async def listed(self, cards: DayCards) -> list[ListedPaper]:
        """The day's arXiv papers with their fingerprints and matches, kept with the day's radar view, so a
        listing page asks for them again at the cost of the category test alone."""
        matcher, _ = await self.radar()
        radar = await self.day_radar(cards, required=True)
        if radar.listed is None:  # the first listing page since the day, the rules or the dismissals changed
            radar.listed = await asyncio.to_thread(listed_papers, cards, radar, matcher.weights)
        return radar.listed

    def close(self) -> None:
        self.book.close()
