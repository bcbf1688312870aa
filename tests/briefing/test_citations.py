"""The citation checker on hand-made model outputs: citations of cards that were not given, of the wrong
paper, and statements left with none."""

import datetime as dt

import pytest

from academichub.briefing.citations import CitationChecker, extract_citations, strip_citations, tidy
from academichub.briefing.model import Statement
from academichub.models import Card


def card(n: int, title: str, abstract: str) -> Card:
    return Card(
        n=n,
        id=f"arxiv:2606.{n:05d}",
        title=title,
        abstract=abstract,
        source_label="arXiv (cs.LG)",
        date=dt.date(2026, 6, 24),
        arxiv_id=f"2606.{n:05d}",
        categories=["cs.LG"],
    )


CARDS = [
    card(
        3,
        "Transformer decoders for the surface code",
        "We train a transformer to decode surface-code syndromes.",
    ),
    card(
        7,
        "Leakage in superconducting qubits",
        "We measure leakage rates on a superconducting qubit processor.",
    ),
    card(12, "Sleep in mice", "Here we show that mice sleep more after learning a maze."),
]


@pytest.fixture
def checker() -> CitationChecker:
    return CitationChecker(CARDS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No citation here.", []),
        ("Decoders [03] and leakage [7].", [3, 7]),
        ("Both [03, 07] and again [3].", [3, 7]),
        ("Lists [3;12][07].", [3, 12, 7]),
        ("Not a citation: [a] or [] or [3-5].", []),
    ],
)
def test_extract_citations_reads_every_marker_form(text, expected):
    assert extract_citations(text) == expected


def test_strip_citations_removes_the_missing_and_normalises_the_kept():
    assert strip_citations("Decoders [3, 99] and ghosts [42].", keep=[3]) == "Decoders [03] and ghosts."


def test_a_citation_of_a_card_that_was_not_given_is_removed(checker):
    statement, report = checker.check(
        Statement(text="A transformer decodes surface-code syndromes.", cites=[3, 99])
    )
    assert statement == Statement(text="A transformer decodes surface-code syndromes.", cites=[3])
    assert (report.removed, report.dropped) == (1, 0)


def test_a_statement_citing_only_missing_cards_is_dropped(checker):
    statement, report = checker.check(
        Statement(text="A transformer decodes surface-code syndromes [42].", cites=[99])
    )
    assert statement is None
    assert (report.removed, report.dropped) == (2, 1)


def test_citations_in_the_text_are_checked_like_the_cites(checker):
    statement, _ = checker.check(
        Statement(text="Transformers decode surface-code syndromes [03][88].", cites=[])
    )
    assert statement == Statement(text="Transformers decode surface-code syndromes [03].", cites=[3])


def test_a_citation_of_a_paper_the_sentence_is_not_about_is_removed(checker):
    # The model wrote about the decoder paper but cited the sleep paper beside it.
    statement, report = checker.check(
        Statement(text="A transformer decodes surface-code syndromes.", cites=[12, 3])
    )
    assert statement == Statement(text="A transformer decodes surface-code syndromes.", cites=[3])
    assert report.removed == 1


def test_an_invented_sentence_loses_its_citations(checker):
    statement, _ = checker.check(
        Statement(text="The future of AI: a new era of human collaboration.", cites=[3])
    )
    assert statement is None


def test_allowed_narrows_what_a_theme_may_cite(checker):
    statement, _ = checker.check(
        Statement(text="Mice sleep more after learning a maze.", cites=[12]), allowed=[3, 7]
    )
    assert statement is None


def test_check_all_drops_empty_and_repeated_statements(checker):
    kept, report = checker.check_all(
        [
            Statement(text="Leakage rates are measured on superconducting qubits.", cites=[7]),
            Statement(text="Leakage rates are measured on superconducting qubits.", cites=[7]),
            Statement(text="[03]", cites=[3]),
            Statement(text="Something about nothing at all.", cites=[]),
        ]
    )
    assert kept == [Statement(text="Leakage rates are measured on superconducting qubits.", cites=[7])]
    assert report.dropped == 3


def test_chinese_prose_without_an_english_word_keeps_its_valid_citations(checker):
    statement, _ = checker.check(Statement(text="小鼠在学习迷宫后睡得更多。", cites=[12, 99]))
    assert statement == Statement(text="小鼠在学习迷宫后睡得更多。", cites=[12])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2. Leakage is measured.", "Leakage is measured."),
        ("  one\n line  ", "one line"),
    ],
)
def test_tidy_makes_one_clean_line(text, expected):
    assert tidy(text) == expected


def test_tidy_trims_a_copied_abstract_at_a_word():
    trimmed = tidy("word " * 100, limit=52)
    assert trimmed == ("word " * 10).strip() + "…"


@pytest.mark.parametrize("text", ["} [03]", "The paper [03]", "[03][07]"])
def test_a_fragment_of_the_models_json_is_dropped_whatever_it_cites(checker, text):
    kept, report = checker.check(Statement(text=text, cites=[3]))
    assert kept is None
    assert report.dropped == 1
