"""Ingest at scale: the paper store holding a year of a busy radar (100,000 papers) against one day's feeds.

    PYTHONPATH=sidecar .venv/bin/python bench/ingest.py                  # 100,000 papers, about five minutes
    PYTHONPATH=sidecar .venv/bin/python bench/ingest.py --papers 10000 --steady 4   # a quick run
    PYTHONPATH=sidecar .venv/bin/python bench/ingest.py --data-dir /tmp/hub-bench   # keep and reuse the store

The goals (issue 3, item 6), all measured in the same process on the same bytes:
- ingesting a 1,000-item arXiv feed (parse_feed + PaperStore.add) takes at most 1.5x `feedparser.parse` alone;
- listing one day's cards takes under 10 ms (median);
- opening the store takes under 1 s.

The store is built through PaperStore.add, 1,000 synthetic papers per announcement day. The feeds are
generated in the rss.arxiv.org 2024+ shape (tests/fixtures/feeds/GENERATED_arxiv_rss_edgecases.xml): about
1,200-character abstracts with TeX, 3 to 8 authors in one dc:creator. Each ingest is timed right after
feedparser.parse alone on the same bytes (so that a busy moment of the machine weighs on both alike):
- mixed feed, new day (the headline): a cs.LG feed as arXiv serves a busy category, 60% new papers, 15%
  cross-lists from other categories, 25% replacements of stored papers first announced on many earlier
  days (recent days more often): about 90 old days touched;
- 2nd category, same day: the stat.ML feed of that day, whose cross-lists are cs.LG's new papers (merged
  into the day just written) and whose new papers include cs.LG's cross-lists, plus 200 replacements;
- same feed again: the mixed feed once more, nothing to write (the dedupe path);
- new papers only: a new day's feed of ids the store never saw;
- steady: mixed feeds day after day (20 by default), the headline case once patches, folds and patch-file
  relocations have piled up; with the median, 90th percentile and maximum of store.add.
Then, on the store as the ingests left it: opening; day() cold (each day's first read since opening, its
shards' bytes likely in the OS page cache), warm (cached), and a reader's session (200 listings, the latest
day most often, older days less and less) on a just-opened store, and after PaperStore.warm().
Prints the figures and exits 0: they are the result, not a pass/fail. The machine's other load moves every
figure; the ratios, taken in one process on the same bytes, move less; the min-max spread is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from xml.sax.saxutils import escape

import feedparser

from academichub.ingest.sources import parse_feed
from academichub.models import Paper, Source, SourceKind
from academichub.store.paper_store import PaperStore

PER_DAY = 1000
FEED_ITEMS = 1000
REVISED = 250  # replace items of the revisions feed that revise stored papers
FIRST_FEED_DAY = dt.date(2026, 6, 24)
SOURCE = Source(
    key="arxiv:cs.LG",
    name="arXiv (cs.LG)",
    url="https://rss.arxiv.org/rss/cs.LG",
    kind=SourceKind.arxiv,
    category="cs.LG",
)
SECOND_SOURCE = Source(
    key="arxiv:stat.ML",
    name="arXiv (stat.ML)",
    url="https://rss.arxiv.org/rss/stat.ML",
    kind=SourceKind.arxiv,
    category="stat.ML",
)
CATEGORIES = ["cs.LG", "cs.AI", "stat.ML", "cs.CL", "cs.CV", "math.OC", "quant-ph", "eess.SP"]
PROSE = (
    "we propose a novel framework for learning representations of graphs under distribution shift and show "
    "that the resulting estimator is consistent with optimal rates our experiments on standard benchmarks "
    "demonstrate improvements over strong baselines while reducing computational cost by an order of "
    "magnitude the method relies on spectral properties of the kernel and a variational bound which we "
    "tighten using concentration inequalities for heavy tailed noise in addition we release code and data"
)
WORDS = PROSE.split()
GIVEN = ["Ana", "Wei", "Hugo", "Inès", "Kwame", "Aiko", "Ravi", "Zheng", "Daniel", "Erik", "Pavel", "Lea"]
FAMILY = ["P\\'erez", "Chen", "Sato", "Berg", "Mensah", "Novák", 'Kr\\"uger', "Larsson", "Rossi", "Tanaka"]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def abstract(rng: random.Random) -> str:
    text = words(rng, rng.randint(170, 200)).capitalize()
    tex = "For $x<y$ and $\\alpha \\geq 2$ the \\textbf{bound} holds with $\\mathcal{O}(n \\log n)$ cost."
    return f"{text}. {tex}"


def title(rng: random.Random) -> str:
    return words(rng, rng.randint(8, 14)).title() + (
        " via $\\ell_1$ Regularisation" if rng.random() < 0.2 else ""
    )


def authors(rng: random.Random) -> list[str]:
    names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.randint(3, 8))]
    if rng.random() < 0.3:
        names[0] += ' (University of Link\\"oping, Sweden)'
    return names


def weekdays_before(day: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    while len(days) < n:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


# -- the store -----------------------------------------------------------------------------------------------


def stored_papers(day: dt.date, serial: Iterator[int], rng: random.Random) -> list[Paper]:
    papers = []
    for _ in range(PER_DAY):
        arxiv_id = f"{day:%y%m}.{next(serial):05d}"
        cats = [rng.choice(CATEGORIES[:3]), *rng.sample(CATEGORIES, rng.randint(0, 3))]
        cats = list(dict.fromkeys(cats))
        papers.append(
            Paper(
                id=f"arxiv:{arxiv_id}",
                title=title(rng),
                authors=authors(rng),
                abstract=abstract(rng),
                source_label=f"arXiv ({cats[0]})",
                date=day,
                day=day,
                url=f"https://arxiv.org/abs/{arxiv_id}",
                pdf_url=f"https://arxiv.org/pdf/{arxiv_id}v1",
                categories=cats,
                arxiv_id=arxiv_id,
                arxiv_version=1,
                announce_type="new",
                feeds=[SOURCE.key],
            )
        )
    return papers


def build_store(data_dir: Path, n_papers: int) -> list[dt.date]:
    days = weekdays_before(FIRST_FEED_DAY, max(1, n_papers // PER_DAY))
    rng = random.Random(7)
    serials: dict[str, Iterator[int]] = {}
    started = time.perf_counter()
    with PaperStore(data_dir) as store:
        for n, day in enumerate(days, start=1):
            serial = serials.setdefault(f"{day:%y%m}", iter(range(100_000)))
            store.add(stored_papers(day, serial, rng))
            if n % 10 == 0:
                print(
                    f"  built {n}/{len(days)} days ({time.perf_counter() - started:.0f} s)", file=sys.stderr
                )
    return days


# -- the feeds -----------------------------------------------------------------------------------------------


def item(
    rng: random.Random, arxiv_id: str, version: int, kind: str, day: dt.date, home: str = "cs.LG"
) -> str:
    others = [category for category in ("cs.LG", "stat.ML", "cs.AI", "math.OC") if category != home]
    primary = home if kind in ("new", "replace") else rng.choice(others)
    cats = list(dict.fromkeys([primary, home, *rng.sample(CATEGORIES, rng.randint(0, 2))]))
    category_lines = "".join(f"      <category>{c}</category>\n" for c in cats)
    pub = f"{day:%a, %d %b %Y} 00:00:00 -0400"
    return f"""    <item>
      <title>{escape(title(rng))}</title>
      <link>https://arxiv.org/abs/{arxiv_id}</link>
      <description>arXiv:{arxiv_id}v{version} Announce Type: {kind} \nAbstract: {escape(abstract(rng))}\
