"""`academichub radar ...`: your standing interests, as rules, and the papers you dismissed."""

from __future__ import annotations

import click

from . import options
from .options import GreedyCommand, complain, data_dir_option, say

LISTS = ("--terms", "--authors", "--categories", "--sources", "--exclude")


@click.group("radar")
@data_dir_option
def radar() -> None:
    """Your standing interests: rules and dismissals."""


@radar.command(
    "add",
    cls=GreedyCommand,
    greedy=LISTS,
    epilog="Terms are words (RL), phrases ('graph neural network') or prefixes (neur*); case, accents and "
    "dashes between words do not matter.",
)
@click.argument("name")
@click.option("--terms", multiple=True, metavar="TERM...", help="words, phrases or prefixes to look for")
@click.option("--authors", multiple=True, metavar="NAME...", help="'Pérez', 'Ana Pérez', 'A. Perez'")
@click.option("--categories", multiple=True, metavar="CAT...", help="only these: cs.LG, or cs for all cs.*")
@click.option("--sources", multiple=True, metavar="LABEL...", help="only these: arXiv, Nature, ...")
@click.option("--exclude", multiple=True, metavar="TERM...", help="a paper with one of these never matches")
@click.option("--weight", type=float, default=1.0, show_default=True, help="how much the rule counts")
@data_dir_option
@click.pass_context
def add(
    ctx: click.Context,
    name: str,
    terms: tuple[str, ...],
    authors: tuple[str, ...],
    categories: tuple[str, ...],
    sources: tuple[str, ...],
    exclude: tuple[str, ...],
    weight: float,
) -> int:
    """Add a rule."""
    from pydantic import ValidationError

    from ..radar import RadarRule, describe_rule

    try:
        rule = RadarRule(
            name=name,
            terms=list(terms),
            authors=list(authors),
            categories=list(categories),
            sources=list(sources),
            exclude=list(exclude),
            weight=weight,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in exc.errors())
        complain(f"rule {name!r} not added: {problems}")
        return 2
    added = options.hub(ctx).add_rule(rule)
    say(f"added {describe_rule(added)}")
    return 0


@radar.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@data_dir_option
@click.pass_context
def list_rules(ctx: click.Context, as_json: bool) -> int:
    """List the rules."""
    from ..radar import RuleList, describe_rule

    state = options.hub(ctx).radar()
    if as_json:
        say(RuleList(rules=state.rules).model_dump_json(indent=2))
    elif not state.rules:
        say("No radar rules yet. Add one: academichub radar add NAME --terms ...", err=True)
    else:
        for rule in state.rules:
            say(describe_rule(rule))
        if state.dismissed:
            say(f"({len(state.dismissed)} dismissed papers kept out of the radar)")
    return 0


@radar.command("remove")
@click.argument("name")
@data_dir_option
@click.pass_context
def remove(ctx: click.Context, name: str) -> int:
    """Remove a rule."""
    from ..radar import describe_rule

    say(f"removed {describe_rule(options.hub(ctx).remove_rule(name))}")
    return 0


@radar.command("dismiss")
@click.argument("paper_id", metavar="ID")
@click.option("--undo", is_flag=True, help="take the dismissal back")
@data_dir_option
@click.pass_context
def dismiss(ctx: click.Context, paper_id: str, undo: bool) -> int:
    """Not interested: keep a paper out of the radar (ID: arxiv:2606.14677, 2606.14677 or doi:10....)."""
    from ..radar import paper_key

    hub = options.hub(ctx)
    if undo:
        undone = hub.undismiss(paper_id)
        key = paper_key(paper_id)
        say(f"{key} is back on the radar" if undone else f"{key} was not dismissed")
        return 0 if undone else 1
    dismissal = hub.dismiss(paper_id)
    undo_with = f"academichub radar dismiss --undo {dismissal.id}"
    say(f"dismissed {dismissal.id}: it stays out of the radar (undo: {undo_with})")
    return 0
