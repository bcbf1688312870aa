"""The briefing written through a real OpenAI-compatible server (llama_cpp.server serving the bundled GGUF),
with the tasks a capable model gets: joining facts, a theme's synthesis, why a link matters. Whatever the
model answers, only sentences that pass a reader's checks are kept; the rest stay the code's."""

from academichub.briefing.checks import DayText
from academichub.briefing.plan import plan_briefing
from academichub.briefing.select import select_papers
from academichub.briefing.writer import write_briefing
from academichub.ingest.sources import parse_feed
from academichub.llm.manager import ModelManager
from academichub.llm.openai_compat import OpenAICompatibleModel
from academichub.paths import seed_day_dir
from academichub.store.cards import number_cards, order_papers


def seed_cards():
    papers = [p for f in sorted(seed_day_dir().iterdir()) for p in parse_feed(f.read_bytes()).papers]
    return number_cards(order_papers(papers))


async def test_a_served_model_writes_under_the_same_checks_as_the_bundled_one(openai_server):
    cards = seed_cards()
    plan = plan_briefing(select_papers(cards), corpus=cards)
    theme = plan.themes[0]
    chosen = sorted(theme.group.cards, key=lambda c: c.n)
    manager = ModelManager(OpenAICompatibleModel(openai_server.url), idle_unload_s=0)
    events = []
    try:
        briefing = await write_briefing(chosen, manager, corpus=cards, capable=True, on_event=events.append)
    finally:
        await manager.close()

    assert not briefing.extractive, briefing.notice
    assert briefing.model.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert [e for e in events if e.event == "text"], "the server's answers streamed"
    day = DayText(cards)
    given = {c.n for c in chosen}
    statements = [*briefing.links, *(s for t in briefing.themes for s in t.statements)]
    for statement in statements:
        assert set(statement.cites) <= given
        assert not day.fragment(statement.text), statement
        assert not day.invented(statement.text), statement
        if statement.by == "model":
            assert not day.copied(statement.text), statement
    written = sum(s.by == "model" for s in statements)
    assert (f"wrote {written} sentences" in briefing.credits) == (written > 0)
    # The code's sentences stay whatever the model adds: the model's synthesis comes after them.
    assert briefing.themes[0].statements[0].text.startswith("On ")
