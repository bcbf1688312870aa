"""Routes for the radar: its rules, matching the papers on an arXiv page, and dismissals; and the radar view
of a day's cards that the cards route serves (`day_radar`).

The rules and dismissals live in `radar.json` in the data dir (see radar.rules), re-read on every request
so that `academichub radar add` counts at once while the service runs; the compiled rules are cached while
they stay the same, and a day's radar view once per store generation, rule set and dismissals.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from weakref import WeakKeyDictionary

from aiohttp import web
from pydantic import TypeAdapter

from ..models import RadarHit
from ..radar import (
    Dismissal,
    RadarBook,
    RadarMatcher,
    RadarRule,
    RuleExists,
    RuleList,
    RuleNotFound,
    matcher_for,
    paper_key,
    score_hits,
)
from ..radar.compiled import CompiledMatcher, compile_matcher
from ..radar.fingerprint import text_fingerprint
from ..radar.matching import in_category
from ..radar.ranking import by_relevance, learned_interest, on_radar, relevance
from ..radar.rules import RadarSnapshot
from ..radar.view import Sighting, sight
from ..service.card_shelf import DayCards
from .context import learner_of, library_of, shelf_of
from .library import Library
from .radar_models import (
    DismissalList,
    DismissRequest,
    ListingQuery,
    ListingRadar,
    MatchRequest,
    MatchResponse,
    PageEntry,
    RadarMatch,
)
from .routing import ApiError, PathParam, Route, RouteTable

if TYPE_CHECKING:  # the learned radar loads with its first model
    from ..radar.learn import InterestModel
    from ..radar.learn.model import Vectors

T = TypeVar("T")

_BOOKS: WeakKeyDictionary[Library, RadarBook] = WeakKeyDictionary()
_MATCHERS: WeakKeyDictionary[RadarBook, tuple[RadarSnapshot, RadarMatcher]] = WeakKeyDictionary()
_HITS = TypeAdapter(list[RadarHit])
_COMPILED: WeakKeyDictionary[RadarBook, tuple[RadarSnapshot, bytes]] = WeakKeyDictionary()


def book_of(request: web.Request) -> RadarBook:
    library = library_of(request)
    book = _BOOKS.get(library)
    if book is None:
        book = _BOOKS[library] = RadarBook(library.paths.data)
    return book


async def _in_book(request: web.Request, work: Callable[[RadarBook], T]) -> T:
    """Run `work` on the radar book off the loop (it reads and fsyncs a file); a broken file is a 409."""
    book = book_of(request)
    try:
        return await asyncio.to_thread(work, book)
    except RuleNotFound as exc:
        raise ApiError(404, "not_found", str(exc), field="name") from None
    except RuleExists as exc:
        raise ApiError(409, "rule_exists", str(exc), field="body.name") from None
    except ValueError as exc:  # RadarFileError, or a file that is not JSON at all
        raise ApiError(409, "radar_file_broken", str(exc)) from None


async def _radar(request: web.Request) -> tuple[RadarMatcher, frozenset[str]]:
    """The compiled rules and the dismissals; the file is parsed (off the loop) only after it changed."""
    book = book_of(request)
    snapshot = book.fresh_snapshot() or await _in_book(request, RadarBook.snapshot)
    compiled = _MATCHERS.get(book)
    if compiled is None or compiled[0] is not snapshot:
        compiled = _MATCHERS[book] = (snapshot, matcher_for(snapshot.rules))
    return compiled[1], snapshot.dismissed


# ---- rules ----


async def list_rules(request: web.Request) -> RuleList:
    return RuleList(rules=await _in_book(request, RadarBook.rules))


async def create_rule(request: web.Request, *, body: RadarRule) -> RadarRule:
    return await _in_book(request, lambda book: book.add(body))


async def update_rule(request: web.Request, *, name: str, body: RadarRule) -> RadarRule:
    return await _in_book(request, lambda book: book.replace(name, body))


async def delete_rule(request: web.Request, *, name: str) -> RuleList:
    def remove(book: RadarBook) -> list[RadarRule]:
        book.remove(name)
        return book.rules()

    return RuleList(rules=await _in_book(request, remove))


# ---- matching a page ----


async def match_page(request: web.Request, *, body: MatchRequest) -> MatchResponse:
    matcher, dismissed = await _radar(request)
    entries = body.papers
    found = await asyncio.to_thread(matcher.match_many, entries) if matcher.rules else [[] for _ in entries]
    matched = [(entry, paper_key(entry.id), hits) for entry, hits in zip(entries, found, strict=True) if hits]
    library = library_of(request)
    known = await library.in_store(lambda: [key in library.store for _, key, _ in matched])
    response = MatchResponse(matches=[], dismissed=[], rules=len(matcher.rules))
    for (entry, key, hits), in_store in zip(matched, known, strict=True):
        if key in dismissed:
            response.dismissed.append(entry.id)
            continue
        score = score_hits(hits, matcher.weights)
        response.matches.append(
            RadarMatch(
                id=entry.id, paper_id=key, score=score.score, known=in_store, hits=hits, why=score.explain()
            )
        )
    return response


async def compiled_matcher(request: web.Request) -> web.Response:
    """The rules and dismissals as the overlay's matcher runs them; serialized once per radar file."""
    await _radar(request)
    book = book_of(request)
    snapshot = _MATCHERS[book][0]
    cached = _COMPILED.get(book)
    if cached is None or cached[0] is not snapshot:
        matcher = _MATCHERS[book][1]

        def build() -> bytes:  # the fold table takes a second or two the first time: off the loop
            return compile_matcher(matcher, snapshot.dismissed).model_dump_json().encode()

        cached = _COMPILED[book] = (snapshot, await asyncio.to_thread(build))
    return web.Response(body=cached[1], content_type="application/json")


