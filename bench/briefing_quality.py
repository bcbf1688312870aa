"""The briefing as a reader judges it, on the seed day and six more recorded or generated-from-recorded days.

    PYTHONPATH=sidecar .venv/bin/python bench/briefing_quality.py                # bundled model, 2 cores
    PYTHONPATH=sidecar .venv/bin/python bench/briefing_quality.py --language zh
    PYTHONPATH=sidecar .venv/bin/python bench/briefing_quality.py --no-model     # code alone
    PYTHONPATH=sidecar .venv/bin/python bench/briefing_quality.py --show seed    # print a day's briefing

The days (each its papers, numbered as the popup numbers them; the briefing reads the 25 it selects):
- seed: the recorded seed day shipped with the product (10 feeds, 71 papers);
- recorded: every other captured feed in tests/fixtures/feeds, as one day (arXiv, bioRxiv, AJPH...; not
  the files made by hand for tests);
- eval-1..eval-5: five days made from real arXiv metadata (/work/shared/radar-eval, or --radar-eval): one
  month each, six papers from each of five categories drawn with a fixed seed. Without that set, two
  halves of the seed day split by source stand in.
Per day and in total it prints what issue 12 names: statements; citations naming no card of the day;
statements copied from a title or abstract (a verbatim run of at least 70% of their words); fragments (cut
off with "…", no sentence end, a bare date or title); content words found in none of the day's cards
(invented); theme titles that are a paper's title; themes of fewer than two papers; and the time to write
the briefing (wall clock, and this process's CPU time, which other load on the machine does not inflate);
and what the model wrote (theme names it chose, sentences of its that passed the checks). Prints figures
and exits 0: they are the result, not a pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from academichub.briefing.checks import DayText, content_words
from academichub.briefing.citations import extract_citations
from academichub.briefing.model import Briefing, Statement
from academichub.briefing.render import render_markdown
from academichub.briefing.select import select_papers
from academichub.briefing.writer import write_briefing
from academichub.ingest.sources import FeedError, parse_feed
from academichub.llm.manager import ModelManager
from academichub.models import Card, Paper
from academichub.paths import seed_day_dir
from academichub.store.cards import number_cards, order_papers

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "fixtures" / "feeds"
RADAR_EVAL = Path("/work/shared/radar-eval")
EVAL_MONTHS = ["2026-01", "2026-02", "2025-12", "2023-05", "2023-04"]


MADE_HERE = ("GENERATED_", "HOSTILE_", "RECONSTRUCTED_")  # test inputs written by hand, not captured feeds


def recorded_papers(directory: Path) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for file in sorted(f for f in directory.iterdir() if not f.name.startswith(MADE_HERE)):
        try:
            feed = parse_feed(file.read_bytes())
        except (FeedError, OSError, ValueError):
            continue  # a page or a JSON record, not a feed
        for paper in feed.papers:
            papers.setdefault(paper.id, paper)
    return list(papers.values())


def eval_days(path: Path, count: int) -> list[tuple[str, list[Paper]]]:
    """Days from real arXiv metadata: a month's papers, six from each of five of its busiest categories."""
    with gzip.open(path / "papers_dev.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    days = []
    for i, month in enumerate(EVAL_MONTHS[:count], start=1):
        rng = random.Random(i)
        by_category: dict[str, list[dict]] = {}
        for row in rows:
            if row["date"] == month and row["categories"] and len(row["abstract"].split()) > 40:
                by_category.setdefault(row["categories"][0], []).append(row)
        busy = sorted(
            (c for c, rs in by_category.items() if len(rs) >= 6), key=lambda c: (-len(by_category[c]), c)
        )
        chosen_categories = rng.sample(busy[:12], min(5, len(busy)))
        day = dt.date.fromisoformat(month + "-15")
        papers = []
        for category in sorted(chosen_categories):
            for row in rng.sample(by_category[category], 6):
                papers.append(
                    Paper(
                        id=f"arxiv:{row['id']}",
                        title=row["title"],
                        abstract=row["abstract"],
                        source_label=f"arXiv ({category})",
                        date=day,
                        day=day,
                        categories=row["categories"],
                        arxiv_id=row["id"],
                    )
                )
        days.append((f"eval-{i}", papers))
    return days


def seed_halves(seed: list[Paper]) -> list[tuple[str, list[Paper]]]:
    labels = sorted({p.source_label for p in seed})
    return [
        (f"seed-half-{k + 1}", [p for p in seed if labels.index(p.source_label) % 2 == k]) for k in range(2)
    ]


def all_days(radar_eval: Path) -> list[tuple[str, list[Paper]]]:
    seed = recorded_papers(seed_day_dir())
    days = [("seed", seed), ("recorded", recorded_papers(RECORDED))]
    if (radar_eval / "papers_dev.jsonl.gz").exists():
        days += eval_days(radar_eval, 5)
    else:
        days += seed_halves(seed)
    return days


@dataclass
class Figures:
    statements: int = 0
    invalid_citations: int = 0
    copied: int = 0
    fragments: int = 0
    content_words: int = 0
    invented: int = 0
    themes: int = 0
    title_copies: int = 0
    small_themes: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: what the machine's other load does not inflate
    model_names: int = 0  # theme names the model chose
    model_sentences: int = 0  # sentences the model wrote that passed the checks
    invented_examples: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            if name != "invented_examples":
                setattr(self, name, getattr(self, name) + getattr(other, name))


def statements_of(briefing: Briefing) -> list[Statement]:
    """Every sentence a reader reads as a claim, read-first reasons included."""
    return [
        *briefing.overview,
        *(s for t in briefing.themes for s in t.statements),
        *briefing.links,
        *(Statement(text=r.why, cites=[r.card]) for r in briefing.read_first),
    ]


def measure(briefing: Briefing, day_cards: list[Card]) -> Figures:
    text = DayText(day_cards)
    numbers = {c.n for c in day_cards}
    figures = Figures()
    for s in statements_of(briefing):
        figures.statements += 1
        cited = set(s.cites) | set(extract_citations(s.text))
        figures.invalid_citations += len(cited - numbers)
        figures.copied += text.copied(s.text)
        figures.fragments += text.fragment(s.text)
    prose = [
        briefing.headline,
        *(t.title for t in briefing.themes),
        *(s.text for s in statements_of(briefing)),
    ]
    for line in prose:
        figures.content_words += len(content_words(line))
        invented = text.invented(line)
        figures.invented += len(invented)
        figures.invented_examples += invented
    figures.model_sentences = sum(getattr(s, "by", "") == "model" for s in statements_of(briefing))
    for theme in briefing.themes:
        if getattr(theme, "also_today", False):  # a briefing from before "Also today" has none
            continue
        figures.model_names += getattr(theme, "named_by", "") == "model"
        figures.themes += 1
        figures.title_copies += text.title_copy(theme.title)
        figures.small_themes += len(theme.cards) < 2
    return figures


def pct(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def row(name: str, f: Figures) -> str:
    copied = f"{f.copied:>4} ({pct(f.copied, f.statements):3.0f}%)"
    invented = f"{f.invented:>4}/{f.content_words:<4} ({pct(f.invented, f.content_words):3.0f}%)"
    return (
        f"{name:<13} {f.statements:>5} {f.invalid_citations:>7} {copied} {f.fragments:>5} {invented}"
        f" {f.themes:>6} {f.title_copies:>10} {f.small_themes:>9} {f.seconds:>7.1f} {f.cpu_seconds:>6.1f}"
        f" {f.model_names:>5}/{f.model_sentences:<3}"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2, help="pin the process to this many CPUs (default 2)")
    parser.add_argument("--language", choices=["en", "zh"], default="en")
    parser.add_argument("--model", default="", help="a GGUF file; default: the bundled SmolLM2-135M")
    parser.add_argument("--endpoint", default="", help="an OpenAI-compatible server instead of a file")
    parser.add_argument("--no-model", action="store_true", help="the briefing code writes alone")
    parser.add_argument("--radar-eval", type=Path, default=RADAR_EVAL, help="the radar-eval set's folder")
    parser.add_argument("--days", default="", help="comma-separated day names (default: all)")
    parser.add_argument("--show", default="", help="print this day's briefing as Markdown")
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))[: args.cores]
    os.sched_setaffinity(0, cpus)
    manager = None
    if not args.no_model:
        from academichub.config import ModelSettings

        manager = ModelManager.from_settings(ModelSettings(path=args.model, endpoint=args.endpoint))
        await manager.load()
    print(
        f"pinned to CPUs {cpus}; load average {os.getloadavg()[0]:.2f}; model "
        f"{manager.name if manager else 'none'}; language {args.language}"
    )
    wanted = set(filter(None, args.days.split(",")))
    print(
        f"{'day (papers)':<13} {'stmts':>5} {'badcite':>7} {'copied':>11} {'frags':>5} "
        f"{'invented words':>17} {'themes':>6} {'title-copy':>10} {'<2 papers':>9} {'wall s':>7} {'cpu s':>6}"
        " model names/sentences"
    )
    total = Figures()
    try:
        for name, papers in all_days(args.radar_eval):
            if wanted and name not in wanted:
                continue
            cards = number_cards(order_papers(papers))
            chosen = select_papers(cards)
            began, cpu = time.perf_counter(), time.process_time()
            briefing = await write_briefing(
                chosen, manager, language=args.language, day=cards[0].date, corpus=cards
            )
            seconds = time.perf_counter() - began
            figures = measure(briefing, cards)
            figures.seconds, figures.cpu_seconds = seconds, time.process_time() - cpu
            total.add(figures)
            print(row(f"{name} ({len(chosen)})", figures), flush=True)
            if args.show == name:
                print(render_markdown(briefing))
            if figures.invented_examples:
                print(f"{'':<13} invented: {', '.join(sorted(set(figures.invented_examples))[:12])}")
    finally:
        if manager is not None:
            await manager.close()
    print(row("total", total))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
