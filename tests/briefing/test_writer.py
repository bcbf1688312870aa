"""The briefing pipeline with the real default model (SmolLM2-135M, bundled): the seed day's briefing is
written once per session (conftest) and read here; the fallbacks use a missing and a broken file."""

from __future__ import annotations

import pytest
from aiohttp import web

from academichub.briefing.checks import DayText
from academichub.briefing.model import Statement
from academichub.briefing.select import select_papers
from academichub.briefing.writer import stream_briefing, write_briefing
from academichub.llm.local import LocalModel
from academichub.llm.manager import ModelManager
from academichub.llm.openai_compat import OpenAICompatibleModel


def all_statements(briefing):
    return [
        *briefing.overview,
        *briefing.links,
        *(s for t in briefing.themes for s in t.statements),
        *(Statement(text=r.why, cites=[r.card]) for r in briefing.read_first),
    ]


def test_the_seed_day_briefing_passes_a_readers_checks(seed_briefing, seed):
    briefing = seed_briefing.briefing
    given = set(briefing.cards)
    assert given == {c.n for c in select_papers(seed.cards)}
    day = DayText(seed.cards)
    for statement in all_statements(briefing):
        assert set(statement.cites) <= given, statement
        assert not day.fragment(statement.text), statement
        assert not day.copied(statement.text), statement
        assert not day.invented(statement.text), statement
    for theme in briefing.themes:
        assert not day.title_copy(theme.title)
        assert theme.also_today or len(theme.cards) >= 2


def test_the_model_names_the_themes_among_their_key_phrases(seed_briefing):
    briefing = seed_briefing.briefing
    themes = [t for t in briefing.themes if not t.also_today]
    assert themes
    for theme in themes:
        assert theme.title.lower() in [k.lower() for k in theme.keywords]
    # Asked only where there is a choice; its answer is always one of the options (the grammar's enum).
    assert [t.named_by for t in themes] == ["model" if len(t.keywords) > 1 else "code" for t in themes]
    named = sum(t.named_by == "model" for t in themes)
    assert (
        f"chose {named} theme names" in briefing.credits
        if named
        else "had nothing to choose" in briefing.credits
    )


def test_the_themes_and_also_today_cover_every_chosen_paper_once(seed_briefing):
    briefing = seed_briefing.briefing
    numbers = [n for t in briefing.themes for n in t.cards]
    assert sorted(numbers) == sorted(briefing.cards)


def test_the_briefing_says_which_model_took_part_when_and_from_what(seed_briefing, seed):
    briefing = seed_briefing.briefing
    assert briefing.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert not briefing.extractive and briefing.notice is None
    assert briefing.abstracts_only is True
    assert briefing.language == "en" and briefing.day == seed.day
    assert briefing.written_at.tzinfo is not None
    assert briefing.headline and len(briefing.read_first) == 3


def test_events_stream_in_order_and_end_with_the_briefing(seed_briefing):
    events = seed_briefing.events
    kinds = [e.event for e in events]
    assert events[0].event == "progress" and events[0].stage == "loading"
    assert kinds[-1] == "briefing" and events[-1].briefing == seed_briefing.briefing
    assert kinds.count("briefing") == 1
    themes = len([t for t in seed_briefing.briefing.themes if not t.also_today])
    sections = [e.section for e in events if e.event == "section"]
    assert sections == [*(f"theme:{i}" for i in range(1, themes + 1)), "opening", "read_first"]
    steps = [e.step for e in events if e.event == "progress" and e.stage != "done"]
    assert steps == sorted(steps)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file"), (b"GGUF\x03\x00\x00\x00" + b"\xff" * 40, "llama.cpp could not load it")],
    ids=["missing-file", "broken-file"],
)
async def test_without_a_working_model_the_code_briefing_stands_in_and_says_why(
    tmp_path, seed, chosen, content, reason
):
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    manager = ModelManager(LocalModel(path))
    events = []
    briefing = await write_briefing(chosen, manager, corpus=seed.cards, on_event=events.append)
    await manager.close()

    assert briefing.extractive and briefing.model == "none"
    assert briefing.notice.startswith("No model took part:")
    assert str(path) in briefing.notice and reason in briefing.notice
    notices = [e.text for e in events if e.event == "notice"]
    assert notices and str(path) in notices[0] and reason in notices[0]
    assert briefing.themes and all(s.cites for t in briefing.themes for s in t.statements)


async def test_a_model_that_fails_midway_hands_the_briefing_to_code(seed, chosen, unused_tcp_port):
    # A lab server that lists its model but fails every completion (it ran out of memory, say).
    async def models(_: web.Request) -> web.Response:
        return web.json_response({"data": [{"id": "lab-model"}]})

    async def out_of_memory(_: web.Request) -> web.Response:
        return web.json_response({"error": "OOM"}, status=500)

    app = web.Application()
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", out_of_memory)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        manager = ModelManager(OpenAICompatibleModel(f"http://127.0.0.1:{unused_tcp_port}"))
        briefing = await write_briefing(chosen, manager, corpus=seed.cards)
        await manager.close()
    finally:
        await runner.cleanup()
    assert briefing.extractive and "500" in briefing.notice


async def test_no_model_configured_gives_the_code_briefing(seed):
    briefing = await write_briefing(seed.cards[:6], None)
    assert briefing.extractive and "no model is configured" in briefing.notice


async def test_a_chinese_briefing_with_an_english_only_model_says_so_in_chinese_at_the_top(
    seed, chosen, model
):
    events = [e async for e in stream_briefing(chosen, model, language="zh", corpus=seed.cards)]
    briefing = events[-1].briefing
    assert briefing.language == "zh"
    assert briefing.notice.startswith("SmolLM2-135M-Instruct.Q4_1.gguf 只会写英文")
    day = DayText(seed.cards)
    for statement in all_statements(briefing):
        assert not day.fragment(statement.text), statement
        assert statement.text.endswith("。"), statement
