"""Matching, as a specification: what each kind of term finds in real-looking titles and abstracts, and the
spans it reports on the original text."""

from __future__ import annotations

import datetime as dt

import pytest

from academichub.ingest.sources import parse_feed
from academichub.models import Paper, RadarHit
from academichub.radar import RadarMatcher, RadarRule
from academichub.radar.folding import fold


def paper(
    title: str = "A title",
    abstract: str = "",
    authors: tuple[str, ...] = (),
    *,
    categories: tuple[str, ...] = ("cs.LG",),
    label: str = "arXiv (cs.LG)",
    pid: str = "arxiv:2606.00001",
) -> Paper:
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        authors=list(authors),
        categories=list(categories),
        source_label=label,
        date=dt.date(2026, 6, 24),
    )


def found(term: str, text: str) -> list[str]:
    """The original words that `term` matches in an abstract holding `text`."""
    hits = RadarMatcher([RadarRule(name="r", terms=[term])]).match(paper(abstract=text))
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    return [hit.text for hit in hits]


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        # case
        (
            "transformer",
            "A Transformer, the TRANSFORMER and a transformer.",
            ["Transformer", "TRANSFORMER", "transformer"],
        ),
        # whole words only: RL is not the end of URL, nor the start of RLHF
        ("RL", "Offline RL from URL logs; RLHF is not RL-based (RL).", ["RL", "RL", "RL"]),
        ("graph", "subgraph graphs graph", ["graph"]),
        # accents, either way round, precomposed or as a combining mark
        ("Perez", "by Pérez and Perez and Pe\u0301rez", ["Pérez", "Perez", "Pe\u0301rez"]),
        ("Pérez", "by Perez", ["Perez"]),
        ("naive Bayes", "a naïve Bayes classifier", ["naïve Bayes"]),
        # TeX accents as arXiv keeps them in titles and abstracts
        (
            "Schrödinger equation",
            'the Schr\\"odinger equation and Schr\\"{o}dinger equation',
            ['Schr\\"odinger equation', 'Schr\\"{o}dinger equation'],
        ),
        ("Erdős", "Erd\\H{o}s--R\\'enyi graphs", ["Erd\\H{o}s"]),
        ("Gödel", 'G{\\"o}del and G\\"{o}del', ['G{\\"o}del', 'G\\"{o}del']),
        ("Martínez", "Mart\\'{\\i}nez", ["Mart\\'{\\i}nez"]),
        ("Rényi", "Erd\\H{o}s--R\\'enyi graphs", ["R\\'enyi"]),
        # hyphens, dashes and line breaks between the words of a phrase
        ("graph neural", "graph-neural nets", ["graph-neural"]),
        ("graph-neural", "graph neural nets", ["graph neural"]),
        (
            "graph neural",
            "graph\u2013neural and graph \u2014 neural",
            ["graph\u2013neural", "graph \u2014 neural"],
        ),
        ("graph neural network", "a graph\n   neural    network here", ["graph\n   neural    network"]),
        ("neural network", "neu\u00adral network", ["neu\u00adral network"]),  # a soft hyphen splits nothing
        # quotes are optional around a phrase; a phrase keeps its order
        ('"graph neural"', "graph neural", ["graph neural"]),
        ("neural graph", "graph neural", []),
        # prefix wildcards, alone or in a phrase
        ("neur*", "Neural, neurons and neuro-symbolic; not euro or aneurysm", ["Neural", "neurons", "neuro"]),
        ("graph neur*", "graph neurons and graph-neural", ["graph neurons", "graph-neural"]),
        # TeX in the text does not hide the words around it, and TeX commands are not words
        ("graph", "an $\\mathcal{O}(n)$ graph algorithm", ["graph"]),
        ("mathcal", "an $\\mathcal{O}(n)$ algorithm", []),
        ("linear time", "$\\mathcal{O}(n)$ linear-time", ["linear-time"]),
        ("k-means", "clustering with $k$-means", ["k$-means"]),
        # Greek letters: typed, as TeX, or spelled out
        (
            "alpha-synuclein",
            "α-synuclein and $\\alpha$-synuclein and alpha synuclein",
            ["α-synuclein", "\\alpha$-synuclein", "alpha synuclein"],
        ),
        ("β-cell", "pancreatic beta-cells and beta-cell mass", ["beta-cell"]),
        # a term may hold punctuation after its first letters
        ("O(n)", "in O(n) time", ["O(n)"]),
        ("C++", "written in C++ and C", ["C++"]),
    ],
)
def test_a_term_finds_exactly_these_words(term: str, text: str, expected: list[str]) -> None:
    assert found(term, text) == expected


