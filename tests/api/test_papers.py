"""The papers endpoints on the recorded seed day: cards (filters, paging, numbering), one paper, the days."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from served import SeedFacts, Sidecar

from academichub.api.models import CardPage, DayList
from academichub.cli import main
from academichub.models import Paper
from academichub.store.cards import matches_source


async def _page(sidecar: Sidecar, **query: object) -> CardPage:
    async with sidecar.client.get("/api/v1/cards", params={k: str(v) for k, v in query.items()}) as r:
        assert r.status == 200, await r.text()
        return CardPage.model_validate(await r.json())


async def test_cards_carry_the_same_fields_as_the_cli_json(
    sidecar: Sidecar, seeded_dir: Path, seed: SeedFacts, capsys
) -> None:
    assert main(["--data-dir", str(seeded_dir), "cards", "--json"]) == 0
    cli_cards = json.loads(capsys.readouterr().out)
    async with sidecar.client.get("/api/v1/cards", params={"limit": "100"}) as r:
        api = await r.json()
    assert api["day"] == seed.latest.isoformat()
    assert api["total"] == len(cli_cards) == seed.on_latest > 50
    assert api["cards"] == cli_cards


async def test_cards_number_from_one_without_gaps_across_pages(sidecar: Sidecar, seed: SeedFacts) -> None:
    pages = [await _page(sidecar, offset=offset, limit=25) for offset in range(0, seed.on_latest, 25)]
    numbers = [card.n for page in pages for card in page.cards]
    assert numbers == list(range(1, seed.on_latest + 1))
    assert all(len(p.cards) == 25 for p in pages[:-1]) and 0 < len(pages[-1].cards) <= 25
    assert len({card.id for page in pages for card in page.cards}) == seed.on_latest


@pytest.mark.parametrize("source", ["arXiv (quant-ph)", "quant-ph", "medRxiv", "arXiv", "ARXIV (CS.CV)"])
async def test_a_source_filter_renumbers_the_cards_it_keeps(
    sidecar: Sidecar, seed: SeedFacts, source: str
) -> None:
    page = await _page(sidecar, source=source, limit=100)
    assert 0 < page.total < seed.on_latest
    assert all(matches_source(card, source) for card in page.cards)
    assert [c.n for c in page.cards] == list(range(1, page.total + 1))


async def test_a_text_query_finds_words_in_title_authors_or_abstract(sidecar: Sidecar) -> None:
    everything = await _page(sidecar, limit=100)
    target = everything.cards[10]
    word = max(target.title.split(), key=len)
    page = await _page(sidecar, q=word.upper(), limit=100)
    assert target.id in {c.id for c in page.cards}
    assert all(
        word.lower() in " ".join((c.title, " ".join(c.authors), c.abstract)).lower() for c in page.cards
    )
    assert (await _page(sidecar, q="zzzz-no-such-word")).total == 0


async def test_other_days_and_empty_days(sidecar: Sidecar, seed: SeedFacts) -> None:
    earlier = seed.latest - dt.timedelta(days=30)
    old = Paper(
        id="doi:10.1/old", title="Last month's paper", source_label="Nature", date=earlier, day=earlier
    )
    await sidecar.library.in_store(lambda: sidecar.library.store.add([old]))
    sidecar.library.wrote()
    page = await _page(sidecar, day=earlier.isoformat())
    assert (page.day, page.total, [c.id for c in page.cards]) == (earlier, 1, ["doi:10.1/old"])
    empty = await _page(sidecar, day="1999-01-01")
    assert (empty.day, empty.total, empty.cards) == (dt.date(1999, 1, 1), 0, [])


async def test_radar_only_is_accepted_and_empty_until_the_radar_exists(
    sidecar: Sidecar, seed: SeedFacts
) -> None:
    page = await _page(sidecar, radar="true")
    assert (page.day, page.total, page.cards) == (seed.latest, 0, [])


async def test_a_page_past_the_end_is_empty_but_tells_the_total(sidecar: Sidecar, seed: SeedFacts) -> None:
    page = await _page(sidecar, offset=1000)
    assert (page.total, page.cards) == (seed.on_latest, [])


async def test_days_lists_days_with_papers_newest_first(sidecar: Sidecar, seed: SeedFacts) -> None:
    earlier = seed.latest - dt.timedelta(days=3)
    old = Paper(id="doi:10.1/old", title="An older paper", source_label="Nature", date=earlier, day=earlier)
    await sidecar.library.in_store(lambda: sidecar.library.store.add([old]))
    sidecar.library.wrote()
    await asyncio.sleep(0.1)  # the shelf's summary is rebuilt in the background
    async with sidecar.client.get("/api/v1/days") as r:
        days = DayList.model_validate(await r.json()).days
    assert days == sorted({*seed.days, earlier}, reverse=True)


async def test_one_paper_by_id(sidecar: Sidecar) -> None:
    card = (await _page(sidecar, limit=1)).cards[0]
    async with sidecar.client.get(f"/api/v1/papers/{card.id}") as r:
        assert r.status == 200
        paper = Paper.model_validate(await r.json())
    assert paper == Paper.model_validate(card.model_dump())


@pytest.mark.parametrize("path", ["arxiv:hep-th/9901001", "arxiv%3Ahep-th%2F9901001"])
async def test_ids_with_slashes_reach_the_paper(sidecar: Sidecar, path: str) -> None:
    legacy = Paper(
        id="arxiv:hep-th/9901001",
        title="Old string theory",
        source_label="arXiv (hep-th)",
        date=dt.date(1999, 1, 4),
        arxiv_id="hep-th/9901001",
    )
    await sidecar.library.in_store(lambda: sidecar.library.store.add([legacy]))
    async with sidecar.client.get("/api/v1/papers/" + path) as r:
        assert r.status == 200
        assert (await r.json())["title"] == "Old string theory"


async def test_an_unknown_paper_is_404_naming_it(sidecar: Sidecar) -> None:
    async with sidecar.client.get("/api/v1/papers/arxiv:0000.00000") as r:
        assert r.status == 404
        body = await r.json()
    assert body["error"] == "not_found" and "arxiv:0000.00000" in body["detail"]


async def test_cards_follow_a_write_to_the_store(sidecar: Sidecar, seed: SeedFacts) -> None:
    before = await _page(sidecar, limit=100)
    extra = Paper(
        id="doi:10.1/new",
        title="A paper stored after the first look",
        source_label="Nature",
        date=seed.latest,
        day=seed.latest,
        doi="10.1/new",
    )
    await sidecar.library.in_store(lambda: sidecar.library.store.add([extra]))
    sidecar.library.wrote()
    for _ in range(100):  # the shelf rebuilds in the background and serves the old day meanwhile
        after = await _page(sidecar, limit=100)
        if after.total == before.total + 1:
            break
        await asyncio.sleep(0.02)
    assert after.total == seed.on_latest + 1
    assert extra.id in {c.id for c in after.cards}
    assert [c.n for c in after.cards] == list(range(1, seed.on_latest + 2))
