"""A model's sentence is kept only when a reader's checks pass; otherwise the code's sentence stays."""

import pytest
from briefing_cards import card

from academichub.briefing.tasks import check_sentence

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
]


def test_a_sentence_that_passes_is_kept_with_its_citations_written_as_the_cards_number_them():
    verdict = check_sentence("Both [3] and [7] decode or measure superconducting qubits.", [3, 7], CARDS)
    assert verdict.text == "Both [03] and [07] decode or measure superconducting qubits."


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("[3] decodes syndromes while leakage rates are measured.", "cites [3], not [3, 7]"),
        ("[3] and [9] decode syndromes on a qubit processor.", "cites [3, 9], not [3, 7]"),
        ("[3] and [7] train a transformer to decode…", "not a whole sentence"),
        ("[3] [7] We train a transformer to decode surface-code syndromes.", "copies a title or abstract"),
        ("[3] and [7] matter for a COVID-19 pandemic project.", "words in none of its papers"),
        ("", "cites [], not [3, 7]"),
    ],
)
def test_a_sentence_that_fails_a_check_is_refused_with_the_reason(answer, reason):
    verdict = check_sentence(answer, [3, 7], CARDS)
    assert verdict.text is None and verdict.reason.startswith(reason)


def test_a_link_must_name_what_the_papers_share():
    answer = "[3] decodes codes, and [7] measures leakage rates on superconducting qubits."
    assert check_sentence(answer, [3, 7], CARDS, must_contain="surface code").reason.startswith(
        "does not name"
    )


def test_the_codes_own_sentence_echoed_back_is_not_credited_to_the_model():
    code = "[03] trains a transformer, and [07] measures leakage rates."
    assert (
        check_sentence(
            "[3] trains a transformer, and [7] measures leakage rates.", [3, 7], CARDS, code_version=code
        ).text
        is None
    )
