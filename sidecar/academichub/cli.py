"""The `academichub` command: argument parsing and printing only; the work lives in the modules it calls."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .paths import Paths, seed_day_dir
from .radar import (
    RadarBook,
    RadarMatcher,
    RadarRule,
    RuleExists,
    RuleList,
    RuleNotFound,
    describe_rule,
    matcher_for,
    paper_key,
)
from .radar import commands as signal_commands
from .radar.view import radar_cards
from .store.cards import cards_of_day, format_cards, matches_source

if TYPE_CHECKING:
    from .service.runtime import Runtime
    from .store.paper_store import PaperStore


def _paths(args: argparse.Namespace) -> Paths:
    return Paths.under(args.data_dir) if args.data_dir else Paths.for_user()


READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _reading_store(paths: Paths) -> PaperStore:
    """The store for a command that only reads: read-only, under a shared lock, so readers run side by side
    and a read-only data dir is read as it is. StoreError while a writer (the service) holds it."""
    from .store.paper_store import PaperStore

    return PaperStore(paths.papers, read_only=True)


def _failure(exc: BaseException, paths: Paths) -> str:
    """One line that says what failed, for any error a command ends with."""
    if not isinstance(exc, OSError):
        return str(exc) or type(exc).__name__
    where = f"{exc.filename}: {exc.strerror}" if exc.filename else (exc.strerror or str(exc))
    outside = exc.filename is not None and not str(exc.filename).startswith(str(paths.data))
    if exc.errno in READ_ONLY and outside:
        return f"cannot write {where}"
    if exc.errno in READ_ONLY:
        return f"the data directory {paths.data} is read-only ({where}); nothing was changed"
    if exc.errno == errno.ENOSPC:
        return f"the disk holding {paths.data} is full ({where}); nothing was changed: free some space"
    return where


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (expected YYYY-MM-DD)") from None


def cmd_fetch(args: argparse.Namespace) -> int:
    from .ingest.jobs import fetch_configured, ingest_recordings

    paths = _paths(args)
    if args.from_dir:
        report = ingest_recordings(paths, args.from_dir)
    else:
        report = asyncio.run(fetch_configured(paths))
    print(report.summary())
    return 0 if report.ok else 1


def cmd_cards(args: argparse.Namespace) -> int:
    if getattr(args, "rank", False) or getattr(args, "radar", False):
        return signal_commands.ranked_day(args)  # ranked by the rules and what the radar learnt
    from .store.paper_store import StoreError

    paths = _paths(args)
    try:
        with _reading_store(paths) as store:
            day = args.day or store.latest_day()
            papers = store.day(day) if day else []
    except StoreError:
        # The running service owns the store: ask it instead.
        from .service.client import ServiceClient

        client = ServiceClient.find(paths)
        if client is None:
            raise
        day, cards = client.cards(args.day, args.source, False)
    else:
        if args.source:
            papers = [p for p in papers if matches_source(p, args.source)]
        try:
            matcher, dismissed = _radar(paths)
        except ValueError as exc:  # radar.json damaged: the cards still show, without the radar
            print(f"academichub: {exc}", file=sys.stderr)
            cards = cards_of_day(papers)
        else:
            cards = radar_cards(papers, matcher, dismissed)
    if args.json:
        json.dump([c.model_dump(mode="json") for c in cards], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not cards:
        where = f"on {day}" if day else "yet"
        print(
            f"No papers {where}{' from ' + args.source if args.source else ''}. "
            "Run `academichub fetch` to fetch your sources.",
            file=sys.stderr,
        )
    else:
        print(format_cards(cards))
    return 0


def _radar(paths: Paths) -> tuple[RadarMatcher, set[str]]:
    with RadarBook(paths.data) as book:
        return matcher_for(book.rules()), book.dismissed()


def cmd_radar_add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    try:
        rule = RadarRule(
            name=args.name,
            terms=args.terms,
            authors=args.authors,
            categories=args.categories,
            sources=args.sources,
            exclude=args.exclude,
            weight=args.weight,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in exc.errors())
        print(f"academichub: rule {args.name!r} not added: {problems}", file=sys.stderr)
        return 2
    try:
        with RadarBook(_paths(args).data) as book:
            book.add(rule)
    except (RuleExists, ValueError) as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    print(f"added {describe_rule(rule)}")
    return 0


def cmd_radar_list(args: argparse.Namespace) -> int:
    try:
        with RadarBook(_paths(args).data) as book:
            rules, dismissed = book.rules(), book.dismissed()
    except ValueError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(RuleList(rules=rules).model_dump_json(indent=2))
    elif not rules:
        print("No radar rules yet. Add one: academichub radar add NAME --terms ...", file=sys.stderr)
    else:
        for rule in rules:
            print(describe_rule(rule))
        if dismissed:
            print(f"({len(dismissed)} dismissed papers kept out of the radar)")
    return 0


def cmd_radar_remove(args: argparse.Namespace) -> int:
    try:
        with RadarBook(_paths(args).data) as book:
            rule = book.remove(args.name)
    except (RuleNotFound, ValueError) as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    print(f"removed {describe_rule(rule)}")
    return 0


def cmd_radar_dismiss(args: argparse.Namespace) -> int:
    try:
        with RadarBook(_paths(args).data) as book:
            if args.undo:
                undone = book.undismiss(args.id)
                print(
                    f"{paper_key(args.id)} is back on the radar"
                    if undone
                    else f"{paper_key(args.id)} was not dismissed"
                )
                return 0 if undone else 1
            dismissal = book.dismiss(args.id)
    except ValueError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    print(
        f"dismissed {dismissal.id}: it stays out of the radar "
        f"(undo: academichub radar dismiss --undo {dismissal.id})"
    )
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """The day's briefing as Markdown (or JSON), written by the configured model; progress on stderr."""
    from .briefing.day import NoPapers, brief_stored_day
    from .briefing.model import BriefingEvent
    from .briefing.render import render_markdown
    from .config import ConfigError

    def progress(event: BriefingEvent) -> None:
        if event.event == "progress" and event.stage not in (None, "done"):
            stage = event.stage.replace("_", " ")
            print(f"academichub: {stage} ({event.step}/{event.steps})", file=sys.stderr)
        elif event.event == "notice":
            print(f"academichub: {event.text}", file=sys.stderr)

    from .store.paper_store import StoreError

    paths = _paths(args)
    try:
        try:
            briefing = asyncio.run(
                brief_stored_day(paths, day=args.day, language=args.lang, on_event=progress, fresh=args.fresh)
            )
        except StoreError:
            # The running service owns the store (and has the model loaded): ask it instead.
            from .briefing.day import brief_through_service
            from .service.client import ServiceClient

            client = ServiceClient.find(paths)
            if client is None:
                raise
            briefing = brief_through_service(
                client.base,
                client.token,
                day=args.day,
                language=args.lang,
                on_event=progress,
                fresh=args.fresh,
            )
    except (NoPapers, ConfigError) as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(briefing.model_dump_json(indent=2))
    else:
        print(render_markdown(briefing), end="")
    return 0


