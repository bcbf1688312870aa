"""`academichub library ...`, `star`, `unstar` and `radar reset`: the papers you keep and mark, what the
radar learns your interests from. The work (and its own way to the running service) lives in
radar.commands; here are the options, on click like every other command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import click

from . import options
from .options import data_dir_option

ZOTERO_API = "http://127.0.0.1:23119"  # radar.library.zotero.LOCAL_API, without loading Zotero's reader
SIGNALS = ("library", "stars", "dismissals")  # radar.signals.SIGNALS


def run_signal_command(ctx: click.Context, name: str, **params: Any) -> int:
    """Run radar.commands' `name` with the options it reads."""
    from ..radar import commands

    return int(getattr(commands, name)(argparse.Namespace(data_dir=options.data_dir(ctx), **params)))


@click.group("library")
@data_dir_option
def library() -> None:
    """The papers you keep: what the radar learns your interests from."""


@library.command(
    "import",
    epilog="FILE is a .bib, .ris or CSL-JSON .json export (Zotero, Mendeley, JabRef, Paperpile), or the word "
    "zotero: Zotero's local API when Zotero runs, else a copy of its zotero.sqlite.",
)
@click.argument("source", metavar="FILE|zotero")
@click.option("--collection", multiple=True, metavar="NAME", help="only this collection (repeat for more)")
@click.option("--exclude-collection", "exclude", multiple=True, metavar="NAME", help="not these")
@click.option("--zotero-url", default=ZOTERO_API, show_default=True, help="Zotero's local API")
@click.option(
    "--zotero-dir", type=click.Path(path_type=Path), help="Zotero's data directory (default ~/Zotero)"
)
@data_dir_option
@click.pass_context
def import_library(
    ctx: click.Context,
    source: str,
    collection: tuple[str, ...],
    exclude: tuple[str, ...],
    zotero_url: str,
    zotero_dir: Path | None,
) -> int:
    """Import a BibTeX, RIS or CSL-JSON file, or Zotero's library."""
    return run_signal_command(
        ctx,
        "cmd_library_import",
        source=source,
        collection=list(collection),
        exclude=list(exclude),
        zotero_url=zotero_url,
        zotero_dir=zotero_dir,
    )


@library.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@data_dir_option
@click.pass_context
def list_library(ctx: click.Context, as_json: bool) -> int:
    """List the library's entries."""
    return run_signal_command(ctx, "cmd_library_list", json=as_json)


@library.command("remove")
@click.argument("entry_id", metavar="[ID]", required=False)
@click.option("--all", "everything", is_flag=True, help="empty the library")
@data_dir_option
@click.pass_context
def remove_from_library(ctx: click.Context, entry_id: str | None, everything: bool) -> int:
    """Remove an entry (arxiv:2301.12345, 2301.12345, doi:10....), or --all."""
    return run_signal_command(ctx, "cmd_library_remove", id=entry_id, all=everything)


@library.command("export")
@click.option("-o", "--output", metavar="FILE", help="write here (default: standard output)")
@data_dir_option
@click.pass_context
def export_library(ctx: click.Context, output: str | None) -> int:
    """The library, stars, dismissals and the learned model, as JSON."""
    return run_signal_command(ctx, "cmd_library_export", output=output)


@click.command("star")
@click.argument("paper_id", metavar="ID")
@data_dir_option
@click.pass_context
def star(ctx: click.Context, paper_id: str) -> int:
    """More like this: the radar learns from it (ID: arxiv:2606.14677, 2606.14677 or doi:10....)."""
    return run_signal_command(ctx, "cmd_star", id=paper_id, undo=False)


@click.command("unstar")
@click.argument("paper_id", metavar="ID")
@data_dir_option
@click.pass_context
def unstar(ctx: click.Context, paper_id: str) -> int:
    """Take a star back."""
    return run_signal_command(ctx, "cmd_star", id=paper_id, undo=True)


@click.command("reset")
@click.argument("signal", required=False, type=click.Choice(SIGNALS))
@data_dir_option
@click.pass_context
def reset(ctx: click.Context, signal: str | None) -> int:
    """Forget what the radar learnt: the library, stars or dismissals (default: all three)."""
    return run_signal_command(ctx, "cmd_radar_reset", signal=signal)
