"""What every command shares: `--data-dir` (before or after the command name), the day type, the hub the
command talks to, and printing."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel

from ..paths import Paths
from .hub import Hub, open_hub

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Session:
    """One command line's choices, shared by every level of it (root, group, command) and by `main`."""

    data_dir: Path | None = None  # the last --data-dir given, wherever it stood
    hub: Hub | None = None

    @property
    def paths(self) -> Paths:
        return Paths.under(self.data_dir) if self.data_dir else Paths.for_user()


def _remember_data_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Session).data_dir = value


def data_dir_option(command: F) -> F:
    """`--data-dir DIR` on the root, on each group and on each command: it may come anywhere."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        metavar="DIR",
        expose_value=False,
        is_eager=True,
        callback=_remember_data_dir,
        help="keep papers, settings and state here (default: the XDG user directories)",
    )(command)


def data_dir(ctx: click.Context) -> Path | None:
    return ctx.ensure_object(Session).data_dir


def paths(ctx: click.Context) -> Paths:
    return ctx.ensure_object(Session).paths


def hub(ctx: click.Context) -> Hub:
    """The service's hub while it runs on the data dir, else the files' own (opened once per command)."""
    session = ctx.ensure_object(Session)
    if session.hub is None:
        session.hub = open_hub(session.paths)
    return session.hub


class Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"not a day: {value!r} (expected YYYY-MM-DD)", param, ctx)


DAY = Day()


class GreedyCommand(click.Command):
    """A command whose list options take every value up to the next option (`--terms a b c`), as well as
    the option repeated (`--terms a --terms b`); the options are `multiple=True` ones named in `greedy`."""

    def __init__(self, *args: Any, greedy: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.greedy = frozenset(greedy)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spread: list[str] = []
        current: str | None = None  # the greedy option whose values follow
        for position, arg in enumerate(args):
            if arg == "--":
                spread += args[position:]
                break
            if arg in self.greedy:
                current = arg
                spread.append(arg)
            elif arg.startswith("-") and len(arg) > 1:
                current = None
                spread.append(arg)
            elif current is not None and spread[-1] != current:
                spread += [current, arg]
            else:
                spread.append(arg)
        return super().parse_args(ctx, spread)


def say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    click.echo(text, err=err, nl=nl)


def complain(text: str) -> None:
    """A message for the user on stderr, named as the command's."""
    click.echo(f"academichub: {text}", err=True)


def print_json(value: Any) -> None:
    """`value` (models, lists of models, plain data) as indented JSON on stdout, for scripts."""
    if isinstance(value, BaseModel):
        say(value.model_dump_json(indent=2))
        return
    if isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    say()
