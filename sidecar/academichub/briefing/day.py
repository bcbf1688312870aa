"""A stored day's briefing: the day's cards numbered as the popup numbers them, the radar's picks, the
and the cached briefing when the day's papers have not changed since it was written.

Used by `academichub brief` and by `POST /api/v1/briefings`; each passes the day's papers from the store it
owns (the service's store has one owner)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from ..llm.manager import ModelManager
from ..models import Card, Paper
from ..paths import Paths
from ..store.cards import cards_of_day
from .cache import BriefingCache, briefing_key
from .model import Briefing, BriefingEvent, Language
from .select import select_papers
from .writer import OnEvent, write_briefing

BRIEFINGS_DIR = "briefings"  # under the data directory: one file per day and language


def day_cards(papers: Sequence[Paper], data_dir: Path) -> list[Card]:
    """The day's cards with their radar scores, numbered like the popup's list (radar or not)."""
    from ..radar import RadarBook, matcher_for
    from ..radar.view import radar_cards

    try:
        with RadarBook(data_dir) as book:
            matcher, dismissed = matcher_for(book.rules()), book.dismissed()
    except ValueError:  # a damaged radar.json: the briefing falls back to the top of the day
        return cards_of_day(papers)
    return radar_cards(papers, matcher, dismissed)


async def brief_day(
    cards: Sequence[Card],
    *,
    day: dt.date | None,
    manager: ModelManager | None,
    data_dir: Path,
    language: Language = "en",
    on_event: OnEvent | None = None,
    fresh: bool = False,
) -> Briefing:
    """The briefing of a day's `cards`: from the cache when the same papers were briefed in the same
    language by the same model, else written now (and cached). `fresh` writes a new one regardless."""
    scores = {c.id: c.score for c in cards if c.radar}
    chosen = select_papers(cards, scores)
    folder = data_dir / BRIEFINGS_DIR
    cache = BriefingCache(folder)
    key = briefing_key(
        (c.id for c in cards), (c.id for c in chosen), language, manager.name if manager else "none"
    )
    if day is not None and not fresh:
        cached = await asyncio.to_thread(cache.get, day, language, key)
        if cached is not None:
            if on_event is not None:
                on_event(BriefingEvent(event="progress", stage="done", step=1, steps=1))
                on_event(BriefingEvent(event="briefing", briefing=cached))
            return cached
    briefing = await write_briefing(
        chosen,
        manager,
        language=language,
        day=day,
        corpus=cards,
        radar_scores=scores,
        on_event=on_event,
    )
    if day is not None:
        await asyncio.to_thread(cache.put, day, key, briefing)
    return briefing


class NoPapers(LookupError):
    """There is no stored day (or not that day) to brief."""


async def brief_stored_day(
    paths: Paths,
    *,
    day: dt.date | None = None,
    language: Language = "en",
    on_event: OnEvent | None = None,
    fresh: bool = False,
) -> Briefing:
    """For the CLI: open the store and the configured model, brief the day (default: the latest), close."""
    from ..config import load_config
    from ..store.paper_store import PaperStore

    def read() -> tuple[dt.date | None, list[Paper]]:
        with PaperStore(paths.papers) as store:
            wanted = day or store.latest_day()
            return wanted, store.day(wanted) if wanted else []

    config = load_config(paths.config_file)
    day, papers = await asyncio.to_thread(read)
    if not papers:
        where = f"on {day}" if day else "yet"
        raise NoPapers(f"no papers {where}; run `academichub fetch` to fetch your sources")
    cards = await asyncio.to_thread(day_cards, papers, paths.data)
    manager = ModelManager.from_settings(config.model)
    try:
        return await brief_day(
            cards,
            day=day,
            manager=manager,
            data_dir=paths.data,
            language=language,
            on_event=on_event,
            fresh=fresh,
        )
    finally:
        await manager.close()


def brief_through_service(
    api: str,
    token: str,
    *,
    day: dt.date | None = None,
    language: Language = "en",
    on_event: OnEvent | None = None,
    fresh: bool = False,
    timeout: float = 300.0,
) -> Briefing:
    """For the CLI while the service runs (it owns the store, and has the model loaded): ask it, reading
    its event stream. `api` is the service's '.../api/v1'."""
    body = {"day": day.isoformat() if day else None, "language": language, "fresh": fresh}
    request = urllib.request.Request(
        f"{api}/briefings",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            for raw in response:
                if not raw.startswith(b"data: "):
                    continue
                event = BriefingEvent.model_validate_json(raw[6:])
                if on_event is not None:
                    on_event(event)
                if event.briefing is not None:
                    return event.briefing
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("detail", exc.reason)
        if exc.code == 404:
            raise NoPapers(detail) from None
        raise RuntimeError(f"the service answered {exc.code}: {detail}") from None
    raise RuntimeError("the service's briefing stream ended before the briefing")
