"""The `academichub` command: argument parsing and printing only; the work lives in the modules it calls."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cards import format_cards, matches_source, number_cards, order_papers
from .paths import Paths, seed_day_dir

if TYPE_CHECKING:
    from .service import Runtime


def _paths(args: argparse.Namespace) -> Paths:
    return Paths.under(args.data_dir) if args.data_dir else Paths.for_user()


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (expected YYYY-MM-DD)") from None


def cmd_fetch(args: argparse.Namespace) -> int:
    from .jobs import fetch_configured, ingest_recordings

    paths = _paths(args)
    if args.from_dir:
        report = ingest_recordings(paths, args.from_dir)
    else:
        report = asyncio.run(fetch_configured(paths))
    print(report.summary())
    return 0 if report.ok else 1


def cmd_cards(args: argparse.Namespace) -> int:
    from .store import PaperStore

    paths = _paths(args)
    with PaperStore(paths.papers) as store:
        day = args.day or store.latest_day()
        papers = store.day(day) if day else []
    if args.source:
        papers = [p for p in papers if matches_source(p, args.source)]
    cards = number_cards(order_papers(papers))
    if args.json:
        json.dump([c.model_dump(mode="json") for c in cards], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not cards:
        where = f"on {day}" if day else "yet"
        print(f"No papers {where}{' from ' + args.source if args.source else ''}. "
              "Run `academichub fetch` to fetch your sources.", file=sys.stderr)
    else:
        print(format_cards(cards))
    return 0


def cmd_daily(args: argparse.Namespace) -> int:
    """The morning run: bring the sources up to date, then show the day."""
    from .jobs import fetch_configured, ingest_recordings

    paths = _paths(args)
    if args.offline:
        report = ingest_recordings(paths, seed_day_dir())
    else:
        report = asyncio.run(fetch_configured(paths))
    print(report.summary(), file=sys.stderr)
    args.day, args.source, args.json = None, None, False
    return cmd_cards(args)


def cmd_sources(args: argparse.Namespace) -> int:
    from .sources.catalogue import CATALOGUE, search_catalogue

    found = search_catalogue(args.search) if args.search else list(CATALOGUE.values())
    if args.json:
        json.dump([s.model_dump(mode="json") for s in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for source in found:
            print(f"{source.key:40} {source.name:45} {source.url}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .health import HealthBook
    from .store import PaperStore

    paths = _paths(args)
    with PaperStore(paths.papers) as store:
        total, latest = store.count(), store.latest_day()
    records = HealthBook(paths.state).all()
    if args.json:
        out = {"papers": total, "latest_day": latest.isoformat() if latest else None,
               "sources": [h.model_dump(mode="json") for h in records]}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{total} papers stored; latest day {latest or 'none'}")
    for h in records:
        when = h.last_success.isoformat(timespec="minutes") if h.last_success else "never"
        print(f"  {h.key:36} {h.state.value:8} {h.item_count:5} items  last ok {when}  {h.reason}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .service import ServiceError, serve

    def ready(runtime: Runtime, token: str) -> None:
        print(f"AcademicHub serving {runtime.url} (pid {runtime.pid}); stop with Ctrl-C", flush=True)

    try:
        asyncio.run(serve(_paths(args), args.port, on_ready=ready))
    except ServiceError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from .service import load_or_create_token

    print(load_or_create_token(_paths(args)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from .service import OfflineFetcher, ServiceError, prepare_demo, serve

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="academichub-demo-"))

    def ready(runtime: Runtime, token: str) -> None:
        root = Path(__file__).resolve().parents[2]
        print(f"AcademicHub demo: the recorded seed day, offline\n"
              f"  address  {runtime.url}\n"
              f"  token    {token}\n"
              f"  data     {data_dir}\n"
              f"  try      curl -H 'Authorization: Bearer {token}' {runtime.url}cards\n"
              f"Load the extension: open chrome://extensions, turn on Developer mode, click Load unpacked "
              f"and choose {root} (the folder with manifest.json).\nStop with Ctrl-C.", flush=True)

    try:
        paths = prepare_demo(data_dir)
        asyncio.run(serve(paths, args.port, on_ready=ready, fetcher_factory=OfflineFetcher))
    except ServiceError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def cmd_install_native_host(args: argparse.Namespace) -> int:
    from .native_install import InstallError, chosen_browsers, install, install_into

    try:
        if args.dir:
            written = [install_into(args.dir, args.browser if args.browser != "all" else "chromium",
                                    data_dir=args.data_dir)]
        else:
            written = install(chosen_browsers(args.browser), data_dir=args.data_dir)
    except (InstallError, OSError) as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    for files in written:
        print(f"{files.browser:9} {files.manifest}")
    print("Restart the browser (or reload the extension) so that it starts the sidecar.")
    return 0


def cmd_uninstall_native_host(args: argparse.Namespace) -> int:
    from .native_install import InstallError, chosen_browsers, uninstall, uninstall_from

    try:
        removed = uninstall_from(args.dir) if args.dir else uninstall(chosen_browsers(args.browser))
    except InstallError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    for path in removed:
        print(f"removed {path}")
    if not removed:
        print("no native host was installed there")
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --data-dir is accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="keep papers, settings and state here (default: the XDG user directories)")

    parser = argparse.ArgumentParser(prog="academichub", parents=[common],
                                     description="A personal research radar, on your own machine.")
    parser.add_argument("--version", action="version", version=f"academichub {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fetch = commands.add_parser("fetch", parents=[common], help="fetch the configured sources")
    fetch.add_argument("--from-dir", type=Path, metavar="PATH",
                       help="ingest every recorded feed file in PATH instead (offline)")
    fetch.set_defaults(func=cmd_fetch)

    cards = commands.add_parser("cards", parents=[common], help="print a day's papers as numbered cards")
    cards.add_argument("--day", type=_day, help="YYYY-MM-DD (default: the latest day with papers)")
    cards.add_argument("--source", metavar="LABEL", help="only this source: 'arXiv', 'arXiv (cs.CV)', 'Nature'")
    cards.add_argument("--json", action="store_true", help="print JSON for scripts")
    cards.set_defaults(func=cmd_cards)

    daily = commands.add_parser("daily", parents=[common], help="fetch, then print the day's cards")
    daily.add_argument("--offline", action="store_true",
                       help="use the recorded day of feeds that ships with AcademicHub")
    daily.set_defaults(func=cmd_daily)

    sources = commands.add_parser("sources", parents=[common], help="list the catalogue of sources")
    sources.add_argument("--search", metavar="TEXT", help="only sources whose name or key contains TEXT")
    sources.add_argument("--json", action="store_true")
    sources.set_defaults(func=cmd_sources)

    status = commands.add_parser("status", parents=[common], help="papers stored and each source's health")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    serve = commands.add_parser("serve", parents=[common], help="run the local API for the browser extension")
    serve.add_argument("--port", type=int, help="port on 127.0.0.1 (default: the config's; 0: any free one)")
    serve.set_defaults(func=cmd_serve)

    token = commands.add_parser("token", parents=[common], help="print the API token (created on first run)")
    token.set_defaults(func=cmd_token)

    demo = commands.add_parser("demo", parents=[common], help="serve the recorded seed day, offline")
    demo.add_argument("--port", type=int, help="port on 127.0.0.1 (default: any free one)")
    demo.set_defaults(func=cmd_demo)

    browsers = ["chrome", "chromium", "firefox", "brave", "edge", "all"]
    install_host = commands.add_parser(
        "install-native-host", parents=[common],
        help="let the browser extension start the sidecar (writes the native messaging host manifests)")
    install_host.add_argument("--browser", choices=browsers, default="all",
                              help="which browser's manifest to write (default: all)")
    install_host.add_argument("--dir", type=Path,
                              help="write into this directory instead of the browser's own (e.g. "
                              "<profile>/NativeMessagingHosts for a browser run with --user-data-dir)")
    install_host.set_defaults(func=cmd_install_native_host)

    uninstall_host = commands.add_parser("uninstall-native-host", parents=[common],
                                         help="remove what install-native-host wrote")
    uninstall_host.add_argument("--browser", choices=browsers, default="all")
    uninstall_host.add_argument("--dir", type=Path, help="remove from this directory instead")
    uninstall_host.set_defaults(func=cmd_uninstall_native_host)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
