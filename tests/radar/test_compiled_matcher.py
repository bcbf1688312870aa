"""The overlay's matcher agrees with the radar: extension/content/matcher.js, run in node on the data that
`radar.compiled` makes of a realistic rule set, finds exactly the hits and spans the Python matcher finds,
on every title and abstract of 13,826 real arXiv papers (tests/fixtures/arxiv-papers) and on generated text
full of what folding has to get right (accents three ways, Greek, ligatures, CJK and Hangul, TeX, NBSP,
dashes, invisible characters, astral letters)."""

from __future__ import annotations

import json
import lzma
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from academichub.api.radar_models import PageEntry
from academichub.radar import RadarMatcher, RadarRule
from academichub.radar.compiled import compile_matcher

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("run_compiled_matcher.js")
# Real arXiv titles and abstracts, copied into the project (tests/fixtures/arxiv-papers/README.md).
PAPERS = ROOT / "tests" / "fixtures" / "arxiv-papers" / "papers.jsonl.xz"

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

# bench/radar.py's twenty rules, and rules whose terms need folding themselves.
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
    RadarRule(name="people", authors=["Ana Pérez", "Wei Chen", "J. Silva", "Sato", "Müller, Jürgen", "王伟"]),
    RadarRule(name="equivariance", terms=["equivariant", "symmetry group*", "E(3)"]),
    RadarRule(name="optimisation", terms=["stochastic gradient", "convergence rate*", "Adam"]),
    RadarRule(
        name="analysis",
        terms=["Navier–Stokes", "Schrödinger equation*", "Hölder", "well-posedness", "Sobolev"],
        categories=["math"],
    ),
    RadarRule(name="greek", terms=["β-VAE", "α-helix", "λ-calculus", "μ-law", "O(n log n)", "k-means"]),
    RadarRule(
        name="cosmology", terms=["ΛCDM", "dark energy", "Hubble tension", "Lyα forest"], sources=["astro-ph"]
    ),
    RadarRule(name="ligatures", terms=["ﬁne-tuning", "eﬃcient", "Æther", "œuvre", "straße"]),
    RadarRule(name="cjk", terms=["深度学习", "神经网络", "그래프", "нейронная сеть"]),
    RadarRule(
        name="number theory", terms=["L-function*", "modular form*", "zeta function"], exclude=["survey"]
    ),
]

# Pieces the generator mixes around the rules' words.
NOISE = [
    "Pérez",
    "Pe\u0301rez",
    "P\\'erez",
    "P{\\'e}rez",
    'Schr\\"odinger',
    'Schr\\"{o}dinger',
    "Schrödinger",
    "Schro\u0308dinger",
    "Ho\u0308lder",
    'H\\"older',
    "stra\\ss{}e",
    "{\\o}ster",
    "\\v{C}ech",
    "\\c c",
    "α",
    "β",
    "Λ",
    "ϵ",
    "\\alpha",
    "\\beta-VAE",
    "\\varepsilon",
    "$\\lambda$-calculus",
    "$k$-means",
    "\\mathcal{O}(n\\log n)",
    "O(n log n)",
    "\\emph{graph}",
    "\\textbf{neural}",
    "$\\Lambda$CDM",
    "ﬁne",
    "ﬂow",
    "æ",
    "Œ",
    "ß",
    "ẞ",
    "İstanbul",
    "ıi",
    "Kelvin \u212a",
    "ſ",
    "µ-law",
    "μ-law",
    "深度学习",
    "神经网络模型",
    "学习",
    "그래프 신경망",
    "нейронная сеть",
    "НЕЙРОННАЯ СЕТЬ",
    "Ёлка",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u3000",
    "\u200b",
    "\u00ad",
    "\u200d",
    "\ufeff",
    "–",
    "—",
    "‐",
    "−",
    "ｇｒａｐｈ　ｎｅｕｒａｌ",
    "𝐠𝐫𝐚𝐩𝐡 𝐧𝐞𝐮𝐫𝐚𝐥",
    "𝒪(n)",
    "😀",
    "𝔤raph",
    "①",
    "½",
    "™",
    "Ⅻ",
    "\x1c",
    "\x1f",
    "\t",
    "\n",
    "  ",
    "-",
    "~",
    "$",
    "_",
    "\\",
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    ";",
    "'",
    '"',
    "URL",
    "RLHF",
    "RL-based",
    "(RL)",
    "subgraph",
    "graphs",
    "GNNs",
    "LLMs",
    "Transformer-based",
    "Adam's",
    "e\u0301\u0301",
    "\u0301start",
    "a\U0001d400b",
    "Ｅ(3)",
    "E(3)",
    "e(3)-equivariant",
    "robots",
    "Survey",
]
AUTHORS = [
    "Ana Pérez",
    "A. Perez",
    "Pérez, Ana",
    "Ana Maria Perez",
    "Anna Pérez",
    "Wei Chen",
    "W. Chen",
    "Chen Wei",
    "Chen, Wei",
    "J. Silva",
    "João Silva",
    "José da Silva",
    "Silva",
    "Yuki Sato",
    "Satoshi Sato",
    "SATO",
    "Jürgen Müller",
    "J. Mueller",
    "Jurgen Muller",
    "Müller, Jürgen",
    "王伟",
    "王 伟",
    "伟 王",
    "李 伟",
    "Wang_Wei",
    "Chen_",
    "O'Brien",
    "Ana\u00a0Pérez",
    "Ana Pe\u0301rez",
    "Wei\u200bChen",
    "Ｗｅｉ Ｃｈｅｎ",
]