def cmd_daily(args: argparse.Namespace) -> int:
    """The morning run: bring the sources up to date, brief the day with the model, then show its cards."""
    from .ingest.jobs import fetch_configured, ingest_recordings

    paths = _paths(args)
    if args.offline:
        report = ingest_recordings(paths, seed_day_dir())
    else:
        report = asyncio.run(fetch_configured(paths))
    print(report.summary(), file=sys.stderr)
    args.day, args.source, args.json, args.fresh = None, None, False, False
    if args.brief and cmd_brief(args) == 0:
        print()
    return cmd_cards(args)


def cmd_sources(args: argparse.Namespace) -> int:
    from .ingest.sources.catalogue import CATALOGUE, search_catalogue

    found = search_catalogue(args.search) if args.search else list(CATALOGUE.values())
    if args.json:
        json.dump([s.model_dump(mode="json") for s in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for source in found:
            print(f"{source.key:40} {source.name:45} {source.url}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from .config import load_config
    from .llm.discovery import discover, format_choices, use_choice

    paths = _paths(args)
    choices = discover(load_config(paths.config_file).model)
    if args.use is not None:
        if not 1 <= args.use <= len(choices):
            print(
                f"error: no model {args.use}; `academichub models` lists 1 to {len(choices)}", file=sys.stderr
            )
            return 2
        use_choice(paths.config_file, chosen := choices[args.use - 1])
        print(f"The briefing will be written with {chosen.name} ({chosen.runtime}).")
    elif args.json:
        json.dump([c.model_dump(mode="json") for c in choices], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(format_choices(choices))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .ingest.health import HealthBook
    from .models import SourceHealth
    from .store.paper_store import StoreError

    paths = _paths(args)
    try:
        with _reading_store(paths) as store:
            total, latest = store.count(), store.latest_day()
    except StoreError:
        # The running service owns the store: ask it instead.
        from .service.client import ServiceClient

        client = ServiceClient.find(paths)
        if client is None:
            raise
        report = client.get("/status")
        total, day = report["papers"], report["latest_day"]
        latest = dt.date.fromisoformat(day) if day else None
        records = [SourceHealth.model_validate(s["health"]) for s in report["sources"]]
        offline = report["refresh"].get("offline_since")
    else:
        records = HealthBook(paths.state).all() if (paths.state / "health.json").exists() else []
        offline = None
    if args.json:
        out = {
            "papers": total,
            "latest_day": latest.isoformat() if latest else None,
            "sources": [h.model_dump(mode="json") for h in records],
            "offline_since": offline,
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{total} papers stored; latest day {latest or 'none'}")
    if offline:
        since = dt.datetime.fromisoformat(offline).astimezone()
        print(f"offline since {since:%H:%M}, showing the last day; refreshing once the network is back")
    for h in records:
        when = h.last_success.isoformat(timespec="minutes") if h.last_success else "never"
        print(f"  {h.key:36} {h.state.value:8} {h.item_count:5} items  last ok {when}  {h.reason}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .service.serve import ServiceError, serve

    def ready(runtime: Runtime, token: str) -> None:
        print(f"AcademicHub serving {runtime.url} (pid {runtime.pid}); stop with Ctrl-C", flush=True)

    try:
        asyncio.run(serve(_paths(args), args.port, on_ready=ready))
    except ServiceError as exc:
        print(f"academichub: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from .service.runtime import load_or_create_token

    print(load_or_create_token(_paths(args)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from .service.demo import OfflineFetcher, prepare_demo
    from .service.serve import ServiceError, serve

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="academichub-demo-"))

    def ready(runtime: Runtime, token: str) -> None:
        root = Path(__file__).resolve().parents[2]
        print(
            f"AcademicHub demo: the recorded seed day, offline\n"
            f"  address  {runtime.url}\n"
            f"  token    {token}\n"
            f"  data     {data_dir}\n"
            f"  try      curl -H 'Authorization: Bearer {token}' {runtime.url}cards\n"
            f"Load the extension: open chrome://extensions, turn on Developer mode, click Load unpacked "
            f"and choose {root} (the folder with manifest.json).\nStop with Ctrl-C.",
            flush=True,
        )

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
    from .service.native_install import InstallError, chosen_browsers, install, install_into

    try:
        if args.dir:
            written = [
                install_into(
                    args.dir, args.browser if args.browser != "all" else "chromium", data_dir=args.data_dir
                )
            ]
        else:
            written = install(chosen_browsers(args.browser), data_dir=args.data_dir)
    except (InstallError, OSError) as exc:
        print(f"academichub: {_failure(exc, _paths(args))}", file=sys.stderr)
        return 1
    for files in written:
        print(f"{files.browser:9} {files.manifest}")
    print("Restart the browser (or reload the extension) so that it starts the sidecar.")
    return 0


def cmd_uninstall_native_host(args: argparse.Namespace) -> int:
    from .service.native_install import InstallError, chosen_browsers, uninstall, uninstall_from

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
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="keep papers, settings and state here (default: the XDG user directories)",
    )

    parser = argparse.ArgumentParser(
        prog="academichub", parents=[common], description="A personal research radar, on your own machine."
    )
    parser.add_argument("--version", action="version", version=f"academichub {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fetch = commands.add_parser("fetch", parents=[common], help="fetch the configured sources")
    fetch.add_argument(
        "--from-dir",
        type=Path,
        metavar="PATH",
        help="ingest every recorded feed file in PATH instead (offline)",
    )
    fetch.set_defaults(func=cmd_fetch)

    cards = commands.add_parser("cards", parents=[common], help="print a day's papers as numbered cards")
    cards.add_argument("--day", type=_day, help="YYYY-MM-DD (default: the latest day with papers)")
    cards.add_argument(
        "--source", metavar="LABEL", help="only this source: 'arXiv', 'arXiv (cs.CV)', 'cs.RO', 'Nature'"
    )
    cards.add_argument("--json", action="store_true", help="print JSON for scripts")
    cards.add_argument("--radar", action="store_true", help="only radar matches, best first, each with why")
    cards.add_argument(
        "--rank", action="store_true", help="best first by the rules and what the radar learnt, each with why"
    )
    cards.set_defaults(func=cmd_cards)

    daily = commands.add_parser("daily", parents=[common], help="fetch, brief the day, print its cards")
    daily.add_argument(
        "--offline", action="store_true", help="use the recorded day of feeds that ships with AcademicHub"
    )
    daily.add_argument(
        "--no-brief", dest="brief", action="store_false", help="skip the briefing, print the cards only"
    )
    daily.add_argument("--lang", choices=["en", "zh"], default="en", help="the briefing's language")
    daily.set_defaults(func=cmd_daily)

    sources = commands.add_parser("sources", parents=[common], help="list the catalogue of sources")
    sources.add_argument("--search", metavar="TEXT", help="only sources whose name or key contains TEXT")
    sources.add_argument("--json", action="store_true")
    sources.set_defaults(func=cmd_sources)

    brief = commands.add_parser("brief", parents=[common], help="the day's briefing, written on this machine")
    brief.add_argument("--day", type=_day, help="YYYY-MM-DD (default: the latest day with papers)")
    brief.add_argument("--lang", choices=["en", "zh"], default="en", help="write in English or Chinese")
    brief.add_argument("--json", action="store_true", help="print the structured briefing as JSON")
    brief.add_argument("--fresh", action="store_true", help="write a new one even if the day's is cached")
    brief.set_defaults(func=cmd_brief)

    models = commands.add_parser("models", parents=[common], help="the models that can write the briefing")
    models.add_argument("--use", type=int, metavar="N", help="write the briefing with model N of the list")
    models.add_argument("--json", action="store_true")
    models.set_defaults(func=cmd_models)

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
        "install-native-host",
        parents=[common],
        help="let the browser extension start the sidecar (writes the native messaging host manifests)",
    )
    install_host.add_argument(
        "--browser", choices=browsers, default="all", help="which browser's manifest to write (default: all)"
    )
    install_host.add_argument(
        "--dir",
        type=Path,
        help="write into this directory instead of the browser's own (e.g. "
        "<profile>/NativeMessagingHosts for a browser run with --user-data-dir)",
    )
    install_host.set_defaults(func=cmd_install_native_host)

    uninstall_host = commands.add_parser(
        "uninstall-native-host", parents=[common], help="remove what install-native-host wrote"
    )
    uninstall_host.add_argument("--browser", choices=browsers, default="all")
    uninstall_host.add_argument("--dir", type=Path, help="remove from this directory instead")
    uninstall_host.set_defaults(func=cmd_uninstall_native_host)

    _add_radar_parser(commands, common)
    signal_commands.add_parsers(commands, common)
    return parser


def _add_radar_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    radar = commands.add_parser(
        "radar", parents=[common], help="your standing interests: rules and dismissals"
    )
    actions = radar.add_subparsers(dest="radar_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        parents=[common],
        help="add a rule",
        description="Terms are words (RL), phrases ('graph neural network') or prefixes "
        "(neur*); case, accents and dashes between words do not matter.",
    )
    add.add_argument("name")
    add.add_argument("--terms", nargs="+", default=[], metavar="TERM")
    add.add_argument(
        "--authors", nargs="+", default=[], metavar="NAME", help="'Pérez', 'Ana Pérez', 'A. Perez'"
    )
    add.add_argument(
        "--categories", nargs="+", default=[], metavar="CAT", help="only these: cs.LG, or cs for all cs.*"
    )
    add.add_argument(
        "--sources", nargs="+", default=[], metavar="LABEL", help="only these: arXiv, Nature, ..."
    )
    add.add_argument(
        "--exclude", nargs="+", default=[], metavar="TERM", help="a paper with one of these never matches"
    )
    add.add_argument("--weight", type=float, default=1.0, help="how much the rule counts (default 1)")
    add.set_defaults(func=cmd_radar_add)
    listing = actions.add_parser("list", parents=[common], help="list the rules")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_radar_list)
    remove = actions.add_parser("remove", parents=[common], help="remove a rule")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_radar_remove)
    dismiss = actions.add_parser(
        "dismiss", parents=[common], help="not interested: keep a paper out of the radar"
    )
    dismiss.add_argument("id", help="arxiv:2606.14677, 2606.14677 or doi:10....")
    dismiss.add_argument("--undo", action="store_true", help="take the dismissal back")
    dismiss.set_defaults(func=cmd_radar_dismiss)
    signal_commands.add_radar_actions(actions, common)


def main(argv: Sequence[str] | None = None) -> int:
    # The user's papers, radar, settings, token and log are theirs alone: files 0600, directories 0700.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # no command shows a user a traceback: one line saying what failed
        print(f"academichub: {_failure(exc, _paths(args))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