</description>
      <guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v{version}</guid>
{category_lines}      <pubDate>{pub}</pubDate>
      <arxiv:announce_type>{kind}</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>{escape(", ".join(authors(rng)))}</dc:creator>
    </item>
"""


def rss(day: dt.date, category: str, items: list[str]) -> bytes:
    pub = f"{day:%a, %d %b %Y} 00:00:00 -0400"
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'version="2.0">\n  <channel>\n    <title>{category} updates on arXiv.org</title>\n'
        f"    <link>http://rss.arxiv.org/rss/{category}</link>\n"
        f"    <description>{category} updates on the arXiv.org e-print archive.</description>\n"
        f"    <language>en-us</language>\n    <pubDate>{pub}</pubDate>\n"
        "    <skipDays>\n      <day>Saturday</day>\n      <day>Sunday</day>\n    </skipDays>\n"
        + "".join(items)
        + "  </channel>\n</rss>\n"
    ).encode()


def fresh_id(day: dt.date, n: int) -> str:
    # Ids no stored day uses (those count from 00000), unique to this feed day: reruns stay fresh.
    return f"{day:%y%m}.{50_000 + (day.day - 1) * 1_500 + n:05d}"


def arxiv_feed(day: dt.date, seed: int, revise: list[str] = ()) -> bytes:
    """A cs.LG feed for `day`: new ids, some cross-lists and replacements; the `revise` ids as replaces."""
    rng = random.Random(seed)
    items = []
    for n in range(FEED_ITEMS - len(revise)):
        kind = rng.choices(["new", "cross", "replace", "replace-cross"], weights=[50, 25, 18, 7])[0]
        version = 1 if kind in ("new", "cross") else rng.randint(2, 4)
        items.append(item(rng, fresh_id(day, n), version, kind, day))
    for arxiv_id in revise:
        items.append(item(rng, arxiv_id, rng.randint(2, 3), rng.choice(["replace", "replace-cross"]), day))
    rng.shuffle(items)
    return rss(day, "cs.LG", items)


@dataclass
class MixedFeed:
    """A day's category feed as arXiv serves it: new papers, cross-lists, replacements of stored papers."""

    data: bytes
    new: list[str]  # ids announced new in this category
    cross: list[str]  # ids cross-listed from another primary category


