"""`academichub brief`: the day's briefing, written by the configured model, its progress on stderr; and
`academichub models`: what can write it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from . import options
from .hub import Hub
from .options import DAY, complain, data_dir_option, print_json, say

if TYPE_CHECKING:
    from ..briefing.model import BriefingEvent, Language


def _tell(event: BriefingEvent) -> None:
    if event.event == "progress" and event.stage not in (None, "done"):
        complain(f"{event.stage.replace('_', ' ')} ({event.step}/{event.steps})")
    elif event.event == "notice":
        complain(str(event.text))


def show_briefing(hub: Hub, day: dt.date | None, language: Language, as_json: bool, fresh: bool) -> int:
    """Print the briefing as Markdown (or JSON); also the middle step of `daily`."""
    from ..briefing.render import render_markdown

    briefing = hub.brief(day, language, fresh, _tell)
    if as_json:
        say(briefing.model_dump_json(indent=2))
    else:
        say(render_markdown(briefing), nl=False)
    return 0


LANGUAGE = click.Choice(["en", "zh"])


@click.command("brief")
@click.option("--day", type=DAY, help="YYYY-MM-DD (default: the latest day with papers)")
@click.option("--lang", type=LANGUAGE, default="en", show_default=True, help="write in English or Chinese")
@click.option("--json", "as_json", is_flag=True, help="print the structured briefing as JSON")
@click.option("--fresh", is_flag=True, help="write a new one even if the day's is cached")
@data_dir_option
@click.pass_context
def brief(ctx: click.Context, day: dt.date | None, lang: Language, as_json: bool, fresh: bool) -> int:
    """The day's briefing, written on this machine (by the service's model while it runs)."""
    return show_briefing(options.hub(ctx), day, lang, as_json, fresh)


@click.command("models")
@click.option("--use", type=int, metavar="N", help="write the briefing with model N of the list")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@data_dir_option
@click.pass_context
def models(ctx: click.Context, use: int | None, as_json: bool) -> int:
    """The models that can write the briefing."""
    from ..config import load_config
    from ..llm.discovery import discover, format_choices, use_choice

    paths = options.paths(ctx)
    choices = discover(load_config(paths.config_file).model)
    if use is not None:
        if not 1 <= use <= len(choices):
            say(f"error: no model {use}; `academichub models` lists 1 to {len(choices)}", err=True)
            return 2
        chosen = choices[use - 1]
        use_choice(paths.config_file, chosen)
        say(f"The briefing will be written with {chosen.name} ({chosen.runtime}).")
    elif as_json:
        print_json(choices)
    else:
        say(format_choices(choices))
    return 0
