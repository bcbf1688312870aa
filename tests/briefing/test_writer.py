"""The briefing pipeline with the real default model (SmolLM2-135M, bundled): the seed day's briefing is
written once per session (conftest) and read here; the fallbacks use a missing and a broken file."""

from __future__ import annotations

import pytest
from aiohttp import web

from academichub.briefing.model import ThemeDraft
from academichub.briefing.select import select_papers
from academichub.briefing.themes import discipline_of
from academichub.briefing.writer import DraftError, parse_draft, stream_briefing, write_briefing
from academichub.llm.local import LocalModel
from academichub.llm.manager import ModelManager
from academichub.llm.openai_compat import OpenAICompatibleModel


def all_statements(briefing):
    return [*briefing.overview, *briefing.links, *(s for t in briefing.themes for s in t.statements)]


def test_the_seed_day_briefing_cites_only_the_cards_it_was_given(seed_briefing, seed):
    briefing = seed_briefing.briefing
    given = set(briefing.cards)
    assert given == {c.n for c in select_papers(seed.cards)}
    assert all_statements(briefing), "the model's statements survived the checks"
    for statement in all_statements(briefing):
        assert statement.cites, statement
        assert set(statement.cites) <= given, statement
    assert {pick.card for pick in briefing.read_first} <= given


def test_every_theme_has_a_cited_statement_about_its_own_cards(seed_briefing):
    for theme in seed_briefing.briefing.themes:
        assert theme.title and theme.statements
        for statement in theme.statements:
            assert statement.cites and set(statement.cites) <= set(theme.cards)


def test_the_themes_cover_every_chosen_paper_once(seed_briefing):
    briefing = seed_briefing.briefing
    numbers = [n for t in briefing.themes for n in t.cards]
    assert sorted(numbers) == sorted(briefing.cards)


def test_the_briefing_says_which_model_wrote_it_when_and_from_what(seed_briefing, seed):
    briefing = seed_briefing.briefing
    assert briefing.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert not briefing.extractive and briefing.notice is None
    assert briefing.abstracts_only is True
    assert briefing.language == "en" and briefing.day == seed.day
    assert briefing.written_at.tzinfo is not None
    assert briefing.headline
    assert len(briefing.read_first) == 3


def test_links_join_two_papers_from_different_disciplines(seed_briefing, seed):
    for link in seed_briefing.briefing.links:
        first, second = (seed.card(n) for n in link.cites)
        assert discipline_of(first) != discipline_of(second)


def test_events_stream_in_order_and_end_with_the_briefing(seed_briefing):
    events = seed_briefing.events
    kinds = [e.event for e in events]
    assert events[0].event == "progress" and events[0].stage == "loading"
    assert kinds[-1] == "briefing" and events[-1].briefing == seed_briefing.briefing
    assert kinds.count("briefing") == 1

    themes = len(seed_briefing.briefing.themes)
    sections = [e.section for e in events if e.event == "section"]
    assert sections == [*(f"theme:{i}" for i in range(1, themes + 1)), "links", "opening", "read_first"]

    # Within each part: its progress event, then its text as the model writes it, then the checked section.
    for i in range(1, themes + 1):
        start = next(
            k for k, e in enumerate(events) if e.event == "progress" and e.stage == "theme" and e.step == i
        )
        end = next(k for k, e in enumerate(events) if e.event == "section" and e.section == f"theme:{i}")
        texts = [e for e in events[start:end] if e.event == "text"]
        assert texts and all(e.section == f"theme:{i}" for e in texts)
        assert not [
            e for e in events if e.event == "text" and e.section == f"theme:{i}" and events.index(e) > end
        ]

    steps = [e.step for e in events if e.event == "progress" and e.stage != "done"]
    assert steps == sorted(steps)


def test_streamed_text_is_prose_not_json(seed_briefing):
    streamed = "".join(e.text for e in seed_briefing.events if e.event == "text")
    assert streamed.strip()
    assert '"cites"' not in streamed and '{"' not in streamed


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file"), (b"GGUF\x03\x00\x00\x00" + b"\xff" * 40, "llama.cpp could not load it")],
    ids=["missing-file", "broken-file"],
)
async def test_without_a_working_model_the_extractive_briefing_stands_in(tmp_path, seed, content, reason):
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    manager = ModelManager(LocalModel(path))
    events = []
    chosen = select_papers(seed.cards)
    briefing = await write_briefing(chosen, {}, manager, corpus=seed.cards, on_event=events.append)
    await manager.close()

    assert briefing.extractive and briefing.model == "none"
    assert str(path) in briefing.notice and reason in briefing.notice
    assert briefing.notice.startswith("Not written by a model:")
    notices = [e.text for e in events if e.event == "notice"]
    assert notices and str(path) in notices[0] and reason in notices[0]
    for theme in briefing.themes:
        assert theme.statements and all(
            s.cites and set(s.cites) <= set(theme.cards) for s in theme.statements
        )
    assert {p.card for p in briefing.read_first} <= set(briefing.cards)


async def test_a_model_that_fails_midway_hands_the_briefing_to_code(seed, unused_tcp_port):
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
        briefing = await write_briefing(select_papers(seed.cards), {}, manager, corpus=seed.cards)
        await manager.close()
    finally:
        await runner.cleanup()
    assert briefing.extractive and "500" in briefing.notice


async def test_no_model_configured_gives_the_extractive_briefing(seed):
    briefing = await write_briefing(seed.cards[:6], {}, None)
    assert briefing.extractive and "no model is configured" in briefing.notice


async def test_a_chinese_briefing_keeps_its_structure_and_checked_citations(seed, model):
    cards = [c for c in seed.cards if c.categories[:1] == ["quant-ph"]][:3]
    events = [e async for e in stream_briefing(cards, {}, model, language="zh", corpus=seed.cards)]
    briefing = events[-1].briefing
    assert briefing.language == "zh"
    assert briefing.notice is None or "并非由模型撰写" in briefing.notice
    for statement in all_statements(briefing):
        assert statement.cites and set(statement.cites) <= {c.n for c in cards}


def test_a_cut_off_answer_keeps_its_complete_statements():
    draft = parse_draft(
        '{"title": "Qubits", "statements": [{"cites": [3], "text": "Leak."}, {"cites": [7', ThemeDraft
    )
    assert [s.text for s in draft.statements] == ["Leak."]


@pytest.mark.parametrize("answer", ["no json here", '{"title": "Only a title"}', '{"statements": []}'])
def test_an_answer_that_is_not_the_part_asked_for_is_an_error(answer):
    with pytest.raises(DraftError):
        parse_draft(answer, ThemeDraft)
