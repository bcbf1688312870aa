"""`academichub fetch` and `academichub status`: bring the sources up to date, and how they stand."""

from __future__ import annotations

from pathlib import Path

import click

from . import options
from .hub import FetchOutcome, FetchProgress, Hub
from .options import complain, data_dir_option, print_json, say


def tell_progress(progress: FetchProgress) -> None:
    complain(f"{progress.source or 'a source'} done ({progress.done}/{progress.total}, {progress.new} new)")


def fetch_into(hub: Hub, from_dir: Path | None) -> FetchOutcome:
    """Ingest the recordings in `from_dir`, or refresh every configured source with its progress on stderr."""
    return hub.ingest(from_dir) if from_dir else hub.fetch(tell_progress)


@click.command("fetch")
@click.option(
    "--from-dir",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="ingest every recorded feed file in PATH instead (offline)",
)
@data_dir_option
@click.pass_context
def fetch(ctx: click.Context, from_dir: Path | None) -> int:
    """Fetch the configured sources (through the service while it runs)."""
    outcome = fetch_into(options.hub(ctx), from_dir)
    say(outcome.summary)
    return 0 if outcome.ok else 1


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@data_dir_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> int:
    """Papers stored and each source's health."""
    report = options.hub(ctx).status()
    if as_json:
        print_json(
            {
                "papers": report.papers,
                "latest_day": report.latest_day.isoformat() if report.latest_day else None,
                "sources": [h.model_dump(mode="json") for h in report.sources],
                "offline_since": report.offline_since.isoformat() if report.offline_since else None,
            }
        )
        return 0
    say(f"{report.papers} papers stored; latest day {report.latest_day or 'none'}")
    if report.offline_since:
        since = report.offline_since.astimezone()
        say(f"offline since {since:%H:%M}, showing the last day; refreshing once the network is back")
    for h in report.sources:
        when = h.last_success.isoformat(timespec="minutes") if h.last_success else "never"
        say(f"  {h.key:36} {h.state.value:8} {h.item_count:5} items  last ok {when}  {h.reason}")
    if report.service:
        say(f"The service runs at {report.service}.")
    if report.refreshing:
        p = report.refreshing
        say(f"A refresh is under way: {p.done}/{p.total} sources done, {p.new} new papers so far.")
    return 0