def mixed_feed(
    day: dt.date, seed: int, revise: list[str], first: int = 0, echo: MixedFeed | None = None
) -> MixedFeed:
    """A cs.LG feed (or, with `echo`, the same day's stat.ML feed) of FEED_ITEMS items: the `revise` ids as
    replace / replace-cross, the rest 80% new and 20% cross-lists (60/15/25 in all, as a busy category
    reads). With `echo` (the cs.LG feed already stored that day), cross-lists of each other: its new papers
    come back as cross-lists and its cross-lists as this feed's new papers, as stat.ML and cs.LG exchange."""
    rng = random.Random(seed)
    fresh = FEED_ITEMS - len(revise)
    if echo is None:
        ids = [fresh_id(day, first + n) for n in range(fresh)]
        new, cross = ids[: fresh * 4 // 5], ids[fresh * 4 // 5 :]
    else:
        cross = echo.new[: fresh // 4]
        new = echo.cross + [fresh_id(day, first + n) for n in range(fresh - len(cross) - len(echo.cross))]
    home = "cs.LG" if echo is None else "stat.ML"
    items = [item(rng, arxiv_id, 1, "new", day, home) for arxiv_id in new]
    items += [item(rng, arxiv_id, 1, "cross", day, home) for arxiv_id in cross]
    items += [
        item(
            rng, arxiv_id, rng.randint(2, 3), rng.choices(["replace", "replace-cross"], [3, 1])[0], day, home
        )
        for arxiv_id in revise
    ]
    rng.shuffle(items)
    return MixedFeed(rss(day, home, items), new, cross)


def catalogue_of(data_dir: Path) -> dict[dt.date, list[str]]:
    """The arXiv ids stored on each day, to choose revisions from (read once, before the timed ingests)."""
    with PaperStore(data_dir) as store:
        return {day: [paper.arxiv_id for paper in store.day(day)] for day in store.days()}


def revised_ids(catalogue: dict[dt.date, list[str]], rng: random.Random, n: int = REVISED) -> list[str]:
    """Stored papers to revise, recent days more often (a v2 follows its v1 by weeks more than by months)."""
    days = sorted(catalogue)
    weights = [1 / (len(days) - i) ** 0.5 for i in range(len(days))]
    chosen: set[str] = set()
    while len(chosen) < n:
        chosen.add(rng.choice(catalogue[rng.choices(days, weights=weights)[0]]))
    return sorted(chosen)


# -- measuring -----------------------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def feedparser_alone(data: bytes) -> float:
    return timed(lambda: feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False))


@dataclass
class Ingest:
    """One timed ingest, and feedparser alone on the same bytes just before it."""

    feedparser: float
    parse_feed: float
    add: float
    days: int  # days the ingest wrote to
    files: int  # files its commit wrote, manifest included

    @property
    def ingest(self) -> float:
        return self.parse_feed + self.add

    @property
    def ratio(self) -> float:
        return self.ingest / self.feedparser


def ingest(store: PaperStore, data: bytes, source: Source) -> Ingest:
    alone = feedparser_alone(data)  # interleaved, so that a busy moment of the machine weighs on both alike
    started = time.perf_counter()
    parsed = parse_feed(data, source)
    parsed_at = time.perf_counter()
    report = store.add(parsed.papers)
    done = time.perf_counter()
    generation = json.loads((store.data_dir / "manifest.json").read_bytes())["generation"]
    files = sum(1 for _ in store.data_dir.rglob(f"*{generation:06d}*")) if report.days else 0
    return Ingest(alone, parsed_at - started, done - parsed_at, len(report.days), files + bool(report.days))


def feed_days(store: PaperStore, n: int) -> list[dt.date]:
    taken = set(store.days())  # new days, also when the store is reused
    days = [FIRST_FEED_DAY + dt.timedelta(days=i) for i in range(400)]
    return [day for day in days if day.weekday() < 5 and day not in taken][:n]


def measure_ingests(
    store: PaperStore, catalogue: dict[dt.date, list[str]], runs: int
) -> dict[str, list[Ingest]]:
    """`runs` rounds of: a new day's mixed cs.LG feed, the same day's stat.ML feed, the cs.LG feed again,
    and a feed of new papers only on another new day."""
    rng = random.Random(11)
    rows: dict[str, list[Ingest]] = {kind: [] for kind in KINDS}
    days = feed_days(store, 2 * runs)
    for run in range(runs):
        day, fresh_day = days[2 * run], days[2 * run + 1]
        mixed = mixed_feed(day, seed=100 + run, revise=revised_ids(catalogue, rng))
        echo = mixed_feed(day, 200 + run, revised_ids(catalogue, rng, REVISED * 4 // 5), 1000, mixed)
        fresh = arxiv_feed(fresh_day, seed=run)
        rows["mixed"].append(ingest(store, mixed.data, SOURCE))
        rows["second"].append(ingest(store, echo.data, SECOND_SOURCE))
        rows["again"].append(ingest(store, mixed.data, SOURCE))
        rows["fresh"].append(ingest(store, fresh, SOURCE))
        print(f"  round {run + 1}/{runs}", file=sys.stderr)
    return rows


def measure_steady(store: PaperStore, catalogue: dict[dt.date, list[str]], n: int) -> list[Ingest]:
    """Day after day of mixed feeds: what patches, folds and relocations cost once they have piled up."""
    rng = random.Random(13)
    measured = []
    for k, day in enumerate(feed_days(store, n)):
        feed = mixed_feed(day, seed=300 + k, revise=revised_ids(catalogue, rng))
        measured.append(ingest(store, feed.data, SOURCE))
        catalogue[day] = feed.new + feed.cross
        if (k + 1) % 5 == 0:
            print(f"  steady {k + 1}/{n}", file=sys.stderr)
    return measured


def measure_open(data_dir: Path) -> list[float]:
    opens = []
    for _ in range(5):
        started = time.perf_counter()
        store = PaperStore(data_dir)
        opens.append(time.perf_counter() - started)
        store.close()
    return opens


def reader_days(days: list[dt.date], n: int, rng: random.Random) -> list[dt.date]:
    """Days as a reader lists them: the latest most (about 60%), the days before it less and less."""
    newest_first = sorted(days, reverse=True)
    weights = [1 / (rank + 1) ** 2 for rank in range(len(newest_first))]
    return rng.choices(newest_first, weights=weights, k=n)


@dataclass
class Listing:
    cold: list[float]  # each day's first read since opening
    warm: list[float]  # days already in the cache
    reader: list[float]  # a reader's session on a freshly opened store
    reader_warmed: list[float]  # the same session after warm()
    warm_up: float  # what warm() took


def measure_days(data_dir: Path) -> Listing:
    with PaperStore(data_dir) as store:
        cold = [timed(lambda d=d: store.day(d)) for d in store.days()[-100:]]
        recent = store.days()[-8:]  # within the cache
        warm = [timed(lambda d=d: store.day(d)) for d in (recent * 25)[:200]]
    with PaperStore(data_dir) as store:
        session = reader_days(store.days(), 200, random.Random(17))
        reader = [timed(lambda d=d: store.day(d)) for d in session]
    with PaperStore(data_dir) as store:
        warm_up = timed(store.warm)
        reader_warmed = [timed(lambda d=d: store.day(d)) for d in session]
    return Listing(cold, warm, reader, reader_warmed, warm_up)


# -- reporting -----------------------------------------------------------------------------------------------

KINDS = {
    "mixed": "mixed feed, new day (headline)",
    "second": "2nd category, same day",
    "again": "same feed again",
    "fresh": "new papers only",
}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def spread(values: list[float], unit: Callable[[float], str] = ms) -> str:
    return f"{unit(median(values))} ({unit(min(values))}-{unit(max(values))})"


def print_ingests(rows: dict[str, list[Ingest]]) -> None:
    head = f"{'':<32}{'feedparser':>11}{'parse_feed':>11}{'store.add':>11}{'ingest':>9}"
    print(f"{head}{'ratio (min-max)':>20}{'days':>6}{'files':>6}")
    for kind, measured in rows.items():
        ratio = spread([m.ratio for m in measured], lambda r: f"{r:.2f}")
        print(
            f"{KINDS.get(kind, kind):<32}{ms(median(m.feedparser for m in measured)):>11}"
            f"{ms(median(m.parse_feed for m in measured)):>11}{ms(median(m.add for m in measured)):>11}"
            f"{ms(median(m.ingest for m in measured)):>9}{ratio + 'x':>20}"
            f"{median(m.days for m in measured):>6.0f}{median(m.files for m in measured):>6.0f}"
        )


def print_patches(data_dir: Path) -> None:
    manifest = json.loads((data_dir / "manifest.json").read_bytes())
    runs = [run for day in manifest["days"].values() for run in day["patches"]]
    print(
        f"patches now: {sum(run[3] for run in runs):,} records in {len(runs)} runs of "
        f"{sum(1 for day in manifest['days'].values() if day['patches'])} days, "
        f"{len({run[0] for run in runs})} patch files, {len(manifest['index'])} index files"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the store (default 100,000)")
    parser.add_argument("--data-dir", type=Path, help="build the store here (and reuse it if it exists)")
    parser.add_argument("--runs", type=int, default=5, help="timed ingests of each kind (default 5)")
    parser.add_argument(
        "--steady", type=int, default=20, help="mixed feeds ingested day after day (default 20)"
    )
    args = parser.parse_args(argv)
    temp = None if args.data_dir else tempfile.TemporaryDirectory(prefix="academichub-bench-")
    data_dir = args.data_dir or Path(temp.name)

    with PaperStore(data_dir) as store:
        existing = store.days()
    if existing:
        print(f"reusing the store in {data_dir}", file=sys.stderr)
    else:
        print(f"building a store of {args.papers:,} papers in {data_dir} ...", file=sys.stderr)
        build_started = time.perf_counter()
        build_store(data_dir, args.papers)
        print(f"  built in {time.perf_counter() - build_started:.1f} s", file=sys.stderr)
    catalogue = catalogue_of(data_dir)

    with PaperStore(data_dir) as store:  # a fresh process's view: nothing cached
        count, days_before = store.count(), len(store.days())
        rows = measure_ingests(store, catalogue, args.runs)
        steady = measure_steady(store, catalogue, args.steady) if args.steady else []
        count_after = store.count()
    opens = measure_open(data_dir)  # the store as the ingests left it: patches, folds, index files
    listing = measure_days(data_dir)

    print(f"\nstore: {count:,} papers over {days_before} days before the timed ingests")
    print(f"feeds: {FEED_ITEMS} items, about {len(arxiv_feed(FIRST_FEED_DAY, 0)) / 1e6:.1f} MB each")
    print(
        "ingest = parse_feed + store.add; ratio = ingest / feedparser.parse alone on the same bytes, just "
        f"before;\nms, medians of {args.runs} runs (ratio: median, min-max); days: days written; "
        "files: files the commit wrote\n"
    )
    print_ingests(rows)
    if steady:
        print(f"\nthen {len(steady)} mixed feeds day after day (store {count_after:,} papers at the end):")
        print_ingests(
            {
                f"steady, all {len(steady)}": steady,
                f"steady, last {len(steady) // 2}": steady[-len(steady) // 2 :],
            }
        )
        adds = sorted(m.add for m in steady)
        print(
            f"store.add: median {ms(median(adds))} ms, 90th percentile {ms(adds[len(adds) * 9 // 10])}, "
            f"max {ms(adds[-1])}"
        )
        print_patches(data_dir)
    print(f"\nthe store as the ingests left it ({count_after:,} papers):")
    print(f"{'open':<40}{spread(opens)} ms, median (min-max) of {len(opens)}")
    print(
        f"{'day() cold (first read since open)':<40}{spread(listing.cold)} ms over {len(listing.cold)} days"
    )
    print(f"{'day() warm (cached)':<40}{spread(listing.warm)} ms over {len(listing.warm)} calls")
    print(
        f"{'reader session, just opened':<40}{spread(listing.reader)} ms over {len(listing.reader)} listings"
    )
    print(
        f"{'reader session after warm()':<40}{spread(listing.reader_warmed)} ms "
        f"(warm() itself took {ms(listing.warm_up)} ms)"
    )
    print("  (a reader session: 200 listings, the latest day about 60% of them, older days less and less)\n")

    headline = rows["mixed"] + steady
    checks = [
        (f"{KINDS[kind]} <= 1.5x feedparser (median)", median(m.ratio for m in measured) <= 1.5)
        for kind, measured in rows.items()
    ]
    checks += [
        ("mixed feeds, steady state <= 1.5x (median)", not steady or median(m.ratio for m in steady) <= 1.5),
        ("mixed feeds: every run <= 1.5x", max(m.ratio for m in headline) <= 1.5),
        ("reader session day() < 10 ms (median)", median(listing.reader) < 0.010),
        ("day() cold < 10 ms (median)", median(listing.cold) < 0.010),
        ("open < 1 s", median(opens) < 1.0),
    ]
    for name, ok in checks:
        print(f"  {'met   ' if ok else 'MISSED'}  {name}")
    if temp is not None:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
