"""The `academichub` command, on click: one module per topic, each command printing what a Hub answers.

A Hub (hub.py) is the files themselves, or the running service that owns them, so every command behaves the
same whether or not the service runs. `main` turns every failure into one line on stderr and an exit
status; no command shows a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from .. import __version__
from .briefing import brief, models
from .cards import cards
from .daily import daily
from .failures import failure
from .fetch import fetch, status
from .library import library, reset, star, unstar
from .options import Session, complain, data_dir_option
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
    library,
    star,
    unstar,
):
    cli.add_command(command)
radar.add_command(reset)  # radar reset: forget what the radar learnt


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. A usage error exits with status 2, as the shell's tools do; any
    other failure is one line on stderr and status 1."""
    # The user's papers, radar, settings, token and log are theirs alone: files 0600, directories 0700.
    os.umask(0o077)
    session = Session()
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="academichub",
            standalone_mode=False,
            obj=session,
        )
    except click.UsageError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C
        return 130
    except Exception as exc:  # no command shows a user a traceback: one line saying what failed
        complain(failure(exc, session.paths))
        return 1
    return code if isinstance(code, int) else 0


__all__ = ["cli", "main"]
