import datetime as dt

import pytest

from academichub.briefing.model import Briefing, ReadFirst, Statement, Theme
from academichub.briefing.render import render_markdown, statement_markdown

WHEN = dt.datetime(2026, 6, 24, 8, 30, tzinfo=dt.UTC)


def briefing(**fields) -> Briefing:
    values = dict(
        day=dt.date(2026, 6, 24),
        headline="Quantum errors and sleeping mice",
        overview=[
            Statement(text="Decoders learn syndromes.", cites=[3]),
            Statement(text="Mice sleep [12].", cites=[12]),
        ],
        themes=[
            Theme(
                title="Quantum hardware",
                cards=[3, 7],
                statements=[Statement(text="Leakage is measured.", cites=[7])],
            )
        ],
        links=[Statement(text="Both count errors.", cites=[3, 12])],
        read_first=[ReadFirst(card=3, title="Transformer decoders", why="It decodes the surface code.")],
        cards=[3, 7, 12],
        model="SmolLM2-135M-Instruct.Q4_1.gguf",
        written_at=WHEN,
        credits="It named the themes.",
    )
    return Briefing(**(values | fields))


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (Statement(text="Mice sleep.", cites=[12]), "Mice sleep. [12]"),
        (Statement(text="Mice sleep [12].", cites=[12]), "Mice sleep [12]."),
        (Statement(text="Both [03] count.", cites=[3, 7]), "Both [03] count. [07]"),
    ],
)
def test_each_statement_shows_every_citation_once(statement, expected):
    assert statement_markdown(statement) == expected


def test_the_markdown_says_which_model_wrote_it_when_and_that_it_read_abstracts_only():
    text = render_markdown(briefing())
    assert text.startswith("## Quantum errors and sleeping mice\n")
    byline = "Written with SmolLM2-135M-Instruct.Q4_1.gguf on 2026-06-24 08:30 UTC, from the papers' titles"
    assert f"*{byline} and abstracts only. It named the themes.*" in text
    assert "Decoders learn syndromes. [03] Mice sleep [12]." in text
    assert "### Quantum hardware\n\n- Leakage is measured. [07]" in text
    assert "### Across fields\n\n- Both count errors. [03][12]" in text
    assert "### Read first\n\n1. [03] Transformer decoders: It decodes the surface code." in text


def test_chinese_briefings_have_chinese_headings():
    text = render_markdown(briefing(language="zh"))
    assert (
        "由 SmolLM2-135M-Instruct.Q4_1.gguf 参与于 2026-06-24 08:30 UTC 撰写，仅阅读了论文的标题和摘要。"
        in text
    )
    assert "### 跨学科联系" in text and "### 优先阅读" in text


def test_a_briefing_no_model_took_part_in_says_why_at_the_top():
    text = render_markdown(
        briefing(
            extractive=True, model="none", notice="No model took part: no such file.", credits="By code."
        )
    )
    assert text.startswith(
        "## Quantum errors and sleeping mice\n\n**No model took part: no such file.**\n\n*By code.*"
    )
    assert "Written with" not in text


def test_a_sentence_the_model_wrote_is_marked():
    written = Theme(
        title="Sleep", cards=[12], statements=[Statement(text="Mice sleep.", cites=[12], by="model")]
    )
    assert "### Sleep\n\n- Mice sleep. [12] ✎" in render_markdown(briefing(themes=[written]))
