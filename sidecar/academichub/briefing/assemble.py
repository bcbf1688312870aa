"""The sentences code writes, in English and Chinese: every one whole, every claim a paper's own phrase.

A theme is its key phrase and what each paper contributes, two or three papers to a sentence ("On offline
reinforcement learning, [03] proposes a diffusion-based policy, and [05] shows that critics overfit small
datasets."); a cross-field link names the phrase both papers use; papers that share no topic are listed
under "Also today". These are the briefing whenever no model can write, and the sentences that replace a
model's answer that fails its checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..models import Card
from .contribution import Contribution
from .model import Briefing, Language, ReadFirst, Statement, Theme
from .phrases import display
from .plan import Plan, PlannedTheme
from .themes import field_of


def chunks(items: Sequence[Contribution]) -> list[list[Contribution]]:
    """Two or three papers to a sentence: 2, 3, 2+2, 2+3, 3+3..."""
    items = list(items)
    out: list[list[Contribution]] = []
    while len(items) > 3:
        take = 2 if len(items) in (4, 5) else 3
        out.append(items[:take])
        items = items[take:]
    if items:
        out.append(items)
    return out


def cite(n: int) -> str:
    return f"[{n:02d}]"


def part(c: Contribution, language: Language, field: str | None = None) -> str:
    where = f" ({field})" if field else ""
    if language == "zh":
        return f"{cite(c.card)}{where} {c.chinese()}"
    return f"{cite(c.card)}{where} {c.english()}"


def join_parts(parts: Sequence[str], language: Language, lead_in: str = "") -> str:
    if language == "zh":
        return lead_in + "；".join(parts) + "。"
    if len(parts) == 1:
        body = parts[0]
    elif len(parts) == 2:
        body = f"{parts[0]}, and {parts[1]}"
    else:
        body = "; ".join(parts[:-1]) + f"; and {parts[-1]}"
    return lead_in + body + "."


def theme_sentences(
    phrase: str, contributions: Sequence[Contribution], language: Language
) -> list[Statement]:
    groups = chunks(contributions)
    out = []
    for i, group in enumerate(groups):
        parts = [part(c, language) for c in group]
        if i == 0:
            lead_in = f"关于 {phrase}：" if language == "zh" else f"On {phrase}, "
        else:
            lead_in = "此外，" if language == "zh" else "Alongside them, "
        out.append(Statement(text=join_parts(parts, language, lead_in), cites=[c.card for c in group]))
    return out


def link_sentence(
    term: str, first: tuple[Card, Contribution], second: tuple[Card, Contribution], language: Language
) -> Statement:
    (a, ca), (b, cb) = first, second
    if language == "zh":
        lead_in = f"{term} 连接了 {field_of(a)} 与 {field_of(b)}："
    else:
        lead_in = f"{display(term)} links {field_of(a)} and {field_of(b)}: "
    text = join_parts([part(ca, language), part(cb, language)], language, lead_in)
    return Statement(text=text, cites=[a.n, b.n])


def also_today_sentences(items: Sequence[tuple[Card, Contribution]], language: Language) -> list[Statement]:
    fields = {c.n: field_of(c) for c, _ in items}
    out = []
    for i, group in enumerate(chunks([c for _, c in items])):
        parts = [part(c, language, fields[c.card]) for c in group]
        lead_in = ("另有：" if language == "zh" else "Also, ") if i == 0 and len(group) == 1 else ""
        out.append(Statement(text=join_parts(parts, language, lead_in), cites=[c.card for c in group]))
    return out


def also_today_title(language: Language) -> str:
    return "今日其他论文" if language == "zh" else "Also today"


def headline(names: Sequence[str], papers: int, language: Language) -> str:
    if language == "zh":
        if not names:
            return f"今日 {papers} 篇论文，各有其题"
        shown = "、".join(names[:2])
        more = f" 等 {len(names)} 个主题" if len(names) > 2 else ""
        return f"今日主题：{shown}{more}"
    if not names:
        return f"{papers} papers, each on its own topic"
    if len(names) == 1:
        return display(names[0])
    if len(names) == 2:
        return f"{display(names[0])} and {names[1]}"
    return f"{display(names[0])}, {names[1]} and {len(names) - 2} more themes"


def overview(themes: Sequence[tuple[str, int]], alone: int, language: Language) -> str:
    """'25 papers form 4 themes, the largest on X (5 papers) and Y (4 papers); 9 more stand alone.'"""
    papers = sum(n for _, n in themes) + alone
    if language == "zh":
        if not themes:
            return f"今日 {papers} 篇论文彼此没有共同主题，逐篇列于下方。"
        big = "、".join(f"{name}（{n} 篇）" for name, n in themes[:2])
        rest = f"；另有 {alone} 篇论文自成一题" if alone else ""
        return f"今日 {papers} 篇论文分为 {len(themes)} 个主题，最大的是 {big}{rest}。"
    if not themes:
        return f"The {papers} papers share no topic with one another; each is listed below."
    big = " and ".join(f"{name} ({n} papers)" for name, n in themes[:2])
    word = "theme" if len(themes) == 1 else "themes"
    rest = f"; {alone} more papers stand alone" if alone else ""
    return f"The {papers} papers form {len(themes)} {word}, the largest on {big}{rest}."


def read_first_reason(c: Contribution, phrase: str | None, language: Language) -> str:
    if language == "zh":
        lead = f"它是「{phrase}」主题的代表论文，" if phrase else ""
        return f"{lead}{c.chinese()}。"
    if phrase:
        return f"It leads the theme on {phrase} and {c.english()}."
    return f"It {c.english()}."


_CREDITS = {
    "en": {
        "code": "Themes, their names and every sentence assembled by code from the papers' titles and "
        "abstracts.",
        "model": "Themes and sentences assembled by code from the papers' titles and abstracts; {model} "
        "{what}.",
        "names": "chose {n} theme names among the key phrases",
        "sentences": "wrote {n} sentences (marked ✎), each checked against the cards",
        "none": "wrote nothing that passed the checks",
        "idle": "had nothing to choose (each theme had one key phrase)",
    },
    "zh": {
        "code": "主题、主题名称和每个句子均由程序根据论文标题和摘要整理。",
        "model": "主题与句子由程序根据论文标题和摘要整理；{model}{what}。",
        "names": "从候选关键词中选定了 {n} 个主题名称",
        "sentences": "撰写了 {n} 个句子（标有 ✎），每句都经过与论文的核对",
        "none": "写出的内容没有通过核对",
        "idle": "无需选择（每个主题只有一个关键词）",
    },
}


def credits(model: str | None, names: int, sentences: int, language: Language, asked: int = 1) -> str:
    """Who wrote what: `names` theme names and `sentences` sentences by the model, of `asked` tasks."""
    labels = _CREDITS[language]
    if model is None:
        return labels["code"]
    what = [labels["names"].format(n=names)] if names else []
    what += [labels["sentences"].format(n=sentences)] if sentences else []
    joined = ("，" if language == "zh" else " and ").join(what) or labels["none" if asked else "idle"]
    if language == "zh":
        return labels["model"].format(model=model + " ", what=joined)
    return labels["model"].format(model=model, what=joined)


def code_theme(theme: PlannedTheme, language: Language) -> Theme:
    return Theme(
        title=display(theme.name),
        cards=theme.group.numbers,
        keywords=theme.options,
        statements=theme_sentences(theme.name, theme.contributions, language),
        extractive=True,
    )


def also_today(plan: Plan, language: Language) -> Theme | None:
    if not plan.alone:
        return None
    items = [(c, plan.contributions[c.n]) for c in plan.alone]
    return Theme(
        title=also_today_title(language),
        cards=[c.n for c in plan.alone],
        statements=also_today_sentences(items, language),
        extractive=True,
        also_today=True,
    )


def code_links(plan: Plan, language: Language) -> list[Statement]:
    c = plan.contributions
    return [
        link_sentence(link.term, (link.first, c[link.first.n]), (link.second, c[link.second.n]), language)
        for link in plan.links
    ]


def code_read_first(plan: Plan, language: Language) -> list[ReadFirst]:
    picks = []
    for card in plan.read_first:
        theme = plan.theme_of(card.n)
        why = read_first_reason(plan.contributions[card.n], theme.name if theme else None, language)
        picks.append(ReadFirst(card=card.n, title=card.title, why=why))
    return picks


def code_opening(themes: Sequence[Theme], plan: Plan, language: Language) -> tuple[str, list[Statement]]:
    named = [(inline(t.title), len(t.cards)) for t in themes if not t.also_today]
    text = overview(named, len(plan.alone), language)
    return headline([n for n, _ in named], len(plan.cards), language), [Statement(text=text)]


def inline(title: str) -> str:
    """A theme's title inside a sentence: 'Dark matter' reads 'dark matter'; 'LLMs', 'GraphSAGE' stay."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and (first.isupper() or any(ch.isupper() for ch in first[1:])):
        return title
    return title[:1].lower() + title[1:]


def code_briefing(plan: Plan, language: Language, day: dt.date | None, notice: str | None) -> Briefing:
    """The whole briefing by code: what shows when no model can write, and where each model answer goes."""
    themes = [code_theme(t, language) for t in plan.themes]
    if (extra := also_today(plan, language)) is not None:
        themes.append(extra)
    title, opening = code_opening(themes, plan, language)
    return Briefing(
        day=day,
        headline=title,
        overview=opening,
        themes=themes,
        links=code_links(plan, language),
        read_first=code_read_first(plan, language),
        cards=[c.n for c in plan.cards],
        model="none",
        written_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        language=language,
        extractive=True,
        notice=notice,
        credits=credits(None, 0, 0, language),
    )


ENGLISH_ONLY_ZH = (
    "{model} 只会写英文，不能写中文：本简报的结构和句式由程序用中文整理，各论文的贡献保留论文的英文原话。"
    "如需中文撰写，请在设置中选择一个会写中文的模型。"
)