def test_spans_point_into_the_original_text_after_folded_characters() -> None:
    # Each of these changes length when folded (ß, a TeX accent, α, a combining mark): the spans after
    # them must still land on the original words.
    title = 'Stra\\ss{}e, Gro\u00df, Schr\\"odinger, α and Pe\u0301rez: graph neural networks'
    hits = RadarMatcher([RadarRule(name="r", terms=["graph neural networks"])]).match(paper(title))
    assert [(h.field, h.text, title[h.start : h.end]) for h in hits] == [
        ("title", "graph neural networks", "graph neural networks")
    ]


def test_a_phrase_never_runs_from_the_title_into_the_abstract() -> None:
    hits = RadarMatcher([RadarRule(name="r", terms=["graph neural"])]).match(paper("A graph", "Neural nets"))
    assert hits == []


def test_title_words_and_abstract_words_are_told_apart() -> None:
    hits = RadarMatcher([RadarRule(name="r", terms=["diffusion"])]).match(
        paper("Diffusion for proteins", "We train a diffusion model.")
    )
    assert [(h.field, h.start, h.end) for h in hits] == [("title", 0, 9), ("abstract", 11, 20)]


def test_an_excluded_term_vetoes_its_rule_but_not_the_others() -> None:
    rules = [
        RadarRule(name="rl", terms=["reinforcement learning"], exclude=["robot*"]),
        RadarRule(name="control", terms=["reinforcement learning"]),
    ]
    matcher = RadarMatcher(rules)
    robots = matcher.match(paper("Reinforcement learning for robotic arms"))
    assert {h.rule for h in robots} == {"control"}
    games = matcher.match(paper("Reinforcement learning for games"))
    assert {h.rule for h in games} == {"rl", "control"}


@pytest.mark.parametrize(
    ("author", "names", "expected"),
    [
        ("Perez", ["Ana Pérez", "Li Wei"], ["Ana Pérez"]),
        ("Pérez", ["Ana Perez"], ["Ana Perez"]),
        ("A. Perez", ["Ana Pérez", "Bea Pérez"], ["Ana Pérez"]),
        ("Ana Perez", ["A. Pérez"], ["A. Pérez"]),
        ("Ana Perez", ["Ana María Pérez"], ["Ana María Pérez"]),
        ("Ana Perez", ["Bea Pérez"], []),
        ("Perez", ["Ana Perezoso"], []),
        ("Pérez, Ana", ["Ana Pérez"], ["Ana Pérez"]),
        ("Perez", ["P\\'erez, Ana"], ["P\\'erez, Ana"]),
        ("Garcia", ["Ana Pérez-García"], ["Ana Pérez-García"]),
        ("Müller", ["Jonas MÜLLER", "Jo Mueller"], ["Jonas MÜLLER"]),
    ],
)
def test_an_author_rule_matches_these_names(author: str, names: list[str], expected: list[str]) -> None:
    entry = paper(authors=tuple(names))
    hits = RadarMatcher([RadarRule(name="people", authors=[author])]).match(entry)
    assert [h.text for h in hits] == expected
    for hit in hits:
        assert hit.field == "authors"
        assert entry.authors[hit.author][hit.start : hit.end] == hit.text  # type: ignore[index]


