"""The command line of the user's signals: `library import|list|remove|export`, `star`, `unstar`,
`radar reset`, and `cards --rank`. Parsing and printing only; the work lives in library/, signals,
interest and ranking.

The learned radar (scikit-learn, SciPy) is imported only by the commands that need it: every other
command starts without it.

While the service runs it owns the paper store: these commands then change the signal files themselves
(under their cross-process locks) and ask the service for what only the store knows (a paper to star, the
ranked day); the service learns the change the next time it ranks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..models import Card, Paper
from ..paths import Paths
from .library import (
    LibraryFileError,
    LibraryImportError,
    LibraryList,
    UserLibrary,
    ZoteroError,
    read_library_file,
    read_zotero,
)
from .library.zotero import LOCAL_API
from .rules import RadarBook, paper_key
from .signals import SIGNALS, SignalFileError, StarBook, reset

MAX_FILE = 64 * 1024 * 1024  # a library export of 100,000 entries with abstracts is about 40 MB


def _paths(args: argparse.Namespace) -> Paths:
    return Paths.under(args.data_dir) if args.data_dir else Paths.for_user()


def _fail(message: object, code: int = 1) -> int:
    print(f"academichub: {message}", file=sys.stderr)
    return code


def cmd_library_import(args: argparse.Namespace) -> int:
    from .backup import BackupError, is_export, restore

    data = _paths(args).data
    try:
        if args.source == "zotero":
            read, via = read_zotero(
                api=args.zotero_url, data_dir=args.zotero_dir, include=args.collection, exclude=args.exclude
            )
            print(f"read Zotero's library through {via}", file=sys.stderr)
        else:
            if args.collection or args.exclude:
                return _fail("--collection and --exclude-collection are for `library import zotero`", 2)
            path = Path(args.source)
            if path.stat().st_size > MAX_FILE:
                return _fail(f"{path} is larger than {MAX_FILE // 2**20} MB; export a part of the library")
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            if is_export(text):  # an `academichub library export`: every signal comes back
                try:
                    print(restore(_paths(args).data, text))
                except BackupError as exc:
                    return _fail(exc)
                return 0
            read = read_library_file(path.name, text)
        report = UserLibrary(data).add(read.entries, skipped=read.skipped)
    except FileNotFoundError as exc:
        return _fail(f"no such file: {exc.filename}")
    except (OSError, LibraryImportError, LibraryFileError, ZoteroError) as exc:
        return _fail(exc)
    report.matched = _matched(_paths(args), [e.id for e in read.entries])
    print(report.summary())
    return 0


def _matched(paths: Paths, ids: list[str]) -> int | None:
    """How many of the ids the store holds; None when the service holds the store (not worth asking)."""
    from ..store.paper_store import PaperStore, StoreError

    try:
        with PaperStore(paths.papers) as store:
            return sum(1 for key in ids if key in store)
    except StoreError:
        return None


def cmd_library_list(args: argparse.Namespace) -> int:
    try:
        entries = UserLibrary(_paths(args).data).entries()
    except LibraryFileError as exc:
        return _fail(exc)
    if args.json:
        print(LibraryList(entries=entries).model_dump_json(indent=2))
    elif not entries:
        print(
            "The library is empty. Import one: academichub library import refs.bib (or zotero)",
            file=sys.stderr,
        )
    else:
        for entry in entries:
            year = f" ({entry.year})" if entry.year else ""
            print(f"{entry.id:32} {entry.title}{year}")
        print(f"({len(entries)} entries)", file=sys.stderr)
    return 0


def cmd_library_remove(args: argparse.Namespace) -> int:
    library = UserLibrary(_paths(args).data)
    try:
        if args.all:
            print(f"removed all {library.clear()} entries from the library")
            return 0
        if not args.id:
            return _fail("name an entry's id (see `academichub library list`) or --all", 2)
        entry = library.remove(args.id)
    except LibraryFileError as exc:
        return _fail(exc)
    if entry is None:
        return _fail(f"the library holds no entry {args.id!r}; `academichub library list` shows them")
    print(f"removed {entry.id} ‘{entry.title}’")
    return 0


def cmd_library_export(args: argparse.Namespace) -> int:
    """Everything the radar knows of the user, in one JSON document they can keep, move and import."""
    from .backup import export_signals

    try:
        export = export_signals(_paths(args).data)
    except (LibraryFileError, SignalFileError, ValueError) as exc:
        return _fail(exc)
    text = export.model_dump_json(indent=2) + "\n"
    if args.output:
        from ..files import atomic_write

        atomic_write(Path(args.output), text)
        print(
            f"wrote {args.output}: {len(export.library)} library entries, {len(export.stars)} stars, "
            f"{len(export.dismissals)} dismissals{', the learned model' if export.model else ''}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0


def cmd_star(args: argparse.Namespace) -> int:
    paths = _paths(args)
    stars = StarBook(paths.data)
    try:
        if args.undo:
            key = paper_key(args.id)
            if not stars.unstar(args.id):
                return _fail(f"{key} was not starred")
            print(f"unstarred {key}")
            return 0
        star = stars.star(args.id, _stored_paper(paths, paper_key(args.id)))
    except SignalFileError as exc:
        return _fail(exc)
    what = f" ‘{star.title}’" if star.title else " (not a stored paper: its id alone is kept)"
    print(f"starred {star.id}{what}; the radar learns from it (undo: academichub unstar {star.id})")
    return 0


def _stored_paper(paths: Paths, key: str) -> Paper | None:
    from ..store.paper_store import PaperStore, StoreError

    try:
        with PaperStore(paths.papers) as store:
            return store.get(key)
    except StoreError:
        from ..service.client import ServiceClient

        client = ServiceClient.find(paths)
        try:
            return Paper.model_validate(client.get(f"/papers/{key}")) if client else None
        except OSError:  # not found (404) or the service went away: the id alone is kept
            return None


def cmd_radar_reset(args: argparse.Namespace) -> int:
    from . import interest

    try:
        forgotten = reset(_paths(args).data, args.signal)
    except (LibraryFileError, SignalFileError, ValueError) as exc:
        return _fail(exc)
    nouns = {"library": ("library entry", "library entries"), "stars": ("star", "stars")}
    nouns["dismissals"] = ("dismissal", "dismissals")
    print("forgot " + ", ".join(f"{n} {nouns[what][n != 1]}" for what, n in forgotten.items()))
    if args.signal is None:
        interest.forget(_paths(args).data)
    return 0


def ranked_day(args: argparse.Namespace) -> int:
    """`cards --rank` (the whole day) and `cards --radar` (what the radar shows): best first by the rules
    and the learned interest, each card explained by both."""
    from ..store.cards import matches_source
    from ..store.paper_store import PaperStore, StoreError
    from . import interest
    from .matching import matcher_for
    from .ranking import ranked_cards

    paths = _paths(args)
    try:
        with PaperStore(paths.papers, read_only=True) as store:
            day = args.day or store.latest_day()
            papers = store.day(day) if day else []
            papers = [p for p in papers if matches_source(p, args.source)] if args.source else papers
            with RadarBook(paths.data) as book:
                rules, dismissed = book.rules(), book.dismissed()
            model = interest.up_to_date(paths.data, store)
    except StoreError:
        from ..service.client import ServiceClient

        client = ServiceClient.find(paths)
        if client is None:
            raise
        day, cards = client.cards(args.day, args.source, args.radar, rank=args.rank)
        weights = client.rule_weights()
        has_papers = bool(cards) or client.day_total(day, args.source) > 0
    except (LibraryFileError, SignalFileError, ValueError) as exc:
        return _fail(exc)
    else:
        matcher = matcher_for(rules)
        from .learn.vectors import PaperVectors

        vectors = PaperVectors(paths.data).counts
        cards = ranked_cards(papers, matcher, dismissed, model, only_radar=args.radar, vectors=vectors)
        weights, has_papers = matcher.weights, bool(papers)
    return _print_cards(args, day, cards, weights, has_papers)


def _print_cards(
    args: argparse.Namespace, day: object, cards: list[Card], weights: dict[str, float], has_papers: bool
) -> int:
    from .ranking import format_ranked_cards

    if args.json:
        json.dump([c.model_dump(mode="json") for c in cards], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif cards:
        print(format_ranked_cards(cards, weights, relevance=args.rank))
    else:
        where = f"on {day}" if day else "yet"
        source = f" from {args.source}" if args.source else ""
        if has_papers:
            print(
                f"No radar matches {where}{source}. `academichub radar list` shows your rules.",
                file=sys.stderr,
            )
        else:
            print(
                f"No papers {where}{source}. Run `academichub fetch` to fetch your sources.", file=sys.stderr
            )
    return 0


def add_parsers(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    library = commands.add_parser(
        "library", parents=[common], help="the papers you keep: what the radar learns your interests from"
    )
    actions = library.add_subparsers(dest="library_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "import",
        parents=[common],
        help="import a BibTeX, RIS or CSL-JSON file, or Zotero's library",
        description="FILE is a .bib, .ris or CSL-JSON .json export (Zotero, Mendeley, JabRef, Paperpile), "
        "or the word zotero: Zotero's local API when Zotero runs, else a copy of its zotero.sqlite.",
    )
    add.add_argument("source", metavar="FILE|zotero")
    add.add_argument("--collection", action="append", default=[], metavar="NAME", help="only this collection")
    add.add_argument(
        "--exclude-collection", dest="exclude", action="append", default=[], metavar="NAME", help="not these"
    )
    add.add_argument("--zotero-url", default=LOCAL_API, help=f"Zotero's local API (default {LOCAL_API})")
    add.add_argument("--zotero-dir", type=Path, help="Zotero's data directory (default ~/Zotero)")
    add.set_defaults(func=cmd_library_import)
    listing = actions.add_parser("list", parents=[common], help="list the library's entries")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_library_list)
    remove = actions.add_parser("remove", parents=[common], help="remove an entry, or --all")
    remove.add_argument("id", nargs="?", help="arxiv:2301.12345, 2301.12345, doi:10....")
    remove.add_argument("--all", action="store_true", help="empty the library")
    remove.set_defaults(func=cmd_library_remove)
    export = actions.add_parser(
        "export", parents=[common], help="the library, stars, dismissals and the learned model, as JSON"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    export.set_defaults(func=cmd_library_export)

    star = commands.add_parser("star", parents=[common], help="more like this: the radar learns from it")
    star.add_argument("id", help="arxiv:2606.14677, 2606.14677 or doi:10....")
    star.set_defaults(func=cmd_star, undo=False)
    unstar = commands.add_parser("unstar", parents=[common], help="take a star back")
    unstar.add_argument("id")
    unstar.set_defaults(func=cmd_star, undo=True)


def add_radar_actions(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    reset_parser = actions.add_parser(
        "reset", parents=[common], help="forget what the radar learnt: the library, stars or dismissals"
    )
    reset_parser.add_argument("signal", nargs="?", choices=SIGNALS, help="only this (default: all three)")
    reset_parser.set_defaults(func=cmd_radar_reset)
