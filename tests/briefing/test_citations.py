"""Citation markers as the model and the code write them."""

import pytest

from academichub.briefing.citations import extract_citations, strip_citations, tidy


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2. Leakage is measured.", "Leakage is measured."),
        ("  one\n line  ", "one line"),
    ],
)
def test_tidy_makes_one_clean_line(text, expected):
    assert tidy(text) == expected