@pytest.mark.parametrize(
    ("categories", "sources", "entry_categories", "label", "matches"),
    [
        (["cs.LG"], [], ["stat.ML", "cs.LG"], "arXiv (stat.ML)", True),
        (["cs"], [], ["cs.CV"], "arXiv (cs.CV)", True),  # a whole archive
        (["cs.LG"], [], ["cs.LGX"], "arXiv (cs.LGX)", False),
        (["quant-ph"], [], ["cs.LG"], "arXiv (cs.LG)", False),
        (["cs.LG"], [], [], "arXiv", False),  # unknown categories cannot pass a category filter
        ([], ["Nature"], [], "Nature", True),
        ([], ["arXiv"], ["cs.LG"], "arXiv (cs.LG)", True),
        ([], ["bioRxiv"], ["cs.LG"], "arXiv (cs.LG)", False),
    ],
)
def test_categories_and_sources_narrow_a_rule(categories, sources, entry_categories, label, matches) -> None:
    rule = RadarRule(name="r", terms=["diffusion"], categories=categories, sources=sources)
    hits = RadarMatcher([rule]).match(paper("Diffusion", categories=tuple(entry_categories), label=label))
    assert bool(hits) is matches


def test_hits_come_in_reading_order_title_authors_abstract() -> None:
    rules = [RadarRule(name="a", terms=["spin"]), RadarRule(name="b", authors=["Sato"])]
    hits = RadarMatcher(rules).match(paper("Spin glasses", "Spin and spin.", ("Ines Sato",)))
    assert [(h.field, h.start) for h in hits] == [
        ("title", 0),
        ("authors", 0),
        ("abstract", 0),
        ("abstract", 9),
    ]


def test_no_rules_match_nothing_and_an_empty_paper_is_fine() -> None:
    assert RadarMatcher([]).match(paper("Anything")) == []
    assert RadarMatcher([RadarRule(name="r", terms=["x-ray"], authors=["Li"])]).match(paper("", "")) == []


def test_a_batch_gives_what_each_paper_gives_alone(seed_day) -> None:
    papers = [p for path in sorted(seed_day.glob("*.xml")) for p in parse_feed(path.read_bytes()).papers]
    rules = [
        RadarRule(name="quantum", terms=["error correction", "qubit*", "surface code"]),
        RadarRule(name="models", terms=["language model*", "LLM*", "transformer*"], exclude=["vision"]),
        RadarRule(name="bio", terms=["single-cell", "protein*"], sources=["bioRxiv", "medRxiv"]),
        RadarRule(name="people", authors=["Silva", "Sato"]),
    ]
    matcher = RadarMatcher(rules)
    batch = matcher.match_many(papers)
    assert batch == [matcher.match(p) for p in papers]
    assert sum(1 for hits in batch if hits) >= 10  # the seed day does touch these interests
    for entry, hits in zip(papers, batch, strict=True):
        for hit in hits:
            text = entry.authors[hit.author] if hit.field == "authors" else getattr(entry, hit.field)  # type: ignore[index]
            assert text[hit.start : hit.end] == hit.text


def test_folding_maps_every_folded_span_back_to_whole_original_characters() -> None:
    original = 'x Gro\u00df Stra\\ss{} Schr\\"odinger α Pe\u0301rez y'
    folded = fold(original)
    assert (
        folded.text == "x Gross Strass Schrodinger alpha Perez y"
    )  # ASCII keeps its case: matching ignores it
    for word in folded.text.split():
        start = folded.text.index(word)
        s, e = folded.span(start, start + len(word))
        assert fold(original[s:e]).text == word, (word, original[s:e])


def test_hits_are_the_contract_model() -> None:
    hits = RadarMatcher([RadarRule(name="r", terms=["spin"])]).match(paper("Spin"))
    assert hits == [RadarHit(rule="r", field="title", term="spin", start=0, end=4, text="Spin")]
