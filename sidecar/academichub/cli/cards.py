"""`academichub cards`: a day's papers as numbered cards, or only the radar's matches with why."""

from __future__ import annotations

import datetime as dt

import click

from . import options
from .hub import DayCards, Hub
from .options import DAY, complain, data_dir_option, print_json, say


def show_cards(hub: Hub, day: dt.date | None, source: str | None, as_json: bool, radar_only: bool) -> int:
    """Print the cards (also the last step of `daily`); a day without any says what to do."""
    from ..radar.view import format_radar_cards
    from ..store.cards import format_cards

    shown: DayCards = hub.cards(day, source, radar_only)
    if shown.radar_problem:
        complain(shown.radar_problem)
    if as_json:
        print_json(shown.cards)
    elif not shown.cards:
        where = f"on {shown.day}" if shown.day else "yet"
        from_source = f" from {source}" if source else ""
        if radar_only and shown.has_papers:
            say(
                f"No radar matches {where}{from_source}. `academichub radar list` shows your rules.", err=True
            )
        else:
            say(f"No papers {where}{from_source}. Run `academichub fetch` to fetch your sources.", err=True)
    elif radar_only and shown.weights is not None:
        say(format_radar_cards(shown.cards, shown.weights))
    else:
        say(format_cards(shown.cards))
    return 0


@click.command("cards")
@click.option("--day", type=DAY, help="YYYY-MM-DD (default: the latest day with papers)")
@click.option(
    "--source", metavar="LABEL", help="only this source: 'arXiv', 'arXiv (cs.CV)', 'cs.RO', 'Nature'"
)
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@click.option("--radar", "radar_only", is_flag=True, help="only radar matches, best first, each with why")
@click.option("--rank", is_flag=True, help="best first by the rules and what the radar learnt, each with why")
@data_dir_option
@click.pass_context
def cards(
    ctx: click.Context, day: dt.date | None, source: str | None, as_json: bool, radar_only: bool, rank: bool
) -> int:
    """Print a day's papers as numbered cards."""
    if radar_only or rank:  # ranked by the rules and what the radar learnt
        from .library import run_signal_command

        return run_signal_command(
            ctx, "ranked_day", day=day, source=source, json=as_json, radar=radar_only, rank=rank
        )
    return show_cards(options.hub(ctx), day, source, as_json, radar_only)
