"""Routes for the radar: its rules, matching the papers on an arXiv page, and dismissals; and the radar view
of a day's cards that the cards route serves (`day_radar`). What they serve from is the service's
`RadarShelf` (the rules compiled while they stay the same, each day's radar view kept ready).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

from aiohttp import web

from ..radar import (
    Dismissal,
    RadarBook,
    RadarMatcher,
    RadarRule,
    RuleExists,
    RuleList,
    RuleNotFound,
    paper_key,
    score_hits,
)
from ..radar.compiled import CompiledMatcher
from ..radar.matching import in_category
from ..service.card_shelf import DayCards
from ..service.radar_shelf import DayRadar
from .context import library_of, radar_of, shelf_of
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

T = TypeVar("T")


@contextlib.contextmanager
def _radar_errors() -> Iterator[None]:
    """The radar book's errors as API errors; a broken radar.json is a 409."""
    try:
        yield
    except RuleNotFound as exc:
        raise ApiError(404, "not_found", str(exc), field="name") from None
    except RuleExists as exc:
        raise ApiError(409, "rule_exists", str(exc), field="body.name") from None
    except ValueError as exc:  # RadarFileError, or a file that is not JSON at all
        raise ApiError(409, "radar_file_broken", str(exc)) from None


async def _in_book(request: web.Request, work: Callable[[RadarBook], T]) -> T:
    with _radar_errors():
        return await radar_of(request).in_book(work)


async def _radar(request: web.Request) -> tuple[RadarMatcher, frozenset[str]]:
    with _radar_errors():
        return await radar_of(request).radar()


async def day_radar(request: web.Request, cards: DayCards, *, required: bool) -> DayRadar:
    """The radar view of `cards`. A broken radar.json fails a radar-only request (409) but not a plain cards
    request: those cards come without radar."""
    with _radar_errors():
        return await radar_of(request).day_radar(cards, required=required)


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
    """The rules and dismissals as the overlay's matcher runs them."""
    with _radar_errors():
        body = await radar_of(request).for_overlay()
    return web.Response(body=body, content_type="application/json")


# ---- what the radar says of a listing's papers already in the store ----


async def listing_radar(request: web.Request, *, query: ListingQuery) -> ListingRadar:
    """The store's arXiv papers of the category over the latest days, newest first, each with its text's
    fingerprint, and the radar's matches among them."""
    shelf = shelf_of(request)
    matcher, _ = await _radar(request)
    answer = ListingRadar(papers={}, matches=[], rules=len(matcher.rules))
    for day in (await shelf.summary()).days[: query.days]:
        with _radar_errors():
            listed_papers = await radar_of(request).listed(await shelf.day(day))
        for listed in listed_papers:
            if listed.id in answer.papers or not in_category(listed.categories, query.category):
                continue
            answer.papers[listed.id] = listed.fingerprint
            if listed.hits:
                answer.matches.append(
                    RadarMatch(
                        id=listed.id,
                        paper_id=listed.paper_id,
                        score=listed.score,
                        known=True,
                        hits=listed.hits,
                        why=listed.why,
                    )
                )
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


__all__ = ["PageEntry", "add_routes", "day_radar"]
