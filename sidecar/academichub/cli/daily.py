"""`academichub daily`: the morning run, in one command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import options
from .briefing import LANGUAGE, show_briefing
from .cards import show_cards
from .fetch import fetch_into
from .hub import HubError
from .options import complain, data_dir_option, say

if TYPE_CHECKING:
    from ..briefing.model import Language


@click.command("daily")
@click.option("--offline", is_flag=True, help="use the recorded day of feeds that ships with AcademicHub")
@click.option("--no-brief", "skip_brief", is_flag=True, help="skip the briefing, print the cards only")
@click.option("--lang", type=LANGUAGE, default="en", show_default=True, help="the briefing's language")
@data_dir_option
@click.pass_context
def daily(ctx: click.Context, offline: bool, skip_brief: bool, lang: Language) -> int:
    """Fetch, brief the day, print its cards."""
    from ..paths import seed_day_dir

    hub = options.hub(ctx)
    outcome = fetch_into(hub, seed_day_dir() if offline else None)
    say(outcome.summary, err=True)
    if not skip_brief:
        try:
            show_briefing(hub, None, lang, as_json=False, fresh=False)
            say()
        except HubError as exc:  # no briefing today: the cards still come
            complain(str(exc))
    return show_cards(hub, None, None, as_json=False, radar_only=False)