# ---- what the radar says of a listing's papers already in the store ----


@dataclass(frozen=True, slots=True)
class ListedPaper:
    """A stored arXiv paper as a listing page asks for it: its text's fingerprint and the radar's match."""

    id: str  # bare arXiv id
    categories: list[str]
    fingerprint: str
    match: RadarMatch | None


def _listed(cards: DayCards, radar: DayRadar, weights: dict[str, float]) -> list[ListedPaper]:
    listed = []
    for card, sighting in zip(cards.papers, radar.sightings, strict=True):
        bare = card.id.removeprefix("arxiv:")
        if bare == card.id:
            continue
        match = None
        if sighting.hits:
            why = score_hits(sighting.hits, weights).explain()
            match = RadarMatch(
                id=bare, paper_id=card.id, score=sighting.score, known=True, hits=sighting.hits, why=why
            )
        fingerprint = text_fingerprint(card.title, card.abstract, card.authors)
        listed.append(ListedPaper(bare, card.categories, fingerprint, match))
    return listed


async def listing_radar(request: web.Request, *, query: ListingQuery) -> ListingRadar:
    """The store's arXiv papers of the category over the latest days, newest first, each with its text's
    fingerprint, and the radar's matches among them. Both are kept with the day's radar view the cards
    route builds, so a listing page asks for them again at the cost of the category test alone."""
    shelf = shelf_of(request)
    matcher, _ = await _radar(request)
    answer = ListingRadar(papers={}, matches=[], rules=len(matcher.rules))
    for day in (await shelf.summary()).days[: query.days]:
        cards = await shelf.day(day)
        radar = await day_radar(request, cards, required=True)
        if radar.listed is None:  # the first listing page since the day, the rules or the dismissals changed
            radar.listed = await asyncio.to_thread(_listed, cards, radar, matcher.weights)
        for listed in radar.listed:
            if listed.id in answer.papers or not in_category(listed.categories, query.category):
                continue
            answer.papers[listed.id] = listed.fingerprint
            if listed.match is not None:
                answer.matches.append(listed.match)
    return answer


# ---- dismissals ----


async def list_dismissals(request: web.Request) -> DismissalList:
    return DismissalList(dismissed=await _in_book(request, RadarBook.dismissals))


async def dismiss(request: web.Request, *, body: DismissRequest) -> Dismissal:
    return await _in_book(request, lambda book: book.dismiss(body.id))


async def undismiss(request: web.Request, *, paper_id: str) -> DismissalList:
    def undo(book: RadarBook) -> list[Dismissal]:
        if not book.undismiss(paper_id):
            raise ApiError(404, "not_found", f"{paper_key(paper_id)!r} is not dismissed", field="paper_id")
        return book.dismissals()

    return DismissalList(dismissed=await _in_book(request, undo))


# ---- the radar view of a day's cards (asked for by the cards route) ----


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


# Per library, per day: the DayCards it was built from, the rules, dismissals and model it saw, and the view.
_Built = tuple[DayCards, RadarMatcher, frozenset[str], "InterestModel | None", DayRadar]
_DAYS: WeakKeyDictionary[Library, OrderedDict[dt.date, _Built]] = WeakKeyDictionary()
MAX_DAYS = 16  # as the card shelf keeps
_NOTHING_LEARNED = b',"learned":null}'


