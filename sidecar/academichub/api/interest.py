"""Routes for what the radar learns from: stars, the library (a dropped file, Zotero), the "pick five"
cold start, the learned radar's state and reset. Dismissals stay with the radar's routes (radar.py).

Every change is written to the signal files (under their cross-process locks, off the loop) and then told
to the learner, which trains again in the background; the cards route ranks with the new model once it is
ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from aiohttp import web

from ..radar import interest
from ..radar.cold_start import candidates
from ..radar.library import (
    ImportReport,
    LibraryFileError,
    LibraryImportError,
    LibraryList,
    UserLibrary,
    ZoteroError,
    read_library_file,
    read_zotero,
)
from ..radar.rules import paper_key
from ..radar.signals import SignalFileError, Star, StarBook, StarList, reset
from .context import learner_of, library_of
from .interest_models import (
    LearnedState,
    LibraryFile,
    PickList,
    PickQuery,
    ResetReport,
    ResetRequest,
    StarRequest,
    ZoteroRequest,
)
from .routing import ApiError, PathParam, Route, RouteTable

T = TypeVar("T")


def _data(request: web.Request) -> Path:
    return library_of(request).paths.data


async def _changing(request: web.Request, work: Callable[[], T]) -> T:
    """Run a change of the signals off the loop, then let the learner see it."""
    try:
        result = await asyncio.to_thread(work)
    except (LibraryFileError, SignalFileError) as exc:
        raise ApiError(409, "signal_file_broken", str(exc)) from None
    await learner_of(request).current()
    return result


# ---- stars ----


async def list_stars(request: web.Request) -> StarList:
    return StarList(stars=await _changing(request, StarBook(_data(request)).stars))


async def star(request: web.Request, *, body: StarRequest) -> Star:
    library = library_of(request)
    paper = await library.in_store(lambda: library.store.get(paper_key(body.id)))
    return await _changing(request, lambda: StarBook(_data(request)).star(body.id, paper))


async def unstar(request: web.Request, *, paper_id: str) -> StarList:
    stars = StarBook(_data(request))

    def undo() -> list[Star]:
        if not stars.unstar(paper_id):
            raise ApiError(404, "not_found", f"{paper_id!r} is not starred", field="paper_id")
        return stars.stars()

    return StarList(stars=await _changing(request, undo))


# ---- the library ----


async def list_library(request: web.Request) -> LibraryList:
    return LibraryList(entries=await _changing(request, UserLibrary(_data(request)).entries))


async def import_file(request: web.Request, *, body: LibraryFile) -> ImportReport:
    try:
        read = await asyncio.to_thread(read_library_file, body.name, body.text, body.format)
    except LibraryImportError as exc:
        raise ApiError(400, "invalid_library", str(exc), field="body.text") from None
    return await _imported(request, read)


async def import_zotero(request: web.Request, *, body: ZoteroRequest) -> ImportReport:
    def read_it():
        data_dir = Path(body.data_dir).expanduser() if body.data_dir else None
        return read_zotero(api=body.api, data_dir=data_dir, include=body.collections, exclude=body.exclude)[0]

    try:
        read = await asyncio.to_thread(read_it)
    except ZoteroError as exc:
        raise ApiError(409, "zotero_unavailable", str(exc)) from None
    return await _imported(request, read)


async def _imported(request: web.Request, read) -> ImportReport:
    report = await _changing(
        request, lambda: UserLibrary(_data(request)).add(read.entries, skipped=read.skipped)
    )
    library = library_of(request)
    report.matched = await library.in_store(lambda: sum(1 for e in read.entries if e.id in library.store))
    return report


async def remove_entry(request: web.Request, *, paper_id: str) -> LibraryList:
    entries = UserLibrary(_data(request))

    def drop() -> list:
        if entries.remove(paper_id) is None:
            raise ApiError(404, "not_found", f"the library holds no entry {paper_id!r}", field="paper_id")
        return entries.entries()

    return LibraryList(entries=await _changing(request, drop))


async def empty_library(request: web.Request) -> LibraryList:
    await _changing(request, UserLibrary(_data(request)).clear)
    return LibraryList(entries=[])


# ---- cold start, state, reset ----


async def pick(request: web.Request, *, query: PickQuery) -> PickList:
    data = _data(request)
    library = library_of(request)
    model = await learner_of(request).current()

    def known() -> set[str]:
        signals = interest.read_signals(data)
        return {e.id for e in signals.library} | {s.id for s in signals.stars} | set(signals.dismissed)

    def latest():
        return [p for day in library.store.days()[-query.days :] for p in library.store.day(day)]

    seen = await _changing(request, known)
    papers = await library.in_store(latest)
    cards = await asyncio.to_thread(candidates, papers, seen, model, query.limit)
    return PickList(cards=cards, learned=model is not None)


async def learned_state(request: web.Request) -> LearnedState:
    learner = learner_of(request)
    data = _data(request)

    def counts() -> tuple[int, int, int]:
        signals = interest.read_signals(data)
        return len(signals.library), len(signals.stars), len(signals.dismissed)

    try:
        library, stars, dismissals = await asyncio.to_thread(counts)
    except ValueError as exc:
        raise ApiError(409, "signal_file_broken", str(exc)) from None
    # The model, its state and whether a training runs, read together after the last await: a load or a
    # training that ends meanwhile must not show as "not trained and not training".
    model = await learner.current()
    state = learner.state if model is not None else None
    return LearnedState(
        library=library,
        stars=stars,
        dismissals=dismissals,
        trained=model is not None,
        training=learner.training,
        trained_at=state.trained_at if state else None,
        positives=state.positives if state else 0,
        negatives=state.negatives if state else 0,
        background=state.background if state else 0,
        seconds=state.seconds if state else None,
        error=learner.error,
    )


async def reset_signals(request: web.Request, *, body: ResetRequest) -> ResetReport:
    try:
        forgotten = await _changing(request, lambda: reset(_data(request), body.signal))
    except ValueError as exc:  # radar.json damaged
        raise ApiError(409, "signal_file_broken", str(exc)) from None
    return ResetReport(forgotten=forgotten)


def add_routes(table: RouteTable) -> None:
    paper = (PathParam("paper_id", "The paper's id, e.g. arxiv:2606.14677.", pattern=".+"),)
    for route in (
        Route(
            "GET", "/stars", list_stars, "The starred papers.", "learning", response=StarList, errors=(409,)
        ),
        Route(
            "POST",
            "/stars",
            star,
            "More like this: star a paper.",
            "learning",
            body=StarRequest,
            response=Star,
            status=201,
            errors=(409,),
            description="The radar learns from it (in the background); starring twice keeps one star.",
        ),
        Route(
            "DELETE",
            "/stars/{paper_id}",
            unstar,
            "Take a star back.",
            "learning",
            response=StarList,
            path_params=paper,
            errors=(404, 409),
        ),
        Route(
            "GET",
            "/library",
            list_library,
            "The library's entries.",
            "learning",
            response=LibraryList,
            errors=(409,),
        ),
        Route(
            "POST",
            "/library/import",
            import_file,
            "Import an exported library: BibTeX, RIS or CSL-JSON.",
            "learning",
            body=LibraryFile,
            response=ImportReport,
            errors=(409,),
            description="Entries are matched to stored papers by arXiv id or DOI; an entry already in the "
            "library gains what it lacked (an abstract). 400 when the text is not such a file.",
        ),
        Route(
            "POST",
            "/library/zotero",
            import_zotero,
            "Import Zotero's library (its local API, else a copy of zotero.sqlite).",
            "learning",
            body=ZoteroRequest,
            response=ImportReport,
            errors=(409,),
            description="409 `zotero_unavailable` when Zotero neither answers nor has a database where it "
            "was looked for.",
        ),
        Route(
            "DELETE",
            "/library/{paper_id}",
            remove_entry,
            "Remove an entry from the library.",
            "learning",
            response=LibraryList,
            path_params=paper,
            errors=(404, 409),
        ),
        Route("DELETE", "/library", empty_library, "Empty the library.", "learning", response=LibraryList),
        Route(
            "GET",
            "/radar/pick",
            pick,
            "Papers to pick from: the cold start's 'pick five papers you like'.",
            "learning",
            query=PickQuery,
            response=PickList,
            errors=(409,),
            description="From the latest days, leaving out what is starred, in the library or dismissed; "
            "the most uncertain first once something is learnt, else one from each field in turn.",
        ),
        Route(
            "GET",
            "/radar/learned",
            learned_state,
            "What the learned radar knows: its signals and its last training.",
            "learning",
            response=LearnedState,
            errors=(409,),
        ),
        Route(
            "POST",
            "/radar/reset",
            reset_signals,
            "Forget the library, the stars or the dismissals (default: all three).",
            "learning",
            body=ResetRequest,
            response=ResetReport,
            errors=(409,),
        ),
    ):
        table.add(route)


__all__ = ["add_routes"]
