"""A stored day's briefing: cached until the day's papers change, and printed by `academichub brief`."""

from academichub.briefing.day import brief_day
from academichub.briefing.model import Briefing
from academichub.cli import main


async def test_asking_again_returns_the_cached_briefing_at_once(seed_briefing, seed, model):
    events = []
    again = await brief_day(
        seed.cards, day=seed.day, manager=model, data_dir=seed.paths.data, on_event=events.append
    )
    assert again == seed_briefing.briefing
    assert [e.event for e in events] == ["progress", "briefing"]


async def test_a_day_whose_papers_changed_is_briefed_again(seed_briefing, seed):
    fewer = seed.cards[:-1]
    briefing = await brief_day(fewer, day=seed.day, manager=None, data_dir=seed.paths.data)
    assert briefing.cards != seed_briefing.briefing.cards


def test_the_brief_command_prints_the_days_briefing(seed_briefing, seed, capsys):
    assert main(["--data-dir", str(seed.paths.data), "brief", "--json"]) == 0
    printed = Briefing.model_validate_json(capsys.readouterr().out)
    assert printed == seed_briefing.briefing

    assert main(["brief", "--data-dir", str(seed.paths.data), "--day", seed.day.isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"## {seed_briefing.briefing.headline}\n")
    assert "Written with SmolLM2-135M-Instruct.Q4_1.gguf" in out


def test_the_brief_command_says_when_there_is_nothing_to_brief(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "brief"]) == 1
    assert "no papers yet; run `academichub fetch`" in capsys.readouterr().err