def _mutate(word: str, rng: random.Random) -> str:
    """A rule's word as a page might print it: another case, an accent, a ligature, fullwidth."""
    choice = rng.randrange(8)
    if choice == 0:
        return word.upper()
    if choice == 1:
        return word.capitalize()
    if choice == 2 and "fi" in word:
        return word.replace("fi", "ﬁ", 1)
    if choice == 3 and "e" in word:
        return word.replace("e", rng.choice(["é", "e\u0301", "\\'e", "{\\'e}", "ë"]), 1)
    if choice == 4 and word.isascii():
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    if choice == 5 and "o" in word:
        return word.replace("o", rng.choice(["ö", '\\"o', "\\o{}", "ø"]), 1)
    return word


def edge_cases(count: int, seed: int = 20261207) -> list[PageEntry]:
    rng = random.Random(seed)
    words = [
        w for rule in RULES for term in (*rule.terms, *rule.exclude) for w in term.replace("*", "s").split()
    ]
    separators = [" ", "-", "\n   ", "\u00a0", "~", "$-$", "–", "\u2009", "  -  ", "\u200b", "", "\u00ad"]
    entries = []
    for n in range(count):
        parts = []
        for _ in range(rng.randrange(4, 24)):
            pick = rng.random()
            if pick < 0.45:
                phrase = rng.choice(words)
                if rng.random() < 0.5:
                    phrase += rng.choice(separators) + rng.choice(words)
                parts.append(_mutate(phrase, rng))
            else:
                parts.append(rng.choice(NOISE))
            parts.append(rng.choice(separators) if rng.random() < 0.4 else " ")
        text = "".join(parts)
        cut = rng.randrange(len(text) + 1)
        entries.append(
            PageEntry(
                id=f"2612.{n:05d}",
                title=text[:cut][:5000],
                abstract=text[cut:],
                authors=rng.sample(AUTHORS, rng.randrange(0, 4)),
                categories=rng.choice([["cs.LG"], ["quant-ph"], ["math.AP", "math-ph"], ["astro-ph.CO"], []]),
            )
        )
    return entries


