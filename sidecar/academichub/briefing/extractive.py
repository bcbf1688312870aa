"""The briefing code writes alone, when no model can (a missing file, a failed load) or a theme's answer
left no checkable statement: each theme's papers in their own first words, every sentence citing its card.
It never pretends to be more: it says it was not written by a model, and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..models import Card
from .model import Briefing, Language, ReadFirst, Statement, Theme
from .themes import LinkPair, ThemeGroup, field_of

_NOT_BY_A_MODEL = {
    "en": "Not written by a model: {reason} These are sentences from the papers' abstracts, grouped by code.",
    "zh": "本简报并非由模型撰写：{reason} 以下句子摘自论文摘要，由程序分组。",
}


_REASONS = {
    "no_papers": {"en": "there are no papers to brief", "zh": "没有可供简报的论文"},
    "no_model": {"en": "no model is configured", "zh": "没有配置模型"},
    "unavailable": {"en": "the model could not be used ({detail})", "zh": "模型无法使用（{detail}）"},
    "failed": {"en": "{model} failed ({detail})", "zh": "{model} 运行失败（{detail}）"},
    "unchecked": {
        "en": "{model} gave no statement whose citations checked out",
        "zh": "{model} 写出的句子没有一条通过引用核对",
    },
}


def reason(kind: str, language: Language, **details: object) -> str:
    """Why code wrote the briefing, in the briefing's language (file names and llama.cpp's words stay)."""
    return _REASONS[kind][language].format(**details)


def keyword_title(group: ThemeGroup) -> str:
    words = group.keywords or [field_of(group.cards[0])]
    return ", ".join(words).capitalize()


def code_headline(groups: Sequence[ThemeGroup], language: Language) -> str:
    papers = sum(len(g.cards) for g in groups)
    fields = list(dict.fromkeys(f for g in groups for f in g.fields))
    shown = ", ".join(fields[:4]) + ("…" if len(fields) > 4 else "")
    if language == "zh":
        return f"今日 {papers} 篇论文，{len(groups)} 个主题：{shown}"
    return f"{papers} papers in {len(groups)} themes: {shown}"


def digest_statement(card: Card, digests: Mapping[str, str]) -> Statement:
    return Statement(text=digests.get(card.id) or card.title, cites=[card.n])


def extractive_theme(group: ThemeGroup, digests: Mapping[str, str], limit: int = 3) -> Theme:
    lead_first = sorted(group.cards, key=lambda c: (c.n != group.lead, c.n))
    return Theme(
        title=keyword_title(group),
        cards=group.numbers,
        keywords=group.keywords,
        statements=[digest_statement(c, digests) for c in lead_first[:limit]],
        extractive=True,
    )


def extractive_link(pair: LinkPair, language: Language) -> Statement:
    shared = ", ".join(pair.shared) or "—"
    a, b = pair.first, pair.second
    if language == "zh":
        text = f"{field_of(a)} 的 [{a.n:02d}] 与 {field_of(b)} 的 [{b.n:02d}] 都涉及：{shared}。"
    else:
        text = f"[{a.n:02d}] ({field_of(a)}) and [{b.n:02d}] ({field_of(b)}) share: {shared}."
    return Statement(text=text, cites=[a.n, b.n])


def extractive_briefing(
    *,
    day: dt.date | None,
    cards: Sequence[Card],
    groups: Sequence[ThemeGroup],
    links: Sequence[LinkPair],
    read_first: Sequence[Card],
    digests: Mapping[str, str],
    language: Language,
    reason: str,
) -> Briefing:
    reason = reason.rstrip(".。") + ("。" if language == "zh" else ".")
    overview = [digest_statement(c, digests) for c in read_first[:2]]
    return Briefing(
        day=day,
        headline=code_headline(groups, language),
        overview=overview,
        themes=[extractive_theme(g, digests) for g in groups],
        links=[extractive_link(p, language) for p in links],
        read_first=[ReadFirst(card=c.n, title=c.title, why=digests.get(c.id) or c.title) for c in read_first],
        cards=[c.n for c in cards],
        model="none",
        written_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        language=language,
        extractive=True,
        notice=_NOT_BY_A_MODEL[language].format(reason=reason),
    )
