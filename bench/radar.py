"""Radar matching on a browsed arXiv listing: 1,000 entries against 20 rules, in process.

    PYTHONPATH=sidecar .venv/bin/python bench/radar.py
    PYTHONPATH=sidecar .venv/bin/python bench/radar.py --entries 2000 --rules 40 --repeat 20

The goal (issue 5): the sidecar answers `POST /api/v1/radar/match` for a listing page of 1,000 entries
with 20 rules in well under 50 ms of matching. The entries are the real titles, abstracts and authors of
the recorded seed day and fixture feeds (parsed by the project's adapters), repeated under distinct ids until
there are enough; the rules are 20 research interests (phrases, wildcards, authors, exclusions) of the
kind the seed day's papers touch, so a realistic share of entries match.

Printed for the same entries in the same run, best and median wall time of --repeat runs, best CPU time,
and the best per entry:
- RadarMatcher.match_many: folding, spans, exclusions, filters; and again with scoring each matched entry
  (what `POST /api/v1/radar/match` does before it serializes);
- the baseline: one compiled case-insensitive `re.finditer` per term per field per entry (no accent
  folding, no TeX handling), the loop one would write first.
Prints a table and exits 0; the figures are the result, not a pass/fail.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from academichub.ingest.sources import parse_feed
from academichub.paths import seed_day_dir
from academichub.radar import RadarMatcher, RadarRule, score_hits

FIXTURE_FEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "feeds"

RULES = [
    RadarRule(name="graph learning", terms=["graph neural network*", "GNN*", "message passing"], weight=2),
    RadarRule(name="diffusion", terms=["diffusion model*", "score-based", "denoising"]),
    RadarRule(
        name="reinforcement learning",
        terms=["reinforcement learning", "RL", "policy gradient*"],
        exclude=["robot*"],
    ),
    RadarRule(name="language models", terms=["large language model*", "LLM*", "in-context learning"]),
    RadarRule(name="transformers", terms=["transformer*", "self-attention", "attention head*"]),
    RadarRule(
        name="quantum error correction",
        terms=["error correction", "surface code*", "decoder*"],
        categories=["quant-ph"],
        weight=3,
    ),
    RadarRule(name="spiking", terms=["spiking neural", "neuromorphic", "time-to-first-spike"]),
    RadarRule(name="retrieval", terms=["retrieval-augmented", "RAG", "dense retrieval"]),
    RadarRule(name="causality", terms=["causal inference", "counterfactual*", "instrumental variable*"]),
    RadarRule(name="federated", terms=["federated learning", "differential privacy", "secure aggregation"]),
    RadarRule(name="vision-language", terms=["vision-language", "VLM*", "multimodal"]),
    RadarRule(
        name="protein design", terms=["protein*", "AlphaFold", "binder design"], sources=["bioRxiv", "arXiv"]
    ),
    RadarRule(name="single cell", terms=["single-cell", "scRNA-seq", "cell atlas*"]),
    RadarRule(
        name="clinical trials", terms=["randomised controlled", "randomized controlled", "cohort stud*"]
    ),
    RadarRule(name="probability", terms=["random walk*", "Brownian motion", "martingale*"]),
    RadarRule(name="efficiency", terms=["energy-efficient", "quantization", "pruning"]),
    RadarRule(name="benchmarks", terms=["benchmark*", "leaderboard*"], weight=0.5),
    RadarRule(name="people", authors=["Ana Pérez", "Wei Chen", "J. Silva", "Sato"]),
    RadarRule(name="equivariance", terms=["equivariant", "symmetry group*", "E(3)"]),
    RadarRule(name="optimisation", terms=["stochastic gradient", "convergence rate*", "Adam"]),
]


@dataclass
class PageEntry:
    """What the overlay sends for one paper on the page."""

    id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str] = field(default_factory=list)
    source_label: str = "arXiv"


def real_entries(count: int) -> list[PageEntry]:
    papers = []
    for path in [*sorted(seed_day_dir().glob("*.xml")), *sorted(FIXTURE_FEEDS.glob("*.xml"))]:
        try:
            papers += parse_feed(path.read_bytes()).papers
        except ValueError:
            continue  # an empty or non-feed fixture
    papers = [p for p in papers if p.abstract]
    return [
        PageEntry(f"{p.id}#{i}", p.title, p.abstract, list(p.authors), list(p.categories), p.source_label)
        for i, p in ((i, papers[i % len(papers)]) for i in range(count))
    ]


def baseline(rules: list[RadarRule]) -> Callable[[list[PageEntry]], list[list[tuple[str, str, int, int]]]]:
    compiled = [
        (
            rule.name,
            [
                re.compile(r"\b" + re.escape(t).replace(r"\*", r"\w*") + r"\b", re.IGNORECASE)
                for t in rule.terms
            ],
        )
        for rule in rules
    ]

    def match(entries: list[PageEntry]) -> list[list[tuple[str, str, int, int]]]:
        out = []
        for entry in entries:
            hits = []
            for name, patterns in compiled:
                for pattern in patterns:
                    for field_name, text in (("title", entry.title), ("abstract", entry.abstract)):
                        hits += [(name, field_name, m.start(), m.end()) for m in pattern.finditer(text)]
            out.append(hits)
        return out

    return match


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float, float, object]:
    """Best and median wall time, and best CPU time (the process's own: on a busy machine the wall clock
    also counts the time other processes ran)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), statistics.median(times), min(cpu), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=20, help="rules used (the 20 above, repeated if more)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    rules = [
        RULES[i % len(RULES)].model_copy(update={"name": f"{RULES[i % len(RULES)].name} {i}"})
        for i in range(args.rules)
    ]
    entries = real_entries(args.entries)
    text_chars = sum(len(e.title) + len(e.abstract) for e in entries)

    start = time.perf_counter()
    matcher = RadarMatcher(rules)
    compile_ms = (time.perf_counter() - start) * 1000

    def radar() -> list[float]:
        return [
            score_hits(hits, matcher.weights).score if hits else 0.0 for hits in matcher.match_many(entries)
        ]

    naive = baseline(rules)
    match_best, match_median, match_cpu, _ = timed(lambda: matcher.match_many(entries), args.repeat)
    best, median, cpu, scores = timed(radar, args.repeat)
    base_best, base_median, base_cpu, base_hits = timed(lambda: naive(entries), max(3, args.repeat // 3))
    matched = sum(1 for s in scores if s)  # type: ignore[union-attr]
    base_matched = sum(1 for h in base_hits if h)  # type: ignore[union-attr]

    print(
        f"{len(entries)} entries ({text_chars / 1e6:.2f} M characters of titles and abstracts), "
        f"{len(rules)} rules ({sum(len(r.terms) + len(r.authors) + len(r.exclude) for r in rules)} terms "
        f"and authors); compiling the rules took {compile_ms:.1f} ms"
    )
    print(f"{'':34}{'best':>10}{'median':>10}{'best CPU':>10}{'per entry':>12}{'matched':>9}")
    for label, b, m, c, n in [
        ("radar: match_many", match_best, match_median, match_cpu, matched),
        ("radar: match_many + score each", best, median, cpu, matched),
        ("baseline (re.finditer per term)", base_best, base_median, base_cpu, base_matched),
    ]:
        per_entry = b / len(entries) * 1e6
        print(f"{label:34}{b * 1000:8.1f}ms{m * 1000:8.1f}ms{c * 1000:8.1f}ms{per_entry:9.1f} µs{n:9}")
    print(f"radar is {base_best / best:.0f}x faster than the baseline (best against best)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
