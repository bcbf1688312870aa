"""The briefing's prompts, in English and in Chinese: short on purpose.

Prompt processing dominates on a CPU, so each prompt carries only titles and one-sentence digests. The
system prompt is the same for every part of a briefing: llama-cpp-python keeps the tokens a prompt shares
with the previous one, so it is read once per briefing, not once per theme. No worked example: a 135M
model copies an example's sentences into its answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..llm.base import Message
from ..models import Card
from .digest import trim_words
from .model import Language
from .themes import LinkPair, field_of

SYSTEM = {
    "en": (
        "You write a short daily briefing on new research papers in plain English, using only the facts "
        'given. Papers are numbered like [12]; each sentence lists in "cites" the papers it is about.'
    ),
    "zh": (
        "你为新发表的研究论文撰写简短的每日简报，只使用所给的事实，用简体中文写作，"
        "技术术语（方法、模型、数据集的名称）保留英文原文。论文按编号标注，如 [12]；"
        '每句话在 "cites" 中列出它所涉及的论文。'
    ),
}

_THEME = {
    "en": "Give this group of papers a title of two to five words, then write one to three sentences on what "
    "they report.",
    "zh": "为这组论文写一个两到八个字的中文标题，然后用一到三句中文概括它们的发现。",
}
_LINKS = {
    "en": "These pairs of papers come from different fields. For each pair, write one sentence on what "
    "links them.",
    "zh": "这些论文两两来自不同领域。为每一对写一句中文，说明它们之间的联系。",
}
_OPENING = {
    "en": "These are today's themes. Write a headline for the day, then two or three sentences of overview.",
    "zh": "以下是今天的主题。写一个中文标题概括今天，再用两到三句中文做总体概述。",
}
_READ_FIRST = {
    "en": "For each paper, write one sentence on why it is worth reading first.",
    "zh": "为每篇论文写一句中文，说明为什么值得优先阅读。",
}


TITLE_WORDS = 16  # a few titles run to 30 words; the start says what the paper is


def paper_line(card: Card, digests: Mapping[str, str]) -> str:
    title = trim_words(card.title.rstrip("."), TITLE_WORDS)
    return f"[{card.n}] {title}. {digests.get(card.id, '')}".strip()


def _messages(language: Language, user: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM[language]}, {"role": "user", "content": user}]


def theme_prompt(cards: Sequence[Card], digests: Mapping[str, str], language: Language) -> list[Message]:
    papers = "\n".join(paper_line(c, digests) for c in cards)
    return _messages(language, f"{papers}\n\n{_THEME[language]}")


def links_prompt(pairs: Sequence[LinkPair], language: Language) -> list[Message]:
    lines = []
    for pair in pairs:
        a, b = pair.first, pair.second
        shared = f" Shared words: {', '.join(pair.shared)}." if pair.shared else ""
        lines.append(f"- [{a.n}] {a.title} ({field_of(a)}) and [{b.n}] {b.title} ({field_of(b)}).{shared}")
    return _messages(language, "\n".join(lines) + f"\n\n{_LINKS[language]}")


def opening_prompt(themes: Sequence[tuple[str, Sequence[Card]]], language: Language) -> list[Message]:
    lines = [f"- {title}: " + "; ".join(f"[{c.n}] {c.title}" for c in cards[:2]) for title, cards in themes]
    return _messages(language, "\n".join(lines) + f"\n\n{_OPENING[language]}")


def read_first_prompt(cards: Sequence[Card], digests: Mapping[str, str], language: Language) -> list[Message]:
    papers = "\n".join(paper_line(c, digests) for c in cards)
    return _messages(language, f"{papers}\n\n{_READ_FIRST[language]}")