def real_papers() -> list[PageEntry]:
    rng = random.Random(7)
    with lzma.open(PAPERS, "rt", encoding="utf-8") as lines:
        return [
            PageEntry(
                id=paper["id"],
                title=paper["title"],
                abstract=paper["abstract"],
                categories=paper["categories"],
                authors=rng.sample(AUTHORS, rng.randrange(0, 3)),
            )
            for paper in map(json.loads, lines)
        ]


ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16(text: str, offset: int) -> int:
    """A code point offset into `text` as JavaScript counts it."""
    if not ASTRAL.search(text):
        return offset
    return offset + len(ASTRAL.findall(text, 0, offset))


def python_hits(matcher: RadarMatcher, entries: list[PageEntry]) -> list[list[tuple]]:
    out = []
    for entry, hits in zip(entries, matcher.match_many(entries), strict=True):
        rows = []
        for hit in hits:
            text = entry.authors[hit.author] if hit.field == "authors" else getattr(entry, hit.field)
            rows.append(
                (
                    hit.field,
                    hit.author or 0,
                    utf16(text, hit.start),
                    utf16(text, hit.end),
                    hit.rule,
                    hit.term,
                    hit.text,
                )
            )
        out.append(sorted(rows))
    return out


def node_hits(matcher: RadarMatcher, entries: list[PageEntry], work: Path) -> tuple[float, list[list[tuple]]]:
    batch = work / "batch.json"
    batch.write_text(
        json.dumps(
            {
                "matcher": compile_matcher(matcher).model_dump(mode="json"),
                "papers": [entry.model_dump(mode="json") for entry in entries],
            }
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [NODE, str(RUNNER), str(batch)], capture_output=True, text=True, check=True, timeout=120
    )
    answer = json.loads(run.stdout)
    out = [
        sorted(
            (h["field"], h.get("author", 0), h["start"], h["end"], h["rule"], h["term"], h["text"])
            for h in hits
        )
        for hits in answer["hits"]
    ]
    return answer["ms"], out


def disagreements(entries: list[PageEntry], python: list, node: list) -> list[str]:
    return [
        f"{entry.id}: python {p!r}\n  node {n!r}\n  {entry.title!r}\n  {entry.abstract[:300]!r}"
        for entry, p, n in zip(entries, python, node, strict=True)
        if p != n
    ]


@pytest.fixture(scope="module")
def radar() -> RadarMatcher:
    return RadarMatcher(RULES)


def test_both_matchers_find_the_same_hits_on_every_real_paper(radar: RadarMatcher, tmp_path: Path) -> None:
    entries = real_papers()
    assert len(entries) == 13_826
    python = python_hits(radar, entries)
    _, node = node_hits(radar, entries, tmp_path)
    assert sum(map(len, python)) > 5_000  # the rules do find things: the comparison is not of empty lists
    assert disagreements(entries, python, node)[:5] == []


def test_both_matchers_find_the_same_hits_in_text_that_folding_must_get_right(
    radar: RadarMatcher, tmp_path: Path
) -> None:
    entries = edge_cases(4_000)
    python = python_hits(radar, entries)
    _, node = node_hits(radar, entries, tmp_path)
    found = {hit[4] for hits in python for hit in hits}
    assert {"ligatures", "greek", "cjk", "people", "analysis"} <= found  # the edge cases are hit, not missed
    assert disagreements(entries, python, node)[:5] == []


def test_dismissed_papers_and_filters_travel_with_the_matcher(tmp_path: Path) -> None:
    matcher = RadarMatcher(
        [RadarRule(name="q", terms=["qubit*"], categories=["quant-ph"], sources=["arXiv"])]
    )
    compiled = compile_matcher(matcher, frozenset({"arxiv:2606.00001"}))
    assert compiled.dismissed == ["arxiv:2606.00001"]
    assert compiled.rules[0].categories == ["quant-ph"] and compiled.rules[0].sources == ["arxiv"]
    entries = [
        PageEntry(id="1", title="Qubits", categories=["quant-ph"]),
        PageEntry(id="2", title="Qubits", categories=["cs.LG"]),
    ]
    _, node = node_hits(matcher, entries, tmp_path)
    assert [len(hits) for hits in node] == [1, 0]
