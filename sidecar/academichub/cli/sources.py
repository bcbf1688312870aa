"""`academichub sources`: the catalogue of sources AcademicHub knows (no store needed)."""

from __future__ import annotations

import click

from .options import data_dir_option, print_json, say


@click.command("sources")
@click.option("--search", metavar="TEXT", help="only sources whose name or key contains TEXT")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@data_dir_option
def sources(search: str | None, as_json: bool) -> int:
    """List the catalogue of sources."""
    from ..ingest.sources.catalogue import CATALOGUE, search_catalogue

    found = search_catalogue(search) if search else list(CATALOGUE.values())
    if as_json:
        print_json(found)
    else:
        for source in found:
            say(f"{source.key:40} {source.name:45} {source.url}")
    return 0
