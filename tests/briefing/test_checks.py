"""What a reader checks in a sentence: whole, copied, invented, a theme named by a paper's title."""

import pytest
from briefing_cards import card

from academichub.briefing.checks import DayText, is_fragment

DAY = DayText(
    [
        card(
            3,
            "Transformer decoders for the surface code",
            "We train a transformer to decode surface-code syndromes at the threshold of the code.",
        ),
        card(
            7, "Leakage in superconducting qubits", "We measure leakage rates on a superconducting processor."
        ),
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "We train a transformer to decode…",
        "We train a transformer to decode",
        "2023-08-15 [14]",
        "} [03]",
        "Leakage in superconducting qubits.",
    ],
)
def test_cut_off_dated_or_title_only_statements_are_fragments(text):
    assert DAY.fragment(text)


def test_a_whole_sentence_with_citations_is_not_a_fragment():
    assert not is_fragment("On leakage, [07] measures leakage rates on a processor. [07]")
    assert not is_fragment("关于 surface code：[03] 训练 a transformer decoder。")


def test_a_verbatim_run_of_seventy_percent_of_the_words_is_a_copy():
    assert DAY.copied("[03] We train a transformer to decode surface-code syndromes.")
    assert not DAY.copied(
        "On surface codes, [03] trains a transformer decoder, and [07] measures leakage rates."
    )


def test_words_in_none_of_the_cards_are_invented_inflections_are_not():
    assert DAY.invented("[03] trains transformers and [07] measured leakage.") == []
    assert DAY.invented("A COVID-19 pandemic project links [03] and [07].") == [
        "covid-19",
        "pandemic",
        "project",
    ]


def test_a_theme_titled_with_a_papers_title_is_a_title_copy_a_key_phrase_is_not():
    assert DAY.title_copy("Transformer decoders for the surface code")
    assert DAY.title_copy("Transformer decoders for the surface")
    assert not DAY.title_copy("Surface code")
