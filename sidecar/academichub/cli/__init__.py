"""The `academichub` command, on click: one module per topic, each command printing what a Hub answers.

A Hub (hub.py) is the files themselves, or the running service that owns them, so every command behaves the
same whether or not the service runs. `main` turns every failure a user can cause into one line on stderr
and an exit status; no command shows a traceback for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import __version__
from .briefing import brief, models
from .cards import cards
from .daily import daily
from .fetch import fetch, status
from .hub import HubError, message
from .options import complain, data_dir_option
from .radar import radar
from .service import demo, install_native_host, serve, token, uninstall_native_host
from .sources import sources


@click.group(
    "academichub",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(__version__, prog_name="academichub", message="%(prog)s %(version)s")
@data_dir_option
def cli() -> None:
    """A personal research radar, on your own machine."""


for command in (
    fetch,
    cards,
    daily,
    sources,
    brief,
    models,
    status,
    serve,
    token,
    demo,
    install_native_host,
    uninstall_native_host,
    radar,
):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. A usage error exits with status 2, as the shell's tools do."""
    from ..config import ConfigError
    from ..store.paper_store import StoreError

    args = list(argv) if argv is not None else None
    try:
        code = cli.main(args=args, prog_name="academichub", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C
        return 130
    except (HubError, ConfigError, StoreError, OSError) as exc:
        complain(message(exc))
        return 1
    return code if isinstance(code, int) else 0


__all__ = ["cli", "main"]
