"""Routes for the papers: a day's cards, one paper, the days that have papers."""

from __future__ import annotations

from aiohttp import web

from ..models import Paper
from ..service.card_shelf import page_json
from .context import library_of, shelf_of
from .models import CardPage, CardsQuery, DayList
from .radar import day_radar
from .routing import ApiError, PathParam, Route, RouteTable


async def list_cards(request: web.Request, *, query: CardsQuery) -> web.Response:
    shelf = shelf_of(request)
    day = query.day or (await shelf.summary()).latest_day
    if day is None:
        body = page_json(day, 0, query.offset, query.limit)
    else:
        cards = await shelf.day(day)
        positions = cards.view(query.source, query.q)
        radar = await day_radar(request, cards, required=query.radar)  # every card carries its score and hits
        if query.radar:
            positions = radar.ranked(positions)  # radar matches and strong learned matches, best first
        elif query.rank:
            positions = radar.by_relevance(positions)  # the whole day, best first
        page = [radar.json[p] for p in positions[query.offset : query.offset + query.limit]]
        body = page_json(day, len(positions), query.offset, query.limit, page)
    return web.Response(body=body, content_type="application/json")


async def get_paper(request: web.Request, *, paper_id: str) -> Paper:
    library = library_of(request)
    paper = await library.in_store(lambda: library.store.get(paper_id))
    if paper is None:
        raise ApiError(404, "not_found", f"no paper with id {paper_id!r}", field="paper_id")
    return paper


async def list_days(request: web.Request) -> DayList:
    summary = await shelf_of(request).summary()
    return DayList(days=summary.days)


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "GET",
            "/cards",
            list_cards,
            "A day's papers as numbered cards, one page at a time.",
            "papers",
            query=CardsQuery,
            response=CardPage,
            description="The same fields as `academichub cards --json`. Cards are numbered 1..total over "
            "the filtered list; `offset` and `limit` slice it. `radar=true` keeps the radar's matches, "
            "highest relevance first; `rank=true` orders the whole day by relevance (as `cards --rank`).",
        )
    )
    table.add(
        Route(
            "GET",
            "/papers/{paper_id}",
            get_paper,
            "One paper by its id.",
            "papers",
            response=Paper,
            errors=(404,),
            path_params=(
                PathParam(
                    "paper_id",
                    "The paper's id, e.g. arxiv:2606.14677 or arxiv:hep-th/9901001 "
                    "(slashes may be sent as they are or as %2F).",
                    pattern=".+",
                ),
            ),
        )
    )
    table.add(
        Route(
            "GET", "/days", list_days, "The days that have papers, newest first.", "papers", response=DayList
        )
    )