def _build_day(
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


async def day_radar(request: web.Request, cards: DayCards, *, required: bool) -> DayRadar:
    """The radar view of `cards`, built once per rule set, dismissals and learned model. A broken
    radar.json fails a radar-only request (409) but not a plain cards request: those cards come without
    radar."""
    try:
        matcher, dismissed = await _radar(request)
    except ApiError:
        if required:
            raise
        matcher, dismissed = matcher_for([]), frozenset()
    model = await learner_of(request).current()
    days = _DAYS.setdefault(library_of(request), OrderedDict())
    cached = days.get(cards.day)
    # The same objects while neither the day, the rules, the dismissals nor the model changed: identity is
    # enough.
    if cached is not None and all(
        a is b for a, b in zip(cached[:4], (cards, matcher, dismissed, model), strict=True)
    ):
        days.move_to_end(cards.day)
        return cached[4]
    vectors = None
    if model is not None:
        from ..radar.learn.vectors import PaperVectors

        vectors = PaperVectors(library_of(request).paths.data).counts
    built = await asyncio.to_thread(_build_day, cards, matcher, dismissed, model, vectors)
    days[cards.day] = (cards, matcher, dismissed, model, built)
    days.move_to_end(cards.day)
    while len(days) > MAX_DAYS:
        days.popitem(last=False)
    return built


def add_routes(table: RouteTable) -> None:
    name = (PathParam("name", "The rule's name (any case).", pattern=".+"),)
    table.add(
        Route(
            "GET",
            "/radar/rules",
            list_rules,
            "The radar's rules, in the order they were added.",
            "radar",
            response=RuleList,
            errors=(409,),
        )
    )
    table.add(
        Route(
            "POST",
            "/radar/rules",
            create_rule,
            "Add a rule.",
            "radar",
            body=RadarRule,
            response=RadarRule,
            status=201,
            errors=(409,),
            description="Terms are words (`RL`), phrases (`graph neural network`) or prefixes (`neur*`); "
            "matching ignores case, accents and the dashes between words, and keeps to whole words. "
            "409 when a rule of that name (in any case) exists.",
        )
    )
    table.add(
        Route(
            "PUT",
            "/radar/rules/{name}",
            update_rule,
            "Replace a rule (the body may rename it).",
            "radar",
            body=RadarRule,
            response=RadarRule,
            path_params=name,
            errors=(404, 409),
        )
    )
    table.add(
        Route(
            "DELETE",
            "/radar/rules/{name}",
            delete_rule,
            "Remove a rule; the rules left.",
            "radar",
            response=RuleList,
            path_params=name,
            errors=(404, 409),
        )
    )
    table.add(
        Route(
            "POST",
            "/radar/match",
            match_page,
            "Match the papers seen on an arXiv page against the radar.",
            "radar",
            body=MatchRequest,
            response=MatchResponse,
            errors=(409,),
            description="For each paper a rule matches: its hits, as offsets into the title, abstract or "
            "author string sent, its score and why, and whether the store already holds it. Dismissed papers "
            "are left out (their ids are listed in `dismissed`).",
        )
    )
    table.add(
        Route(
            "GET",
            "/radar/matcher",
            compiled_matcher,
            "The radar's rules compiled for the arXiv overlay's own matcher.",
            "radar",
            response=CompiledMatcher,
            errors=(409,),
            description="The fold table, the character classes of folded text, each term's patterns "
            "(JavaScript regexes) and anchor, the author names, the rules' filters and the dismissed papers: "
            "what extension/content/matcher.js needs to find what `POST /radar/match` finds, as the page "
            "loads. The sidecar's answer stays the authority.",
        )
    )
    table.add(
        Route(
            "GET",
            "/radar/listing",
            listing_radar,
            "The radar's matches among the stored arXiv papers of a listing's category.",
            "radar",
            query=ListingQuery,
            response=ListingRadar,
            errors=(409,),
            description="What the arXiv overlay asks first on a listing page: an entry whose fingerprint is "
            "the one here is the stored paper, and its matches (offsets into the stored strings) are "
            "here; only the other entries go to `POST /radar/match`.",
        )
    )
    table.add(
        Route(
            "GET",
            "/radar/dismissals",
            list_dismissals,
            "The papers dismissed from the radar.",
            "radar",
            response=DismissalList,
            errors=(409,),
        )
    )
    table.add(
        Route(
            "POST",
            "/radar/dismissals",
            dismiss,
            "Not interested: keep a paper out of the radar.",
            "radar",
            body=DismissRequest,
            response=Dismissal,
            errors=(409,),
            description="Changes nothing else: no rule and no other paper's score.",
        )
    )
    table.add(
        Route(
            "DELETE",
            "/radar/dismissals/{paper_id}",
            undismiss,
            "Take a dismissal back.",
            "radar",
            response=DismissalList,
            errors=(404, 409),
            path_params=(PathParam("paper_id", "The paper's id, e.g. arxiv:2606.14677.", pattern=".+"),),
        )
    )


__all__ = ["DayRadar", "PageEntry", "add_routes", "book_of", "day_radar"]
